"""Booking as a mentor does it: connect a CalDAV calendar (Radicale), open the match, book the suggested time,
see the event on the server; the mentee's invite arrives with working agenda and feedback links; the mentor moves
the session (SEQUENCE rises, still one event) and then cancels it."""
from __future__ import annotations

import re

import icalendar
import vobject
from playwright.sync_api import expect

from portal import settings
from portal.db import database
from portal.models import Match, Meeting, Program
from tests.browser.test_pairing_journey import log_in
from tests.calendar_sync.conftest import caldav_account, radicale  # noqa: F401
from portal.accounts.operations import create_user as make_account
from tests.console.conftest import give_answers

HOURS = {"timezone": "Europe/London", "working_hours": {"start": "08:00", "end": "18:00"}, "location": "Virtual"}


def prepare(app) -> int:
    with app.app_context(), database.connection_context():
        program = Program.current()
        # Radicale listens on 127.0.0.1, which the portal refuses unless an admin allows it.
        settings.set(program, "calendar_allowed_hosts", "127.0.0.1", None)
        mentor = make_account("mia@example.org", "Mia Mentor", "demo-password")
        mentee = make_account("leo@example.org", "Leo Mentee", "demo-password")
        from portal.models import Participant

        Participant.create(program=program, user=mentor, role="mentor")
        Participant.create(program=program, user=mentee, role="mentee")
        give_answers(program, mentor, "mentor", {**HOURS, "strengths": ["Python"], "capacity": "1"}, capacity=1)
        give_answers(program, mentee, "mentee", {**HOURS, "grow": ["Python"], "goals_6m": "Grow"})
        return Match.create(program=program, mentor=mentor, mentee=mentee, made_by="admin").id


def events_on(account) -> list:
    found = []
    for item in account.calendar.events():
        found += icalendar.Calendar.from_ical(item.data).walk("VEVENT")
    return found


def ics_of(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_content()
    raise AssertionError("no calendar part")


def test_mentor_books_moves_and_cancels_from_their_calendar(serve, smtp_sink, page, caldav_account, monkeypatch):
    monkeypatch.setenv("CALENDAR_SECRET", "calendar-secret-for-browser-tests-0123456789")
    server = serve(mail={"transport": "smtp", "smtp_host": "127.0.0.1", "smtp_port": smtp_sink.port})
    match_id = prepare(server.app)

    log_in(page, server.url, "mia@example.org")
    page.goto(server.url + "/calendar/connect")
    page.get_by_label("Calendar server address").fill(caldav_account.url)
    page.get_by_label("User name").fill(caldav_account.username)
    page.get_by_label("App password").fill(caldav_account.password)
    page.get_by_role("button", name="Connect calendar").click()
    expect(page.locator(".flash-success")).to_contain_text("Your calendar is connected")

    page.goto(f"{server.url}/matches/{match_id}")
    widget = page.locator("#sessions-widget")
    expect(widget).to_contain_text("Checked against Mia's calendar")
    first = widget.locator("input[name=slot]").first
    expect(first).to_be_checked()
    slot = first.get_attribute("value")
    page.get_by_label("Meeting link or place").fill("https://meet.example.org/mia-leo")
    page.get_by_role("button", name="Book and send the invite").click()
    expect(page.locator(".flash-success")).to_contain_text("Leo has been sent the invite")
    expect(page.locator("#sessions-widget")).to_contain_text("in Mia's calendar")

    [event] = events_on(caldav_account)
    with server.app.app_context(), database.connection_context():
        uid = Meeting.get().uid
    assert str(event["UID"]) == uid and event["DTSTART"].dt.isoformat() == slot.replace("+00:00", "+00:00")

    # Leo's invite: parsed by two parsers, its agenda and feedback links work.
    invite = next(m["message"] for m in smtp_sink.wait_for(1, timeout=20) if "leo@example.org" in m["to"])
    ics = ics_of(invite)
    card = vobject.readOne(ics)
    assert card.method.value == "REQUEST" and card.vevent.uid.value == uid
    agenda_link = card.vevent.url.value
    feedback_link = re.search(r"\S+/sessions/feedback/\S+", card.vevent.description.value).group(0)
    # Leo opens them from his mail, not logged in; Mia, logged in, is refused Leo's links.
    leo = page.context.browser.new_context(timezone_id="Europe/Lisbon", locale="en-GB").new_page()
    leo.goto(agenda_link)
    expect(leo.get_by_role("heading", level=1)).to_have_text("Getting to know one another")
    leo.goto(feedback_link)
    expect(leo.get_by_role("heading", name="How did the session go?")).to_be_visible()
    leo.context.close()
    page.goto(agenda_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link was sent to someone else")

    # Move it: same event, SEQUENCE 1.
    page.goto(f"{server.url}/matches/{match_id}")
    page.locator("#sessions-widget").get_by_role("link", name="Move").click()
    page.locator("input[name=slot]").nth(2).check()
    page.get_by_role("button", name="Move the session").click()
    expect(page.locator(".flash-success")).to_contain_text("Session moved")
    [event] = events_on(caldav_account)
    assert int(event["SEQUENCE"]) == 1 and str(event["UID"]) == uid

    # Cancel it: cancelled on the server, and Leo is told with METHOD:CANCEL.
    page.get_by_role("button", name="Cancel session").click()
    expect(page.get_by_role("heading", name="Cancel this session?")).to_be_visible()
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.locator(".flash-success")).to_contain_text("Session cancelled")
    assert all(str(e.get("STATUS", "")) == "CANCELLED" for e in events_on(caldav_account))
    messages = smtp_sink.wait_for(3, timeout=20)
    methods = [vobject.readOne(ics_of(m["message"])).method.value for m in messages if "leo@example.org" in m["to"]]
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
