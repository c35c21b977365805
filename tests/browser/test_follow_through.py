"""After a session, as the mentee lives it: the invite's agenda link opens the agenda, an action item goes on the
pair's list, feedback is sent once the session is over, and an admin sees the low rating flagged."""
from __future__ import annotations

import datetime as dt

import vobject
from playwright.sync_api import expect

from portal.accounts.operations import create_user as make_account
from portal.db import database
from portal.meetings import booking
from portal.models import ActionItem, Feedback, Match, User
from tests.browser.test_pairing_journey import log_in
from tests.browser.test_sessions import ics_of, prepare


def test_mentee_follows_through_from_the_invite_and_an_admin_sees_the_flag(serve, smtp_sink, page, monkeypatch):
    monkeypatch.setenv("CALENDAR_SECRET", "calendar-secret-for-browser-tests-0123456789")
    server = serve(mail={"transport": "smtp", "smtp_host": "127.0.0.1", "smtp_port": smtp_sink.port})
    match_id = prepare(server.app)
    # A session that ended an hour ago (booked without a calendar: the invites go by email).
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=2)
    with server.app.test_request_context(), database.connection_context():
        match = Match.get_by_id(match_id)
        booking.book(match, match.mentor, start, start + dt.timedelta(hours=1), location_kind="virtual",
                     location="https://meet.example.org/mia-leo")
        admin = make_account("ada@example.org", "Ada Admin", "demo-password")
        User.update(is_admin=True).where(User.id == admin.id).execute()

    invite = next(m["message"] for m in smtp_sink.wait_for(2, timeout=20) if "leo@example.org" in m["to"])
    card = vobject.readOne(ics_of(invite))
    page.goto(card.vevent.url.value)  # the agenda link, straight from the invite, not signed in
    expect(page.get_by_role("heading", level=1)).to_have_text("Getting to know one another")
    expect(page.locator("#action-items")).to_contain_text("No action items yet")

    page.get_by_label("New action item").fill("Write down three goals for the next six months")
    page.get_by_role("button", name="Add", exact=True).click()
    items = page.locator("#action-items")
    expect(items).to_contain_text("Write down three goals for the next six months")
    expect(items).to_contain_text("0 of 1 done")
    expect(page.get_by_label("New action item")).to_have_value("")  # htmx swapped the list, not the page

    page.get_by_role("button", name="How did it go?").click()
    expect(page.get_by_role("heading", name="How did the session go?")).to_be_visible()
    page.get_by_role("group", name="How useful was this session?").get_by_label("2", exact=True).check()
    page.get_by_role("group", name="How well does your pairing fit?").get_by_label("4", exact=True).check()
    page.get_by_label("What went well, or what would you change?").fill("We ran out of time for my questions")
    page.get_by_label("Action items you agreed, one per line").fill("Book the goals session")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".flash-success")).to_contain_text("your feedback is saved")

    with server.app.app_context(), database.connection_context():
        feedback = Feedback.get()
        assert (feedback.rating, feedback.fit, feedback.user.email) == (2, 4, "leo@example.org")
        assert sorted(i.text for i in ActionItem.select()) == [
            "Book the goals session", "Write down three goals for the next six months"]

    log_in(page, server.url, "ada@example.org")
    page.goto(server.url + "/admin/")
    follow_ups = page.locator("#follow-ups")
    expect(follow_ups).to_contain_text("Low session rating")
    expect(follow_ups).to_contain_text("Mia Mentor and Leo Mentee")
    expect(follow_ups).to_contain_text("We ran out of time for my questions")
    follow_ups.get_by_label("What you did").fill("Spoke with Leo; agreed longer sessions")
    follow_ups.get_by_role("button", name="Handled").click()
    expect(page.locator("#follow-ups")).to_contain_text("Nothing waiting")
    expect(page.get_by_role("heading", name="Recently handled")).to_be_visible()
