"""The settings page as one page: contents at the top, each section's message and errors next to it, a summary."""
from __future__ import annotations

import re

from portal.admin import registry


def _section(page: str, anchor: str) -> str:
    start = page.index(f'<section aria-labelledby="{anchor}-heading" id="{anchor}">')
    return page[start:page.index("</section>", start)]


def test_contents_link_every_section(client, admin):
    client.login(admin.email)
    page = client.get("/admin/settings").get_data(as_text=True)
    contents = page[page.index('id="settings-contents"'):page.index("</nav>", page.index('id="settings-contents"'))]
    for section in registry.sections():
        assert f'<a href="#{section.anchor}">{section.title}</a>' in contents
        assert f'id="{section.anchor}"' in page
    assert 'id="settings-errors"' not in page


def test_a_saved_section_says_so_next_to_itself_only(client, admin):
    client.login(admin.email)
    response = client.submit("/admin/settings/welcome", {"welcome_message": "Hello all"}, page="/admin/settings")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/settings#welcome")
    page = client.get("/admin/settings").get_data(as_text=True)
    saved = registry.SECTIONS["welcome"].saved
    assert saved in _section(page, "welcome")
    assert page.count(saved) == 1  # not repeated in the messages at the top
    assert saved not in client.get("/admin/settings").get_data(as_text=True)  # shown once


def test_errors_are_summarised_at_the_top_with_links_and_shown_in_their_section(client, admin):
    client.login(admin.email)
    response = client.submit("/admin/settings/welcome", {"welcome_message": "x" * 2001}, page="/admin/settings")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = page[page.index('id="settings-errors"'):page.index("</div>", page.index('id="settings-errors"'))]
    assert f"{registry.SECTIONS['welcome'].title} was not saved: 1 problem" in summary
    link = re.search(r'<a href="#([^"]+)">Message on the home page: Keep it under 2,000 characters.</a>', summary)
    assert link and f'id="{link.group(1)}"' in _section(page, "welcome")
    welcome = _section(page, "welcome")
    assert "Not saved: 1 problem" in welcome and "x" * 2001 in welcome  # what was typed is kept
    assert page.index('id="settings-errors"') < page.index('id="settings-contents"') < page.index('id="welcome"')


def test_the_programme_section_message_stays_with_it(client, admin):
    client.login(admin.email)
    response = client.submit("/admin/settings/phases/pairing", {"state": "open"}, page="/admin/settings")
    assert response.status_code == 302
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "opened." in _section(page, "phases")
    assert "opened." not in _section(page, "programme")
