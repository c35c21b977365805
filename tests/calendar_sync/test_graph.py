"""Microsoft sign-in through MSAL and Graph calendar calls, against the HTTPS stand-in."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
import requests

from calendar_sync.errors import AuthFailed, ReauthRequired, Throttled, Unreachable
from calendar_sync.graph import GraphCalendar, backoff
from calendar_sync.graph_auth import GraphAuth
from calendar_sync.model import Meeting, Person

REDIRECT = "https://portal.example/calendar/microsoft/callback"
LONDON = ZoneInfo("Europe/London")


def auth_for(microsoft, cache: str | None = None, secret: str = "portal-secret") -> GraphAuth:
    return GraphAuth(microsoft.state.client_id, secret, authority=microsoft.authority, cache=cache)


def sign_in(microsoft, auth: GraphAuth):
    """The browser's part: follow auth_uri with a real GET and come back with the redirect's parameters."""
    flow = auth.start(REDIRECT, login_hint="mentor@contoso.example")
    answer = requests.get(flow["auth_uri"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    location = urlparse(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    params = {key: values[0] for key, values in parse_qs(location.query).items()}
    return auth.finish(flow, params)


@pytest.fixture
def connected(microsoft):
    """A person who connected their Outlook calendar: (auth rebuilt from the stored cache, account id)."""
    first = auth_for(microsoft)
    connection = sign_in(microsoft, first)
    return auth_for(microsoft, cache=first.cache_state()), connection.account_id


def test_the_auth_code_flow_signs_in_through_msal(microsoft):
    auth = auth_for(microsoft)
    connection = sign_in(microsoft, auth)
    assert connection.username == "mentor@contoso.example" and connection.name == "Mina Mentor"
    assert connection.access_token in microsoft.state.access_tokens
    [authorize] = microsoft.calls("/oauth2/v2.0/authorize")  # nonce and PKCE went through the stand-in
    [token_call] = microsoft.calls("/oauth2/v2.0/token", "POST")
    assert token_call[2]["grant_type"] == "authorization_code" and token_call[2]["code_verifier"]
    # The stored cache alone gives the token back later, without another sign-in.
    stored = auth.cache_state()
    assert '"RefreshToken"' in stored and '"AccessToken"' in stored
    again = auth_for(microsoft, cache=stored)
    assert again.access_token(connection.account_id) == connection.access_token
    assert len(microsoft.calls("/oauth2/v2.0/token", "POST")) == 1


def test_form_post_mode_also_completes(microsoft):
    auth = auth_for(microsoft)
    flow = auth.start(REDIRECT, response_mode="form_post")
    page = requests.get(flow["auth_uri"], allow_redirects=False, timeout=10)

    fields = {}

    class Form(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "input":
                fields[dict(attrs)["name"]] = dict(attrs)["value"]

    Form().feed(page.text)
    assert set(fields) >= {"code", "state"}
    assert auth.finish(flow, fields).username == "mentor@contoso.example"


def test_a_tampered_callback_is_refused(microsoft):
    auth = auth_for(microsoft)
    flow = auth.start(REDIRECT)
    answer = requests.get(flow["auth_uri"], allow_redirects=False, timeout=10)
    params = {k: v[0] for k, v in parse_qs(urlparse(answer.headers["Location"]).query).items()}
    with pytest.raises(AuthFailed):
        auth.finish(flow, {**params, "state": "someone-else"})


def test_a_wrong_client_secret_is_auth_failed(microsoft):
    auth = auth_for(microsoft, secret="wrong")
    flow = auth.start(REDIRECT)
    answer = requests.get(flow["auth_uri"], allow_redirects=False, timeout=10)
    params = {k: v[0] for k, v in parse_qs(urlparse(answer.headers["Location"]).query).items()}
    with pytest.raises(AuthFailed):
        auth.finish(flow, params)


def test_silent_refresh_uses_the_refresh_token_and_marks_the_cache_changed(microsoft):
    microsoft.state.expires_in = 60  # MSAL treats a token with under five minutes left as expired
    first = auth_for(microsoft)
    connection = sign_in(microsoft, first)
    auth = auth_for(microsoft, cache=first.cache_state())
    token = auth.access_token(connection.account_id)
    assert token != connection.access_token
    [_, refresh] = microsoft.calls("/oauth2/v2.0/token", "POST")
    assert refresh[2]["grant_type"] == "refresh_token"
    assert auth.changed  # the portal must store cache_state() again: the refresh token rotated


def test_a_revoked_refresh_token_means_reauth_required(microsoft):
    microsoft.state.expires_in = 60
    first = auth_for(microsoft)
    connection = sign_in(microsoft, first)
    microsoft.revoke_refresh_tokens()
    auth = auth_for(microsoft, cache=first.cache_state())
    with pytest.raises(ReauthRequired) as caught:
        auth.access_token(connection.account_id)
    assert "connect your calendar again" in caught.value.message
    assert "invalid_grant" in caught.value.detail


def test_an_unknown_account_means_reauth_required(microsoft):
    with pytest.raises(ReauthRequired):
        auth_for(microsoft).access_token("nobody.contoso")


def test_client_credentials_give_an_app_token(microsoft):
    token = auth_for(microsoft).app_token()
    assert token in microsoft.state.access_tokens


def test_graph_401_refreshes_once_then_succeeds(microsoft, connected):
    auth, account = connected
    microsoft.expire_access_tokens()  # revoked early: MSAL still thinks its token is good
    calendar = GraphCalendar(auth.token_provider(account), base_url=microsoft.graph)
    now = datetime.now(UTC)
    assert calendar.busy("mentor@contoso.example", now, now + timedelta(days=1)).intervals == ()


def test_graph_401_after_a_refresh_is_reauth_required(microsoft, connected):
    calendar = GraphCalendar("not-a-token", base_url=microsoft.graph)
    now = datetime.now(UTC)
    with pytest.raises(ReauthRequired):
        calendar.busy("mentor@contoso.example", now, now + timedelta(days=1))


def test_get_schedule_gives_busy_and_tentative_and_skips_free(microsoft, connected):
    auth, account = connected
    day = datetime(2026, 3, 16, tzinfo=LONDON)
    microsoft.set_schedule("mentor@contoso.example", [
        {"status": "busy", "start": day.replace(hour=9), "end": day.replace(hour=10)},
        {"status": "free", "start": day.replace(hour=11), "end": day.replace(hour=12)},
        {"status": "tentative", "start": day.replace(hour=13), "end": day.replace(hour=14)},
        {"status": "oof", "start": day + timedelta(days=2), "end": day + timedelta(days=3)},
        {"status": "workingElsewhere", "start": day.replace(hour=15), "end": day.replace(hour=16)},
    ])
    calendar = GraphCalendar(auth.token_provider(account), base_url=microsoft.graph)
    busy = calendar.busy("mentor@contoso.example", day, day + timedelta(weeks=4))
    assert [(i.start, i.end) for i in busy.intervals] == [(day.replace(hour=9), day.replace(hour=10)),
                                                          (day + timedelta(days=2), day + timedelta(days=3))]
    assert [(i.start, i.end) for i in busy.tentative] == [(day.replace(hour=13), day.replace(hour=14))]
    [call] = microsoft.calls("/calendar/getSchedule")
    assert call[2]["schedules"] == ["mentor@contoso.example"] and call[2]["startTime"]["timeZone"] == "UTC"


def test_a_window_over_62_days_is_split(microsoft, connected):
    auth, account = connected
    start = datetime(2026, 3, 1, tzinfo=UTC)
    microsoft.set_schedule("mentor@contoso.example", [
        {"status": "busy", "start": start + timedelta(days=70), "end": start + timedelta(days=70, hours=1)}])
    calendar = GraphCalendar(auth.token_provider(account), base_url=microsoft.graph)
    busy = calendar.busy("mentor@contoso.example", start, start + timedelta(days=90))
    assert [i.start for i in busy.intervals] == [start + timedelta(days=70)]
    assert len(microsoft.calls("/calendar/getSchedule")) == 2


def meeting(**changes) -> Meeting:
    fields = dict(uid="meeting-42@portal.example", summary="Mentoring: Ada & Bo",
                  start=datetime(2026, 3, 20, 14, tzinfo=LONDON), end=datetime(2026, 3, 20, 15, tzinfo=LONDON),
                  zone="Europe/London", organizer=Person("mentor@contoso.example", "Mina Mentor"),
                  attendees=(Person("bo@example.org", "Bo Mentee"),), location="https://meet.example/abc",
                  description="Goals", agenda_url="https://portal.example/a", feedback_url="https://portal.example/f")
    fields.update(changes)
    return Meeting(**fields)


def test_create_is_idempotent_by_transaction_id(microsoft, connected):
    auth, account = connected
    calendar = GraphCalendar(auth.token_provider(account), base_url=microsoft.graph)
    booked = meeting()
    first = calendar.create(booked)
    assert calendar.create(booked) == first  # a retried job
    assert len(microsoft.state.events) == 1
    event = calendar.event(first)
    assert event["transactionId"] == booked.uid and event["subject"] == booked.summary
    assert event["start"] == {"dateTime": "2026-03-20T14:00:00", "timeZone": "Europe/London"}
    assert 'href="https://portal.example/a"' in event["body"]["content"]
    assert "attendees" not in event  # Outlook would email its own invitations on top of the portal's
    with_people = calendar.create(meeting(uid="meeting-43@portal.example"), with_attendees=True)
    assert calendar.event(with_people)["attendees"][0]["emailAddress"]["address"] == "bo@example.org"


def test_create_event_gives_exchanges_ical_uid_and_invites_the_attendees(microsoft, connected):
    auth, account = connected
    calendar = GraphCalendar(auth.token_provider(account), base_url=microsoft.graph)
    booked = meeting()
    created = calendar.create_event(booked, with_attendees=True)
    assert created["iCalUId"] and created["iCalUId"] != booked.uid  # Graph keeps its own UID, not ours
    assert calendar.create_event(booked, with_attendees=True) == created  # a retry: the same event, the same UID
    [post, _] = microsoft.calls("/events", "POST")
    assert post[2]["transactionId"] == booked.uid
    assert post[2]["attendees"] == [{"emailAddress": {"address": "bo@example.org", "name": "Bo Mentee"},
                                     "type": "required"}]
    assert calendar.create(booked) == created["id"]  # create() still gives the id alone


def test_move_patches_the_time_only(microsoft, connected):
    auth, account = connected
    calendar = GraphCalendar(auth.token_provider(account), base_url=microsoft.graph)
    booked = meeting()
    event_id = calendar.create(booked)
    moved = booked.rescheduled(booked.start + timedelta(days=1), booked.end + timedelta(days=1),
                               agenda_url="https://portal.example/someone-elses")
    calendar.move(event_id, moved)
    [patch] = microsoft.calls(f"/events/{event_id}", "PATCH")
    assert set(patch[2]) == {"start", "end"}
    event = calendar.event(event_id)
    assert event["end"]["dateTime"] == "2026-03-21T15:00:00" and "someone-elses" not in event["body"]["content"]


def test_reschedule_patches_only_what_changed_and_cancel_cancels(microsoft, connected):
    auth, account = connected
    calendar = GraphCalendar(auth.token_provider(account), base_url=microsoft.graph)
    booked = meeting()
    event_id = calendar.create(booked)
    moved = booked.rescheduled(booked.start + timedelta(days=1), booked.end + timedelta(days=1))
    calendar.reschedule(event_id, moved, previous=booked)
    [patch] = microsoft.calls(f"/events/{event_id}", "PATCH")
    assert set(patch[2]) == {"start", "end"}
    assert calendar.event(event_id)["start"]["dateTime"] == "2026-03-21T14:00:00"
    calendar.cancel(event_id, "Sorry, something came up.")
    assert calendar.event(event_id)["isCancelled"] is True
    assert calendar.delete(event_id) is True and calendar.delete(event_id) is False


@pytest.mark.parametrize(("retry_after", "expected", "from_server"), [(7, 7.0, True), (None, backoff(2), False)])
def test_429_raises_throttled_with_the_delay(microsoft, connected, retry_after, expected, from_server):
    auth, account = connected
    calendar = GraphCalendar(auth.token_provider(account), base_url=microsoft.graph)
    microsoft.throttle_next(1, retry_after=retry_after)
    with pytest.raises(Throttled) as caught:
        calendar.create(meeting(), attempt=2)
    assert (caught.value.retry_after, caught.value.from_server) == (expected, from_server)
    assert microsoft.state.events == {}
    calendar.create(meeting(), attempt=3)  # the queue's retry goes through
    assert len(microsoft.state.events) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_without_retry_after_is_transient(microsoft, connected, status):
    auth, account = connected
    calendar = GraphCalendar(auth.token_provider(account), base_url=microsoft.graph)
    microsoft.throttle_next(1, retry_after=None, status=status)
    with pytest.raises(Throttled) as caught:
        calendar.create(meeting(), attempt=1)
    assert (caught.value.retry_after, caught.value.from_server) == (backoff(1), False)
    assert microsoft.state.events == {}
    calendar.create(meeting(), attempt=2)
    assert len(microsoft.state.events) == 1


def test_a_server_error_with_retry_after_waits_as_told(microsoft, connected):
    auth, account = connected
    calendar = GraphCalendar(auth.token_provider(account), base_url=microsoft.graph)
    microsoft.throttle_next(1, retry_after=11, status=503)
    with pytest.raises(Throttled) as caught:
        calendar.create(meeting())
    assert (caught.value.retry_after, caught.value.from_server) == (11.0, True)


def test_backoff_grows_and_is_capped():
    assert [backoff(n) for n in range(4)] == [5, 10, 20, 40]
    assert backoff(20) == 300


def test_an_unreachable_graph_is_unreachable(free_tcp_port):
    calendar = GraphCalendar("token", base_url=f"https://127.0.0.1:{free_tcp_port}/v1.0", timeout=3)
    now = datetime.now(UTC)
    with pytest.raises(Unreachable):
        calendar.busy("x@example.org", now, now + timedelta(hours=1))
