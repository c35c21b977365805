"""Invites, updates, cancellations and the feed, each read back by icalendar and by vobject."""
from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from calendar_sync import invites
from calendar_sync.model import Meeting, Person

LONDON, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")
AGENDA = "https://portal.example/meetings/42/agenda"
FEEDBACK = "https://portal.example/meetings/42/feedback"
STAMP = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def booked() -> Meeting:
    return Meeting(uid="meeting-42@portal.example", summary="Mentoring: Ada & Bo",
                   start=datetime(2026, 3, 20, 14, tzinfo=LONDON), end=datetime(2026, 3, 20, 15, tzinfo=LONDON),
                   zone="Europe/London", organizer=Person("portal@portal.example", "Mentoring portal"),
                   attendees=(Person("ada@example.org", "Ada Mentor"), Person("bo@example.org", "Bo Mentee")),
                   location="https://meet.example/abc-defg", description="First meeting: goals for the programme.",
                   agenda_url=AGENDA, feedback_url=FEEDBACK)


def both(ics: str):
    """The text read by icalendar and by vobject (each must accept it)."""
    return Calendar.from_ical(ics), vobject.readOne(ics)


def check_invite(ics: str, meeting: Meeting, method: str, status: str) -> None:
    ical, vcal = both(ics)
    event = ical.events[0]
    assert ical["METHOD"] == method and vcal.method.value == method
    assert event["UID"] == meeting.uid and vcal.vevent.uid.value == meeting.uid
    assert event["SEQUENCE"] == meeting.sequence and int(vcal.vevent.sequence.value) == meeting.sequence
    assert event["STATUS"] == status and vcal.vevent.status.value == status
    # organizer and attendees
    assert str(event["ORGANIZER"]) == "mailto:portal@portal.example"
    assert event["ORGANIZER"].params["CN"] == "Mentoring portal"
    assert vcal.vevent.organizer.value == "mailto:portal@portal.example"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {"mailto:ada@example.org", "mailto:bo@example.org"}
    for params in attendees.values():
        assert (params["RSVP"], params["PARTSTAT"], params["ROLE"]) == ("TRUE", "NEEDS-ACTION", "REQ-PARTICIPANT")
    v_attendees = vcal.vevent.contents["attendee"]
    assert {a.value for a in v_attendees} == set(attendees)
    assert all(a.params["RSVP"] == ["TRUE"] and a.params["PARTSTAT"] == ["NEEDS-ACTION"] for a in v_attendees)
    # times: written in the meeting's zone with a VTIMEZONE, and read back to the same instant by both
    assert event["DTSTART"].params["TZID"] == meeting.zone
    assert [tz["TZID"] for tz in ical.walk("VTIMEZONE")] == [meeting.zone]
    assert event.start == meeting.start and vcal.vevent.dtstart.value == meeting.start
    assert event.end == meeting.end and vcal.vevent.dtend.value == meeting.end
    # links: in the description, as URL, and attached as web pages
    text = str(event["DESCRIPTION"])
    assert AGENDA in text and FEEDBACK in text and AGENDA in vcal.vevent.description.value
    assert str(event["URL"]) == AGENDA and vcal.vevent.url.value == AGENDA
    attached = event["ATTACH"]
    assert [str(a) for a in attached] == [AGENDA, FEEDBACK]
    assert all(a.params["FMTTYPE"] == "text/html" for a in attached)
    assert [a.value for a in vcal.vevent.contents["attach"]] == [AGENDA, FEEDBACK]
    assert str(event["LOCATION"]) == meeting.location


def test_an_invite_is_a_request_with_everything_a_client_needs(booked):
    ics = invites.request(booked, stamp=STAMP)
    check_invite(ics, booked, "REQUEST", "CONFIRMED")
    vtimezone = ics[ics.index("BEGIN:VTIMEZONE"):ics.index("END:VTIMEZONE")]
    assert len(vtimezone) < 600, "compact VTIMEZONE: only the rules around the meeting"
    assert "DTSTAMP:20260301T120000Z" in ics


def test_an_update_keeps_the_uid_and_counts_sequence_up(booked):
    moved = booked.rescheduled(datetime(2026, 3, 27, 9, tzinfo=NEW_YORK), datetime(2026, 3, 27, 10, tzinfo=NEW_YORK))
    assert (moved.uid, moved.sequence) == (booked.uid, 1)
    check_invite(invites.request(moved, stamp=STAMP), moved, "REQUEST", "CONFIRMED")
    again = moved.rescheduled(moved.start + timedelta(days=1), moved.end + timedelta(days=1))
    assert Calendar.from_ical(invites.request(again)).events[0]["SEQUENCE"] == 2


def test_a_cancellation_is_method_cancel_with_status_cancelled_and_a_higher_sequence(booked):
    gone = booked.cancelled()
    ics = invites.cancel(gone, stamp=STAMP)
    check_invite(ics, gone, "CANCEL", "CANCELLED")
    assert gone.sequence == booked.sequence + 1
    with pytest.raises(ValueError):
        invites.cancel(booked)  # not marked cancelled: its SEQUENCE would not have gone up
    with pytest.raises(ValueError):
        invites.request(gone)


def test_the_stored_event_has_no_method(booked):
    ical, vcal = both(invites.stored_event(booked))
    assert "METHOD" not in ical and "method" not in vcal.contents
    assert ical.events[0]["UID"] == booked.uid


def test_a_feed_holds_many_meetings_without_method_or_people(booked):
    second = Meeting(uid="meeting-43@portal.example", summary="Mentoring: Cy & Di",
                     start=datetime(2026, 4, 2, 10, tzinfo=NEW_YORK), end=datetime(2026, 4, 2, 11, tzinfo=NEW_YORK),
                     zone="America/New_York", organizer=booked.organizer, agenda_url=AGENDA)
    ics = invites.feed([booked, second.cancelled()], name="Ada's mentoring")
    ical, vcal = both(ics)
    assert "METHOD" not in ical and ical["X-WR-CALNAME"] == "Ada's mentoring"
    assert [e["UID"] for e in ical.events] == [booked.uid, second.uid]
    assert [e["STATUS"] for e in ical.events] == ["CONFIRMED", "CANCELLED"]
    assert sorted(tz["TZID"] for tz in ical.walk("VTIMEZONE")) == ["America/New_York", "Europe/London"]
    assert all("ATTENDEE" not in e and "ORGANIZER" not in e for e in ical.events)
    assert [e.uid.value for e in vcal.contents["vevent"]] == [booked.uid, second.uid]


def test_an_invite_travels_by_email_inline_and_attached(booked, smtp_sink):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "portal@portal.example", "bo@example.org", booked.summary
    message.set_content("You have a mentoring meeting.")
    ics = invites.request(booked)
    invites.attach_to_email(message, ics)
    with smtplib.SMTP("127.0.0.1", smtp_sink.port) as smtp:
        smtp.send_message(message)
    [received] = smtp_sink.wait_for(1)
    parts = list(received["message"].walk())
    inline = [p for p in parts if p.get_content_type() == "text/calendar"]
    attached = [p for p in parts if p.get_filename() == "invite.ics"]
    assert len(inline) == 1 and inline[0].get_param("method") == "REQUEST"
    assert Calendar.from_ical(inline[0].get_content()).events[0]["UID"] == booked.uid
    assert len(attached) == 1 and Calendar.from_ical(attached[0].get_content()).events[0]["UID"] == booked.uid
    assert "You have a mentoring meeting." in received["message"].get_body(("plain",)).get_content()
