"""Booking without a connected calendar: offers, invites by email with agenda and feedback links, reschedule,
cancel, races, the feed, and who may do what."""
from __future__ import annotations

import datetime as dt
import re
import threading
from email import message_from_string

import icalendar
import pytest
import vobject

from portal.models import AuditLog, Email, Feedback, Meeting
from tests.meetings.conftest import NOW
from tests.pairing.conftest import page_text

LONDON = "Europe/London"


def offered(client, match) -> list[str]:
    body = client.get(f"/matches/{match.id}/sessions").get_data(as_text=True)
    return re.findall(r'name="slot" value="([^"]+)"', body)


def book(client, match, slot, **fields):
    data = {"slot": slot, "location_kind": "virtual", "location": "https://meet.example.org/abc", **fields}
    return client.submit(f"/matches/{match.id}/sessions", data, page=f"/matches/{match.id}/sessions")


def invite_of(email: Email) -> str:
    return next(p["content"] for p in email.parts if p["kind"] == "alternative")


def test_offers_fit_working_hours_notice_and_spread(browser, pair, frozen):
    match, mentor, _ = pair
    slots = [dt.datetime.fromisoformat(s) for s in offered(browser(mentor.email), match)]
    assert slots, "no offers"
    assert min(slots) >= NOW + dt.timedelta(hours=24)  # a day's notice
    for slot in slots:
        local = slot.astimezone(dt.timezone.utc).astimezone(__import__("zoneinfo").ZoneInfo(LONDON))
        assert local.weekday() < 5 and 9 <= local.hour and local.hour + 1 <= 17
    per_day = {}
    for slot in slots:
        per_day[slot.date()] = per_day.get(slot.date(), 0) + 1
    assert max(per_day.values()) <= 2 and len(per_day) >= 5


def test_booking_sends_a_real_invite_with_agenda_and_feedback_links(browser, client, pair, frozen):
    match, mentor, mentee = pair
    mia = browser(mentor.email)
    slot = offered(mia, match)[0]
    response = book(mia, match, slot)
    assert response.status_code == 302, page_text(response)[:500]
    meeting = Meeting.get()
    assert meeting.number == 1 and meeting.agenda == "getting-to-know-one-another" and meeting.sequence == 0
    assert meeting.sync_state == "none"  # no calendar connected: everyone gets the invite by email

    to_leo = Email.get(Email.to_address == mentee.email)
    assert to_leo.subject.startswith("Invitation: Mentoring: ")
    ics = invite_of(to_leo)
    parsed = icalendar.Calendar.from_ical(ics)
    assert str(parsed["METHOD"]) == "REQUEST"
    event = parsed.walk("VEVENT")[0]
    assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 0
    assert str(event["ORGANIZER"]).lower() == f"mailto:{mentor.email}"
    attendee = event["ATTENDEE"]
    assert str(attendee).lower() == f"mailto:{mentee.email}" and attendee.params["RSVP"] == "TRUE"
    assert event["DTSTART"].dt == dt.datetime.fromisoformat(slot)
    assert any(True for _ in parsed.walk("VTIMEZONE"))
    # A second, independent parser agrees.
    card = vobject.readOne(ics)
    assert card.vevent.uid.value == meeting.uid and card.method.value == "REQUEST"
    description = card.vevent.description.value
    agenda_link = re.search(r"http://localhost/sessions/agenda/\S+", description).group(0)
    feedback_link = re.search(r"http://localhost/sessions/feedback/\S+", description).group(0)
    assert card.vevent.url.value == agenda_link

    # The links work straight from the invite, without logging in.
    agenda = client.get(agenda_link.replace("http://localhost", ""))
    assert agenda.status_code == 200 and "Getting to know one another" in page_text(agenda)
    form = client.get(feedback_link.replace("http://localhost", ""))
    assert form.status_code == 200 and "Feedback opens when the session starts" in page_text(form)
    frozen.move_to(meeting.ends_at.replace(tzinfo=dt.UTC))
    saved = client.submit(feedback_link.replace("http://localhost", ""),
                          {"rating": "5", "fit": "4", "went_well": "Good start", "action_items": "Read the handbook"})
    assert saved.status_code == 302
    assert Feedback.get().rating == 5 and Feedback.get().fit == 4 and Feedback.get().user_id == mentee.id
    # The organiser without a calendar gets the invite too.
    assert Email.select().where(Email.to_address == mentor.email, Email.subject.startswith("Invitation")).count() == 1
    assert AuditLog.select().where(AuditLog.action == "meeting.book").count() == 1


def test_forged_or_foreign_links_are_refused(client, pair):
    assert client.get("/sessions/agenda/not-a-token").status_code == 404
    assert client.get("/sessions/feedback/not-a-token").status_code == 404


def test_feedback_form_keeps_what_was_typed(browser, client, pair, frozen):
    match, mentor, mentee = pair
    book(browser(mentor.email), match, offered(browser(mentor.email), match)[0])
    ics = invite_of(Email.get(Email.to_address == mentee.email))
    link = re.search(r"http://localhost(/sessions/feedback/\S+)", vobject.readOne(ics).vevent.description.value).group(1)
    frozen.move_to(Meeting.get().ends_at.replace(tzinfo=dt.UTC))
    response = client.submit(link, {"rating": "3", "went_well": "Kept this", "action_items": "And this"})
    assert response.status_code == 400 and "Kept this" in response.get_data(as_text=True)
    assert "And this" in response.get_data(as_text=True) and 'checked id="rating-2"' in response.get_data(as_text=True)
    assert "Choose a rating from 1 to 5" in page_text(response)


def test_reschedule_keeps_the_uid_and_raises_sequence_then_cancel(browser, pair, frozen):
    match, mentor, mentee = pair
    mia = browser(mentor.email)
    slots = offered(mia, match)
    book(mia, match, slots[0])
    meeting = Meeting.get()
    moved = mia.submit(f"/sessions/{meeting.id}/reschedule", {"slot": slots[3]}, page=f"/sessions/{meeting.id}/reschedule")
    assert moved.status_code == 302
    meeting = Meeting.get_by_id(meeting.id)
    assert meeting.sequence == 1 and meeting.starts_at == dt.datetime.fromisoformat(slots[3]).astimezone(dt.UTC).replace(tzinfo=None)
    update = Email.get(Email.to_address == mentee.email, Email.subject.startswith("Updated"))
    event = icalendar.Calendar.from_ical(invite_of(update)).walk("VEVENT")[0]
    assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 1

    mia.submit(f"/sessions/{meeting.id}/cancel", {"confirmed": "yes"}, page=f"/matches/{match.id}/sessions")
    meeting = Meeting.get_by_id(meeting.id)
    assert meeting.status == "cancelled" and meeting.sequence == 2
    cancelled = Email.get(Email.to_address == mentee.email, Email.subject.startswith("Cancelled"))
    parsed = icalendar.Calendar.from_ical(invite_of(cancelled))
    event = parsed.walk("VEVENT")[0]
    assert str(parsed["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 2
    assert vobject.readOne(invite_of(cancelled)).method.value == "CANCEL"


def test_a_taken_time_and_bad_input_are_refused_with_the_form_kept(browser, pair, frozen):
    match, mentor, _ = pair
    mia = browser(mentor.email)
    slot = offered(mia, match)[0]
    book(mia, match, slot)
    again = book(mia, match, slot)
    assert again.status_code == 400 and "busy then" in page_text(again)
    outside = book(mia, match, "", custom_date="2026-12-09", custom_time="20:00")
    assert outside.status_code == 400 and "working hours" in page_text(outside)
    assert 'value="20:00"' in outside.get_data(as_text=True)
    garbage = book(mia, match, "", custom_date="2026-12-09", custom_time="25:99")
    assert garbage.status_code == 400 and "A time like 14:30" in page_text(garbage)
    place = book(mia, match, offered(mia, match)[1], location_kind="in_person", location="")
    assert place.status_code == 400 and "Say where you will meet" in page_text(place)
    assert Meeting.select().count() == 1


def test_a_virtual_session_needs_its_link(browser, pair, frozen):
    match, mentor, _ = pair
    mia = browser(mentor.email)
    slot = offered(mia, match)[0]

    response = book(mia, match, slot, location_kind="virtual", location="")

    assert response.status_code == 400
    assert "Add the meeting link for a virtual session" in page_text(response)
    assert Meeting.select().count() == 0
    assert book(mia, match, slot).status_code == 302


def test_two_bookings_racing_for_one_time_one_wins(app, pair, frozen):
    from portal.meetings import booking

    match, mentor, _ = pair
    start = dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)
    results = []

    def attempt():
        from portal.db import database

        with app.test_request_context(), database.connection_context():
            try:
                booking.book(match, mentor, start, start + dt.timedelta(hours=1), location_kind="virtual",
                             location="https://meet.example.org/s")
                results.append("booked")
            except booking.BookingError:
                results.append("refused")

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["booked", "refused", "refused", "refused"]
    assert Meeting.select().count() == 1


def test_only_the_mentor_books_unless_mentees_may(browser, pair, frozen, set_setting):
    match, mentor, mentee = pair
    leo = browser(mentee.email)
    assert offered(leo, match) == []
    assert leo.submit(f"/matches/{match.id}/sessions", {"slot": "x"}, page=f"/matches/{match.id}/sessions").status_code == 403
    set_setting("mentees_can_book", True)
    assert offered(leo, match)
    outsider = browser()
    assert outsider.get(f"/matches/{match.id}/sessions").status_code == 302  # to the login page


def test_the_feed_lists_sessions_and_can_be_revoked(browser, client, pair, frozen):
    match, mentor, mentee = pair
    mia = browser(mentor.email)
    book(mia, match, offered(mia, match)[0])
    leo = browser(mentee.email)
    leo.submit("/calendar/feed", page="/calendar/feed")
    address = re.search(r'value="http://localhost(/calendar/feed/[^"]+\.ics)"', leo.get("/calendar/feed").get_data(as_text=True)).group(1)
    feed = client.get(address)
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(feed.get_data(as_text=True))
    assert "METHOD" not in parsed and [str(e["UID"]) for e in parsed.walk("VEVENT")] == [Meeting.get().uid]
    leo.submit("/calendar/feed/revoke", {"confirmed": "yes"}, page="/calendar/feed")
    assert client.get(address).status_code == 404


def test_admin_changes_session_settings_and_offers_follow(browser, admin, pair, frozen):
    match, mentor, _ = pair
    admin_client = browser(admin.email)
    bad = admin_client.submit("/admin/settings/sessions", {"meeting_minutes": "5", "meeting_buffer_minutes": "0",
                                                           "meeting_notice_hours": "48", "meeting_horizon_days": "7"},
                              page="/admin/settings")
    assert bad.status_code == 400 and "Between 15 and 240" in page_text(bad)
    assert 'value="48"' in bad.get_data(as_text=True)
    saved = admin_client.submit("/admin/settings/sessions", {"meeting_minutes": "30", "meeting_buffer_minutes": "0",
                                                             "meeting_notice_hours": "48", "meeting_horizon_days": "7"},
                                page="/admin/settings")
    assert saved.status_code == 302
    slots = [dt.datetime.fromisoformat(s) for s in offered(browser(mentor.email), match)]
    assert min(slots) >= NOW + dt.timedelta(hours=48) and max(slots) <= NOW + dt.timedelta(days=7)
    assert "Suggested times (30 minutes)" in page_text(browser(mentor.email).get(f"/matches/{match.id}/sessions"))


def test_a_custom_time_in_the_repeated_hour_ends_one_session_length_later(app, pair):
    from zoneinfo import ZoneInfo

    from portal import settings
    from portal.meetings import schedule

    match, _, _ = pair
    minutes = settings.get(match.program, "meeting_minutes")
    # 02:45 summer time on the night Berlin's clocks go back: the session ends `minutes` later in real time.
    start = dt.datetime(2026, 10, 25, 2, 45, tzinfo=ZoneInfo("Europe/Berlin"))
    with app.test_request_context():
        _, end = schedule.check(match, start, now=dt.datetime(2026, 10, 20, tzinfo=dt.UTC))
    assert end.timestamp() - start.timestamp() == minutes * 60
