"""Sessions written to the organiser's own CalDAV calendar (Radicale): busy time respected, one event per session
whatever the retries, SEQUENCE kept in step, a server that is down leaves the session waiting, then synced."""
from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest

from portal.calendars import connections
from portal.models import Email, Meeting
from tests.meetings.test_booking import book, offered
from tests.pairing.conftest import page_text


@pytest.fixture
def connected(app, pair, caldav_account):
    """The mentor's Radicale calendar connected as the connect page does it."""
    _, mentor, _ = pair
    with app.test_request_context():
        connections.connect_caldav(mentor, caldav_account.url, caldav_account.username, caldav_account.password)
    return caldav_account


def events_on(account) -> list[icalendar.Event]:
    found = []
    for item in account.calendar.events():
        found += icalendar.Calendar.from_ical(item.data).walk("VEVENT")
    return found


def put_busy(account, start: dt.datetime, minutes: int = 60, uid: str = "busy-1", extra: str = "") -> None:
    end = start + dt.timedelta(minutes=minutes)
    account.calendar.add_event(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:{start.strftime('%Y%m%dT%H%M%SZ')}\r\n"
        f"DTEND:{end.strftime('%Y%m%dT%H%M%SZ')}\r\nSUMMARY:Busy\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def test_busy_time_in_the_mentors_calendar_is_not_offered(browser, pair, connected, frozen):
    match, mentor, _ = pair
    first = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)  # Tuesday 09:00 in London
    assert first.isoformat() in offered(browser(mentor.email), match)
    put_busy(connected, first)
    page = browser(mentor.email).get(f"/matches/{match.id}/sessions")
    assert first.isoformat() not in re.findall(r'name="slot" value="([^"]+)"', page.get_data(as_text=True))
    assert "Checked against Mia's calendar" in page_text(page)
    # Proposing that time by hand is refused with the reason.
    refused = book(browser(mentor.email), match, "", custom_date="2026-12-08", custom_time="09:00")
    assert refused.status_code == 400 and "Mia is busy then" in page_text(refused)


def test_a_booking_lands_in_the_organisers_calendar_once_and_follows_changes(browser, pair, connected, frozen):
    match, mentor, mentee = pair
    mia = browser(mentor.email)
    slots = offered(mia, match)
    assert book(mia, match, slots[0]).status_code == 302
    meeting = Meeting.get()
    assert meeting.sync_state == "synced" and meeting.synced_sequence == 0 and meeting.remote_id
    [event] = events_on(connected)
    assert str(event["UID"]) == meeting.uid and int(event.get("SEQUENCE", 0)) == 0
    assert str(event["ATTENDEE"]).lower() == f"mailto:{mentee.email}"
    # With a calendar of her own, Mia gets no emailed invite; Leo does.
    assert not Email.select().where(Email.to_address == mentor.email, Email.subject.startswith("Invitation")).exists()
    assert Email.select().where(Email.to_address == mentee.email, Email.subject.startswith("Invitation")).count() == 1

    # The job running again (a retry) changes nothing.
    from portal.meetings import sync

    with mia.application.test_request_context():
        sync.sync(meeting.id)
    assert len(events_on(connected)) == 1
    assert Email.select().where(Email.to_address == mentee.email).count() == 1

    mia.submit(f"/sessions/{meeting.id}/reschedule", {"slot": slots[2]}, page=f"/sessions/{meeting.id}/reschedule")
    [event] = events_on(connected)
    assert int(event["SEQUENCE"]) == 1 and event["DTSTART"].dt == dt.datetime.fromisoformat(slots[2])
    assert Meeting.get().synced_sequence == 1

    mia.submit(f"/sessions/{meeting.id}/cancel", {"confirmed": "yes"}, page=f"/matches/{match.id}/sessions")
    remaining = events_on(connected)
    assert all(str(e.get("STATUS", "")) == "CANCELLED" for e in remaining) and len(remaining) <= 1
    assert Meeting.get().sync_state == "synced"


def test_a_calendar_that_is_down_keeps_the_booking_waiting_then_syncs(browser, admin, pair, connected, radicale,
                                                                      frozen, monkeypatch):
    match, mentor, mentee = pair
    from portal.models import CalendarConnection

    # The server moves away: the stored address now points at a closed port.
    from tests.conftest import free_port

    real = CalendarConnection.get().url
    CalendarConnection.update(url=f"http://127.0.0.1:{free_port()}/").execute()
    CalendarConnection.update(calendar_url=CalendarConnection.get().calendar_url.replace(real.rstrip("/"),
                              f"http://127.0.0.1:{free_port()}")).execute()
    mia = browser(mentor.email)
    response = book(mia, match, offered(mia, match)[0])
    assert response.status_code == 302
    meeting = Meeting.get()
    assert meeting.sync_state == "waiting" and meeting.sync_attempts == 1 and meeting.sync_error
    # Nothing lost: the session is there, Leo has his invite, and the page says it waits.
    assert Email.select().where(Email.to_address == mentee.email).count() == 1
    assert "waiting to sync" in page_text(mia.get(f"/matches/{match.id}/sessions"))
    admin_client = browser(admin.email)
    assert "waiting" in page_text(admin_client.get("/admin/sessions"))

    # The server is back; the retry writes exactly one event.
    CalendarConnection.update(url=real, calendar_url=connected.calendar.url).execute()
    admin_client.submit(f"/admin/sessions/{meeting.id}/retry", page="/admin/sessions")
    assert Meeting.get().sync_state == "synced"
    assert len(events_on(connected)) == 1
    assert Email.select().where(Email.to_address == mentee.email).count() == 1
