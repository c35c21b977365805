"""The mentee journey on a phone, 390 px wide: every page fits the screen (no sideways scrolling), every link of the
top navigation is on the screen, and once matched the navigation leads to the match."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.db import database
from portal.models import MatchRequest, User
from portal.pairing import operations
from tests.browser.accessibility import PHONE, PageAudit, horizontal_overflow
from tests.browser.test_pairing_journey import log_in, prepare

NAV_LINKS = "header.site-header nav a, header.site-header nav button"


def fits(page) -> None:
    """No sideways scrolling, and every link and button of the top navigation within the screen."""
    page.wait_for_load_state("load")
    wide = horizontal_overflow(page)
    assert wide is None, f"{page.url}: {wide}"
    for box in page.locator(NAV_LINKS).evaluate_all("els => els.map(e => e.getBoundingClientRect().toJSON())"):
        assert box["left"] >= 0 and box["right"] <= PHONE["width"], f"{page.url}: a navigation link is cut off"


def test_the_mentee_journey_fits_a_phone(serve, chromium):
    server = serve()
    prepare(server.app)
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, timezone_id="Europe/Lisbon",
                                   locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    audit = PageAudit(page)
    try:
        page.goto(server.url + "/")
        fits(page)
        page.goto(server.url + "/login")
        fits(page)
        log_in(page, server.url, "mentee@example.org")
        fits(page)
        nav = page.locator("header.site-header nav")
        expect(nav.get_by_role("link", name="My match")).to_have_count(0)

        nav.get_by_role("link", name="Mentors").click()
        expect(page.get_by_role("heading", name="Find a mentor")).to_be_visible()
        fits(page)
        # The "Has room" box is drawn as a box, not a sliver.
        box = page.get_by_role("checkbox", name="Has room").bounding_box()
        assert box["width"] >= 16 and box["height"] >= 16, box
        page.get_by_label("Search skills, goals, titles, departments or names").fill("python")
        expect(page).to_have_url(re.compile(r"q=python"), timeout=20_000)
        fits(page)
        card = page.locator(".mentor-card").first
        mentor_name = card.locator("h2").inner_text()
        card.locator("h2 a").click()
        expect(page.get_by_role("heading", name=mentor_name, level=1)).to_be_visible()
        fits(page)
        page.get_by_role("button", name="Add to shortlist").click()
        expect(page.get_by_role("button", name=re.compile("On your shortlist"))).to_be_visible()

        nav.get_by_role("link", name="My shortlist").click()
        expect(page.get_by_role("button", name="Request a match")).to_be_visible()
        fits(page)
        page.get_by_role("button", name="Request a match").click()
        expect(page.get_by_text(f"Request sent to {mentor_name}")).to_be_visible()
        fits(page)

        with server.app.test_request_context(), database.connection_context():
            mentee = User.get(User.email == "mentee@example.org")
            asked = MatchRequest.get(MatchRequest.mentee == mentee, MatchRequest.status == "pending")
            operations.approve_request(asked, asked.mentor)

        for name in ("Resources", "Surveys", "My profile", "Calendar", "Questionnaire"):
            nav.get_by_role("link", name=name).click()
            expect(page.locator("main h1").first).to_be_visible()
            fits(page)
        # Matched now: the navigation leads to the match, and its page and sessions fit too.
        nav.get_by_role("link", name="My match").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(mentor_name)
        expect(nav.get_by_role("link", name="My match")).to_have_attribute("aria-current", "page")
        fits(page)
    finally:
        context.close()
    audit.assert_clean(chromium)
