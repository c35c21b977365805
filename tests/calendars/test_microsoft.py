"""Microsoft 365: connecting Outlook, Graph busy time and writes, a revoked token, and Sign in with Microsoft, all
through the HTTPS stand-in for Microsoft's identity platform and Graph (MSAL with TLS verification on)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests

from calendar_sync.crypto import decrypt
from portal import settings
from portal.calendars import connections
from portal.models import AuditLog, User
from tests.calendars.conftest import CALENDAR_SECRET, START, connection, emails_to, in_app, meeting
from tests.conftest import PortalClient


@pytest.fixture
def app(make_app, microsoft, monkeypatch):
    """The portal pointed at the stand-in, with the client secret in the environment."""
    monkeypatch.setenv("MICROSOFT_CLIENT_SECRET", microsoft.state.client_secret)
    return make_app(microsoft={"authority_host": microsoft.base, "graph_url": microsoft.graph})


@pytest.fixture(autouse=True)
def microsoft_on(program, microsoft):
    """Tenant and application id as an admin saves them (the stand-in's client id is not a GUID, so directly)."""
    settings.set(program, "microsoft_tenant", microsoft.state.tenant, None)
    settings.set(program, "microsoft_client_id", microsoft.state.client_id, None)


def follow_to_microsoft(client, start_url: str) -> tuple[str, dict]:
    """The browser's trip: the portal sends it to Microsoft's authorize page (a real GET to the stand-in), which
    sends it back with a code. Returns the portal path it is sent back to and the query parameters."""
    response = client.get(start_url)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    authorize = response.headers["Location"]
    answer = requests.get(authorize, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlparse(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}" == "http://localhost"  # the configured base URL, not the request's
    return back.path, {key: values[0] for key, values in parse_qs(back.query).items()}


def come_back(client, path: str, params: dict):
    return client.get(f"{path}?{urlencode(params)}")


@pytest.fixture
def outlook(mentor_client, mentor, microsoft):
    """The mentor connected their Outlook calendar through the pages."""
    path, params = follow_to_microsoft(mentor_client, "/calendar/connect/microsoft")
    response = come_back(mentor_client, path, params)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return connection(mentor)


# --- connecting -------------------------------------------------------------------------------------------------

def test_the_page_offers_microsoft_once_it_is_set_up(mentor_client, monkeypatch):
    assert "Connect Microsoft 365" in mentor_client.get("/calendar/connect").get_data(as_text=True)

    monkeypatch.delenv("MICROSOFT_CLIENT_SECRET")
    assert "Connect Microsoft 365" not in mentor_client.get("/calendar/connect").get_data(as_text=True)
    response = mentor_client.get("/calendar/connect/microsoft")
    assert response.status_code == 404 and "not set up" in response.get_data(as_text=True)


def test_connecting_outlook_goes_through_microsoft_and_stores_the_tokens_encrypted(mentor_client, mentor,
                                                                                   microsoft):
    path, params = follow_to_microsoft(mentor_client, "/calendar/connect/microsoft")
    assert path == "/calendar/connect/microsoft/callback"

    response = come_back(mentor_client, path, params)

    assert response.status_code == 302 and response.headers["Location"] == "/calendar/connect"
    stored = connection(mentor)
    assert (stored.kind, stored.username, stored.status) == ("microsoft", "mentor@contoso.example", "ok")
    assert stored.account_id and stored.url == microsoft.authority
    [token_call] = microsoft.calls("/oauth2/v2.0/token", "POST")
    assert "Calendars.ReadWrite" in token_call[2]["scope"] and token_call[2]["redirect_uri"] == \
        "http://localhost/calendar/connect/microsoft/callback"
    # Neither token is in the row in the clear; the encrypted cache holds them.
    [refresh] = microsoft.state.refresh_tokens
    assert refresh not in stored.secret and "RefreshToken" not in stored.secret
    assert refresh in decrypt(stored.secret, environ={"CALENDAR_SECRET": CALENDAR_SECRET})
    [entry] = AuditLog.select().where(AuditLog.action == "calendar.connect")
    assert entry.details["kind"] == "microsoft" and entry.details["account"] == "mentor@contoso.example"
    page = mentor_client.get("/calendar/connect").get_data(as_text=True)
    assert "Microsoft 365" in page and "mentor@contoso.example" in page and "Working" in page

    # The flow was used up: coming back with the same answer again is refused, not a 500.
    again = come_back(mentor_client, path, params)
    assert again.status_code == 400 and "already used" in again.get_data(as_text=True)


def test_a_callback_whose_state_does_not_match_is_refused(mentor_client, mentor, db):
    path, params = follow_to_microsoft(mentor_client, "/calendar/connect/microsoft")

    response = come_back(mentor_client, path, {**params, "state": "forged-state"})

    assert response.status_code == 400
    assert "did not match this session" in response.get_data(as_text=True)
    assert connection(mentor) is None


def test_declined_consent_is_explained(mentor_client, mentor, db):
    path, params = follow_to_microsoft(mentor_client, "/calendar/connect/microsoft")

    response = come_back(mentor_client, path, {
        "error": "access_denied", "state": params["state"],
        "error_description": "AADSTS65004: User declined to consent to access the app."})

    assert response.status_code == 400
    assert "refused or cancelled" in response.get_data(as_text=True)
    assert connection(mentor) is None


def test_a_callback_nobody_started_is_refused(mentor_client, mentor, db):
    response = mentor_client.get("/calendar/connect/microsoft/callback?code=abc&state=xyz")

    assert response.status_code == 400 and "did not start here" in response.get_data(as_text=True)


def test_microsoft_not_answering_is_explained(mentor_client, microsoft):
    microsoft.stop()

    response = mentor_client.get("/calendar/connect/microsoft")

    assert response.status_code == 503 and "could not be reached" in response.get_data(as_text=True)


# --- busy time and writes through Graph -------------------------------------------------------------------------

def test_busy_comes_from_get_schedule_for_the_connected_address(app, mentor, outlook, microsoft):
    dentist = (datetime(2031, 3, 18, 14, tzinfo=UTC), datetime(2031, 3, 18, 15, 30, tzinfo=UTC))
    microsoft.set_schedule("mentor@contoso.example", [
        {"status": "busy", "start": dentist[0], "end": dentist[1]},
        {"status": "tentative", "start": dentist[1] + timedelta(hours=1), "end": dentist[1] + timedelta(hours=2)},
        {"status": "free", "start": dentist[0] - timedelta(hours=3), "end": dentist[0] - timedelta(hours=2)}])

    with in_app(app):
        busy = connections.busy(mentor, START, START + timedelta(days=7), "Europe/London")

    assert [(i.start, i.end) for i in busy.intervals] == [dentist]
    assert [(i.start, i.end) for i in busy.tentative] == [(dentist[1] + timedelta(hours=1),
                                                            dentist[1] + timedelta(hours=2))]
    [call] = microsoft.calls("/calendar/getSchedule", "POST")
    assert call[2]["schedules"] == ["mentor@contoso.example"]


def test_a_meeting_is_created_once_then_rescheduled_in_place(app, mentor, outlook, microsoft):
    original = meeting()
    moved = original.rescheduled(original.start + timedelta(days=2), original.end + timedelta(days=2))
    with in_app(app):
        event_id = connections.write_event(mentor, original).remote_id
        retried = connections.write_event(mentor, original).remote_id  # the job ran again before it stored the id
        assert connections.write_event(mentor, moved, event_id).remote_id == event_id

    assert retried == event_id
    assert list(microsoft.state.events) == [event_id]
    [first, second] = microsoft.calls("/events", "POST")
    assert first[2]["transactionId"] == second[2]["transactionId"] == original.uid
    [patch] = microsoft.calls(f"/events/{event_id}", "PATCH")
    assert patch[2]["start"] == {"dateTime": "2031-03-20T10:00:00", "timeZone": "Europe/London"}
    assert microsoft.state.events[event_id]["start"] == patch[2]["start"]


def test_cancelling_an_outlook_meeting(app, mentor, outlook, microsoft):
    with in_app(app):
        event_id = connections.write_event(mentor, meeting()).remote_id
        connections.cancel_meeting(mentor, meeting().cancelled(), event_id)
        del microsoft.state.events[event_id]  # Outlook removes a cancelled event: a repeat finds it gone
        connections.cancel_meeting(mentor, meeting().cancelled(), event_id)

    assert len(microsoft.calls(f"/events/{event_id}/cancel", "POST")) == 2
    assert connection(mentor).status == "ok"


def test_refreshed_tokens_are_stored_again(app, mentor, outlook, microsoft):
    """Refresh tokens rotate: the second refresh works only if the first one's new tokens were stored."""
    for _ in range(2):
        before = connection(mentor).secret
        microsoft.expire_access_tokens()  # Graph now answers 401, so the portal refreshes
        with in_app(app):
            assert connections.busy(mentor, START, START + timedelta(days=1), "Europe/London") is not None
        assert connection(mentor).secret != before
    assert connection(mentor).status == "ok"
    assert [c[2]["grant_type"] for c in microsoft.calls("/oauth2/v2.0/token", "POST")] == [
        "authorization_code", "refresh_token", "refresh_token"]


def test_a_revoked_refresh_token_breaks_the_connection_and_says_so(app, mentor, outlook, microsoft, admin):
    microsoft.expire_access_tokens()
    microsoft.revoke_refresh_tokens()

    with in_app(app):
        assert connections.busy(mentor, START, START + timedelta(days=1), "Europe/London") is None
        assert connections.busy(mentor, START, START + timedelta(days=1), "Europe/London") is None

    broken = connection(mentor)
    assert broken.status == "broken" and "connect your calendar again" in broken.problem
    assert len(emails_to(mentor.email)) == 1 and len(emails_to(admin.email)) == 1
    assert len(microsoft.calls("/oauth2/v2.0/token", "POST")) == 2  # the sign-in and one refused refresh


def test_a_write_with_a_revoked_token_marks_broken_and_raises(app, mentor, outlook, microsoft):
    from calendar_sync.errors import ReauthRequired

    microsoft.expire_access_tokens()
    microsoft.revoke_refresh_tokens()

    with in_app(app), pytest.raises(ReauthRequired):
        connections.write_event(mentor, meeting()).remote_id

    assert connection(mentor).status == "broken" and microsoft.state.events == {}


def test_throttling_is_passed_on_and_leaves_the_connection_alone(app, mentor, outlook, microsoft):
    from calendar_sync.errors import Throttled

    microsoft.throttle_next(1, retry_after=7)

    with in_app(app), pytest.raises(Throttled) as caught:
        connections.write_event(mentor, meeting()).remote_id

    assert caught.value.retry_after == 7 and connection(mentor).status == "ok"


# --- Sign in with Microsoft -------------------------------------------------------------------------------------

def logged_in_as(client) -> str | None:
    response = client.get("/profile")
    if response.status_code != 302 or not response.headers["Location"].startswith("/people/"):
        return None
    return User.get_by_id(int(response.headers["Location"].rsplit("/", 1)[1])).email


def test_the_login_page_offers_microsoft_only_when_it_is_set_up(client, program, monkeypatch):
    assert "Sign in with Microsoft" in client.get("/login").get_data(as_text=True)

    settings.set(program, "microsoft_tenant", "", None)
    assert "Sign in with Microsoft" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/microsoft").status_code == 404


def test_sign_in_with_microsoft_logs_in_the_account_with_that_address(client, create_user, microsoft):
    microsoft.state.user.email = "Mina.Mentor@Contoso.Example"  # case differs from the stored address
    user = create_user("mina.mentor@contoso.example", roles=("mentor",))

    path, params = follow_to_microsoft(client, "/login/microsoft?next=/resources/")
    assert path == "/login/microsoft/callback"
    response = come_back(client, path, params)

    assert response.status_code == 302 and response.headers["Location"] == "/resources/"
    assert logged_in_as(client) == "mina.mentor@contoso.example"
    [entry] = AuditLog.select().where(AuditLog.action == "account.login")
    assert entry.actor_id == user.id and entry.details == {"method": "microsoft"}
    [token_call] = microsoft.calls("/oauth2/v2.0/token", "POST")
    assert "Calendars" not in token_call[2]["scope"]  # signing in asks for no calendar access


@pytest.mark.parametrize("case", ["unknown", "inactive"])
def test_sign_in_with_microsoft_refuses_an_address_without_an_active_account(client, create_user, microsoft, case):
    if case == "inactive":
        user = create_user("mentor@contoso.example", roles=("mentor",))
        user.active = False
        user.save()
    accounts_before = User.select().count()

    path, params = follow_to_microsoft(client, "/login/microsoft")
    response = come_back(client, path, params)

    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "No active account here uses mentor@contoso.example" in html and 'name="email"' in html
    assert logged_in_as(client) is None
    assert User.select().count() == accounts_before
    assert AuditLog.select().where(AuditLog.action == "account.login").count() == 0


def test_a_sign_in_callback_with_a_forged_state_logs_nobody_in(client, create_user, db):
    create_user("mentor@contoso.example", roles=("mentor",))
    path, params = follow_to_microsoft(client, "/login/microsoft")

    response = come_back(client, path, {**params, "state": "forged"})

    assert response.status_code == 401 and "did not match this session" in response.get_data(as_text=True)
    assert logged_in_as(client) is None


def test_the_calendar_flow_and_the_sign_in_flow_do_not_mix(app, mentor_client, mentor, microsoft):
    """A code obtained for connecting a calendar cannot be spent on the login callback (another session key)."""
    path, params = follow_to_microsoft(mentor_client, "/calendar/connect/microsoft")
    other = PortalClient(app.test_client())

    response = come_back(other, "/login/microsoft/callback", params)

    assert response.status_code == 400 and logged_in_as(other) is None
    assert come_back(mentor_client, path, params).status_code == 302  # still good where it started


def test_sign_in_also_accepts_the_email_claim(client, create_user, microsoft, monkeypatch):
    """Where the user name (preferred_username) is not the mail address, the token's email claim is."""
    from tests.calendar_sync import peers

    plain = peers.unsigned_jwt

    def with_email(claims):
        return plain({**claims, "preferred_username": "m.mentor@contoso.onmicrosoft.com",
                      "email": "Mentor@Contoso.Example"})

    monkeypatch.setattr(peers, "unsigned_jwt", with_email)
    create_user("mentor@contoso.example", roles=("mentor",))

    path, params = follow_to_microsoft(client, "/login/microsoft")
    response = come_back(client, path, params)

    assert response.status_code == 302 and logged_in_as(client) == "mentor@contoso.example"


def test_after_a_key_rotation_the_token_cache_is_stored_under_the_new_key_when_used(app, mentor, outlook, microsoft,
                                                                                     monkeypatch):
    from calendar_sync import crypto

    new = {"CALENDAR_SECRET": "another-calendar-secret-for-rotation-77"}
    monkeypatch.setenv("CALENDAR_SECRET", new["CALENDAR_SECRET"])
    monkeypatch.setenv("CALENDAR_SECRET_PREVIOUS", CALENDAR_SECRET)
    assert not crypto.is_current(connection(mentor).secret, environ=new)

    with in_app(app):
        assert connections.busy(mentor, START, START + timedelta(days=7), "Europe/London") is not None

    stored = connection(mentor).secret
    assert crypto.is_current(stored, environ=new) and decrypt(stored, environ=new)
    monkeypatch.delenv("CALENDAR_SECRET_PREVIOUS")
    with in_app(app):
        assert connections.busy(mentor, START, START + timedelta(days=7), "Europe/London") is not None
    assert connection(mentor).status == "ok"
