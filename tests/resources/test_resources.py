"""The resource library: our handbooks and agendas, rendered from content/."""
from __future__ import annotations

import pytest

from portal import content

HANDBOOK_SLUGS = {
    "being-a-great-mentor", "being-a-great-mentee", "diversity-equity-inclusion-mentoring",
    "high-potential-employee-mentoring", "new-manager-mentoring", "onboarding-new-hires", "remote-mentoring",
}
AGENDA_SLUGS = [
    "getting-to-know-one-another", "setting-goals", "problem-solving", "shadowing", "networking",
    "concluding-the-relationship",
]


def test_content_has_every_handbook_and_the_six_agendas_in_order():
    assert {d.slug for d in content.handbooks()} == HANDBOOK_SLUGS
    agendas = content.agendas()
    assert [a.slug for a in agendas] == AGENDA_SLUGS
    for agenda in agendas:
        for key in ("before", "during", "after"):
            assert 4 <= len(agenda.meta[key]) <= 7, (agenda.slug, key)
        assert agenda.meta["duration_minutes"] >= 30
        assert len(agenda.body.split()) > 300, "agendas are real guides, not placeholders"
    for handbook in content.handbooks():
        assert handbook.meta["audience"] in content.AUDIENCES
        assert len(handbook.body.split()) > 800


def test_library_lists_handbooks_and_agendas(client, create_user):
    create_user("reader@example.org")
    client.login("reader@example.org")
    html = client.get("/resources/").get_data(as_text=True)
    for document in content.handbooks() + content.agendas():
        assert document.title in html


@pytest.mark.parametrize("slug", sorted(HANDBOOK_SLUGS))
def test_each_handbook_renders(client, create_user, slug):
    create_user("reader@example.org")
    client.login("reader@example.org")
    response = client.get(f"/resources/handbooks/{slug}")
    assert response.status_code == 200
    assert "<h2>" in response.get_data(as_text=True)


def test_agenda_page_shows_guiding_questions(client, create_user):
    create_user("reader@example.org")
    client.login("reader@example.org")
    agenda = content.agendas()[1]
    html = client.get(f"/resources/agendas/{agenda.slug}").get_data(as_text=True)
    assert "Before" in html and "During" in html and "After" in html
    assert "SMART" in html


def test_raw_html_in_content_is_not_passed_through():
    document = content.Document(slug="x", title="x", summary="", order=0, body="<script>alert(1)</script>\n\n**bold**")
    assert "<script>" not in document.html and "<strong>bold</strong>" in document.html


def test_library_needs_login_and_unknown_pages_are_404(client, create_user):
    assert client.get("/resources/").status_code == 302
    create_user("reader@example.org")
    client.login("reader@example.org")
    assert client.get("/resources/handbooks/nope").status_code == 404
    assert client.get("/resources/agendas/nope").status_code == 404
