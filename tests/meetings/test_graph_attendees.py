"""Outlook organisers: the event is created with the attendee in it, the session takes Exchange's UID (the event's
iCalUId) and only then is the portal's own invite emailed, under that UID, so the attendee's calendar merges the
two. When Graph keeps failing, our invite goes out under the portal's UID and the event comes without attendees.
Through the HTTPS Microsoft stand-in and a real SMTP server (aiosmtpd)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from portal.meetings import sync
from portal.models import CalendarConnection, Email, Meeting
from tests.meetings.test_booking import book, offered
from tests.meetings.test_graph_sync import outlook  # noqa: F401

POST_EVENTS = {"path": "/events", "method": "POST"}  # throttle only the event's create, not busy time


@pytest.fixture
def app(make_app, microsoft, smtp_sink, monkeypatch):
    """The portal pointed at the Microsoft stand-in, delivering mail over SMTP to the sink."""
    monkeypatch.setenv("MICROSOFT_CLIENT_SECRET", microsoft.state.client_secret)
    return make_app(microsoft={"authority_host": microsoft.base, "graph_url": microsoft.graph},
                    mail={"transport": "smtp", "smtp_host": "127.0.0.1", "smtp_port": smtp_sink.port})


def invites_to(smtp_sink, address: str) -> list[tuple[str, str]]:
    """(subject, ICS) of every invite the SMTP server received for `address`, from the inline calendar part."""
    found = []
    for message in smtp_sink.to(address):
        for part in message.walk():
            if part.get_content_type() == "text/calendar" and part.get_filename() is None:
                found.append((str(message["Subject"]), part.get_content()))
    return found


def read(ics: str) -> tuple[str, str, int]:
    """(METHOD, UID, SEQUENCE) as icalendar and vobject both read them."""
    parsed = icalendar.Calendar.from_ical(ics)
    [event] = parsed.walk("VEVENT")
    card = vobject.readOne(ics)
    first = (str(parsed["METHOD"]), str(event["UID"]), int(event.get("SEQUENCE", 0)))
    assert first == (card.method.value, card.vevent.uid.value, int(card.vevent.sequence.value))
    return first


def run_job(app, meeting_id: int) -> None:
    """The queue's retry of the sync job (it keeps counting attempts, unlike the admin's retry)."""
    with app.test_request_context():
        sync.sync(meeting_id)


def test_the_attendee_gets_exchanges_invitation_and_ours_under_one_uid(app, client, pair, outlook, microsoft,
                                                                       smtp_sink, frozen):
    match, mentor, mentee = pair
    assert book(outlook, match, offered(outlook, match)[0]).status_code == 302
    meeting = Meeting.get()
    [event] = microsoft.state.events.values()
    [post] = microsoft.calls("/events", "POST")
    assert post[2]["attendees"] == [{"emailAddress": {"address": mentee.email, "name": mentee.name},
                                     "type": "required"}]
    portal_uid = post[2]["transactionId"]
    assert portal_uid.endswith("@localhost") and event["iCalUId"] != portal_uid
    assert (meeting.uid, meeting.remote_id, meeting.sync_state) == (event["iCalUId"], event["id"], "synced")

    [(subject, ics)] = invites_to(smtp_sink, mentee.email)
    assert subject.startswith("Invitation: ")
    assert read(ics) == ("REQUEST", event["iCalUId"], 0)
    assert "http://localhost/sessions/agenda/" in vobject.readOne(ics).vevent.description.value  # Leo's own links
    assert not Email.select().where(Email.dedupe_key.startswith(f"invite:{portal_uid}:")).exists()
    assert invites_to(smtp_sink, mentor.email) == []  # Mia has it in her Outlook

    # Exchange shows the body to Leo: none of Mia's signed links, only the match page, which needs a login.
    content = event["body"]["content"]
    assert "/sessions/agenda/" not in content and "/sessions/feedback/" not in content
    assert f'href="http://localhost/matches/{match.id}"' in content and "own agenda and feedback links" in content
    assert "/login" in client.get(f"/matches/{match.id}").headers["Location"]

    run_job(app, meeting.id)  # the job again: nothing new anywhere
    assert len(microsoft.calls("/events", "POST")) == 1 and len(invites_to(smtp_sink, mentee.email)) == 1


def test_a_throttled_create_waits_then_one_event_and_one_invite(app, pair, outlook, microsoft, smtp_sink, frozen):
    match, _, mentee = pair
    microsoft.throttle_next(1, retry_after=7, **POST_EVENTS)
    assert book(outlook, match, offered(outlook, match)[0]).status_code == 302
    meeting = Meeting.get()
    assert meeting.sync_state == "waiting" and meeting.sync_attempts == 1
    assert microsoft.state.events == {} and invites_to(smtp_sink, mentee.email) == []  # ours waits for Exchange's

    run_job(app, meeting.id)

    [event] = microsoft.state.events.values()
    posts = microsoft.calls("/events", "POST")
    assert len(posts) == 2 and {p[2]["transactionId"] for p in posts} == {meeting.uid}
    assert all(p[2]["attendees"] for p in posts)
    assert Meeting.get().uid == event["iCalUId"]
    [(_, ics)] = invites_to(smtp_sink, mentee.email)
    assert read(ics) == ("REQUEST", event["iCalUId"], 0)


def test_after_three_failed_creates_our_invite_goes_out_and_the_event_comes_without_attendees(
        app, browser, admin, pair, outlook, microsoft, smtp_sink, frozen):
    match, _, mentee = pair
    microsoft.throttle_next(10, retry_after=7, **POST_EVENTS)
    assert book(outlook, match, offered(outlook, match)[0]).status_code == 302
    meeting = Meeting.get()
    with pytest.raises(sync.RetryLater):
        run_job(app, meeting.id)
    assert Meeting.get().sync_attempts == 2 and invites_to(smtp_sink, mentee.email) == []
    with pytest.raises(sync.RetryLater) as later:
        run_job(app, meeting.id)
    assert later.value.delay == 7 and Meeting.get().sync_attempts == 3
    [(subject, ics)] = invites_to(smtp_sink, mentee.email)  # Leo waits no longer: under the portal's UID
    assert subject.startswith("Invitation: ") and read(ics) == ("REQUEST", meeting.uid, 0)

    # Graph takes it later, after an admin's retry (which counts attempts from 0 again): without attendees,
    # since Leo already holds our invite.
    microsoft.state.throttle.clear()
    browser(admin.email).submit(f"/admin/sessions/{meeting.id}/retry", page="/admin/sessions")
    synced = Meeting.get()
    [event] = microsoft.state.events.values()
    assert (synced.sync_state, synced.uid, synced.remote_id) == ("synced", meeting.uid, event["id"])
    assert "attendees" not in event and event["transactionId"] == meeting.uid
    assert len(invites_to(smtp_sink, mentee.email)) == 1


def test_a_connection_that_breaks_while_waiting_sends_our_invite_at_once(app, pair, outlook, microsoft, smtp_sink,
                                                                         frozen):
    match, mentor, mentee = pair
    microsoft.throttle_next(1, retry_after=7, **POST_EVENTS)
    assert book(outlook, match, offered(outlook, match)[0]).status_code == 302
    meeting = Meeting.get()
    microsoft.expire_access_tokens()
    microsoft.revoke_refresh_tokens()

    run_job(app, meeting.id)

    failed = Meeting.get()
    assert failed.sync_state == "failed" and failed.uid == meeting.uid and microsoft.state.events == {}
    assert CalendarConnection.get().status == "broken"
    [(_, ics)] = invites_to(smtp_sink, mentee.email)
    assert read(ics) == ("REQUEST", meeting.uid, 0)
    [(subject, _)] = invites_to(smtp_sink, mentor.email)  # Mia's calendar is out of reach: she gets it by email
    assert subject.startswith("Invitation: ")


def test_moving_and_cancelling_keep_exchanges_uid(app, pair, outlook, microsoft, smtp_sink, frozen):
    match, mentor, mentee = pair
    slots = offered(outlook, match)
    assert book(outlook, match, slots[0]).status_code == 302
    meeting = Meeting.get()
    adopted, event_id = meeting.uid, meeting.remote_id

    outlook.submit(f"/sessions/{meeting.id}/reschedule", {"slot": slots[2]}, page=f"/sessions/{meeting.id}/reschedule")

    [patch] = microsoft.calls(f"/events/{event_id}", "PATCH")
    assert set(patch[2]) == {"start", "end"}  # the body Leo sees stays free of anyone's own links
    assert list(microsoft.state.events) == [event_id] and len(microsoft.calls("/events", "POST")) == 1
    moved = microsoft.state.events[event_id]
    start = dt.datetime.fromisoformat(moved["start"]["dateTime"]).replace(tzinfo=ZoneInfo(moved["start"]["timeZone"]))
    assert start == dt.datetime.fromisoformat(slots[2])
    assert "/sessions/" not in moved["body"]["content"]
    [_, (subject, ics)] = invites_to(smtp_sink, mentee.email)
    assert subject.startswith("Updated: ") and read(ics) == ("REQUEST", adopted, 1)
    assert Meeting.get().synced_sequence == 1

    outlook.submit(f"/sessions/{meeting.id}/cancel", {"confirmed": "yes"}, page=f"/matches/{match.id}/sessions")

    assert microsoft.calls(f"/events/{event_id}/cancel", "POST") and microsoft.state.events[event_id]["isCancelled"]
    [*_, (subject, ics)] = invites_to(smtp_sink, mentee.email)
    assert subject.startswith("Cancelled: ") and read(ics) == ("CANCEL", adopted, 2)
    assert str(icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert Meeting.get().sync_state == "synced" and invites_to(smtp_sink, mentor.email) == []


def test_cancelling_before_anyone_was_invited_sends_the_attendee_nothing(app, pair, outlook, microsoft, smtp_sink,
                                                                        frozen):
    match, _, mentee = pair
    microsoft.throttle_next(1, retry_after=7, **POST_EVENTS)
    assert book(outlook, match, offered(outlook, match)[0]).status_code == 302
    meeting = Meeting.get()

    outlook.submit(f"/sessions/{meeting.id}/cancel", {"confirmed": "yes"}, page=f"/matches/{match.id}/sessions")

    assert Meeting.get().status == "cancelled" and microsoft.state.events == {}
    assert invites_to(smtp_sink, mentee.email) == []
