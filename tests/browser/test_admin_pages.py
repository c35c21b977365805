"""An admin opens every page of the admin area and the directory with some mentors full, so the accessibility check of
the page fixture (axe-core at 1280 and 390 px, no sideways scrolling) covers them too."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.db import database
from portal.models import Match, Participant, Program
from tests.browser.test_pairing_console import prepare
from tests.browser.test_pairing_journey import log_in


def fill_some_mentors(app) -> None:
    """Three mentors full: the directory dims their cards."""
    with app.test_request_context(), database.connection_context():
        program = Program.current()
        mentors = list(Participant.taking_part(program, "mentor").limit(3))
        mentees = list(Participant.taking_part(program, "mentee").limit(3))
        for mentor, mentee in zip(mentors, mentees):
            Participant.update(capacity=1).where(Participant.id == mentor.id).execute()
            Match.create(program=program, mentor=mentor.user, mentee=mentee.user, made_by="admin")


def test_every_admin_page_passes_the_checks(serve, page):
    server = serve()
    prepare(server.app)
    fill_some_mentors(server.app)
    log_in(page, server.url, "admin@example.org")
    page.get_by_role("link", name="Admin").click()
    admin_nav = page.get_by_role("navigation", name="Admin")
    # The click only starts the navigation; reading the links before the page is there would read the home page's.
    expect(admin_nav.get_by_role("link", name="Dashboard", exact=True)).to_have_attribute("aria-current", "page")
    labels = admin_nav.get_by_role("link").all_inner_texts()
    assert {"Dashboard", "Settings", "Pairing console", "Surveys", "Audit log"} <= set(labels)
    for label in labels:
        admin_nav.get_by_role("link", name=label, exact=True).click()
        expect(admin_nav.get_by_role("link", name=label, exact=True)).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Mentors").click()
    # Full mentors come last, on the directory's last page.
    page.get_by_role("navigation", name="Pages").get_by_role("link", name=re.compile("Next")).click()
    expect(page.locator(".mentor-card.is-full").first).to_be_visible()
    # The page came by htmx; loaded as a page, the accessibility check keeps it too.
    page.reload()
    expect(page.locator(".mentor-card.is-full").first).to_be_visible()
