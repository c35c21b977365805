"""Sessions written to an Outlook calendar through the Microsoft Graph stand-in: created once (transactionId),
throttling (429 with Retry-After) leaves the session waiting with the server's delay, and a retry creates no
second event; moving it patches the same event. (The attendee's invites: test_graph_attendees.py.)"""
from __future__ import annotations

import pytest

from portal import settings
from portal.meetings import sync
from portal.models import Meeting
from tests.calendars.test_microsoft import come_back, follow_to_microsoft
from tests.meetings.test_booking import book, offered


@pytest.fixture
def app(make_app, microsoft, monkeypatch):
    monkeypatch.setenv("MICROSOFT_CLIENT_SECRET", microsoft.state.client_secret)
    return make_app(microsoft={"authority_host": microsoft.base, "graph_url": microsoft.graph})


@pytest.fixture
def outlook(browser, pair, program, microsoft):
    """The mentor connected Outlook through the pages; returns her logged-in client."""
    settings.set(program, "microsoft_tenant", microsoft.state.tenant, None)
    settings.set(program, "microsoft_client_id", microsoft.state.client_id, None)
    _, mentor, _ = pair
    mia = browser(mentor.email)
    path, params = follow_to_microsoft(mia, "/calendar/connect/microsoft")
    assert come_back(mia, path, params).status_code == 302
    return mia


def test_throttled_then_retried_makes_one_outlook_event(browser, admin, pair, outlook, microsoft, frozen):
    match, mentor, _ = pair
    slots = offered(outlook, match)
    # Graph answers 429 for a while: the busy-time check at booking (the time is then checked against working
    # hours and portal sessions only) and the event's POST.
    microsoft.throttle_next(10, retry_after=7)
    assert book(outlook, match, slots[0]).status_code == 302
    meeting = Meeting.get()
    assert meeting.sync_state == "waiting" and "7" in meeting.sync_error and meeting.sync_attempts == 1
    portal_uid = meeting.uid

    assert microsoft.state.events == {}
    microsoft.state.throttle.clear()
    browser(admin.email).submit(f"/admin/sessions/{meeting.id}/retry", page="/admin/sessions")
    meeting = Meeting.get()
    assert meeting.sync_state == "synced" and meeting.remote_id
    assert list(microsoft.state.events) == [meeting.remote_id]
    posts = microsoft.calls("/events", "POST")
    assert {call[2]["transactionId"] for call in posts} == {portal_uid}
    assert meeting.uid == microsoft.state.events[meeting.remote_id]["iCalUId"]  # Exchange's UID, adopted

    outlook.submit(f"/sessions/{meeting.id}/reschedule", {"slot": slots[2]}, page=f"/sessions/{meeting.id}/reschedule")
    assert list(microsoft.state.events) == [meeting.remote_id]
    assert microsoft.calls(f"/events/{meeting.remote_id}", "PATCH")
    assert Meeting.get().synced_sequence == 1


@pytest.mark.parametrize("status", [503, 500, 502, 504])
def test_a_server_error_without_retry_after_is_retried_with_growing_backoff(app, pair, outlook, microsoft, frozen,
                                                                              status):
    from tests.meetings.test_graph_attendees import POST_EVENTS, run_job

    match, _, _ = pair
    microsoft.throttle_next(3, retry_after=None, status=status, **POST_EVENTS)
    assert book(outlook, match, offered(outlook, match)[0]).status_code == 302
    meeting = Meeting.get()
    assert (meeting.sync_state, meeting.sync_attempts) == ("waiting", 1)  # not given up after one try
    delays = []
    for _ in range(2):
        with pytest.raises(sync.RetryLater) as later:
            run_job(app, meeting.id)
        delays.append(later.value.delay)
    assert delays[0] < delays[1] and Meeting.get().sync_state == "waiting"
    run_job(app, meeting.id)
    meeting = Meeting.get()
    assert meeting.sync_state == "synced" and list(microsoft.state.events) == [meeting.remote_id]


def test_an_unreachable_graph_is_retried(app, pair, outlook, microsoft, frozen, monkeypatch):
    from tests.meetings.test_graph_attendees import run_job

    match, _, _ = pair
    slot = offered(outlook, match)[0]
    microsoft.stop()  # nothing answers at Graph's address now
    assert book(outlook, match, slot).status_code == 302
    meeting = Meeting.get()
    assert (meeting.sync_state, meeting.sync_attempts) == ("waiting", 1)
    with pytest.raises(sync.RetryLater):
        run_job(app, meeting.id)
    assert Meeting.get().sync_attempts == 2
