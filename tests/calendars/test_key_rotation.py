"""A new calendar key: stored CalDAV passwords and Microsoft token caches move to it, by the CLI command for all at
once or by themselves when a connection is used; the old secret can then go."""
from __future__ import annotations

from datetime import timedelta

import pytest

from calendar_sync import crypto
from calendar_sync.errors import CredentialUnreadable
from portal.calendars import connections
from portal.models import AuditLog, CalendarConnection
from tests.calendars.conftest import CALENDAR_SECRET, START, connection, in_app
from tests.calendars.test_caldav_connections import connected  # noqa: F401

NEW_SECRET = "the-new-calendar-secret-after-rotation-42"
OLD = {"CALENDAR_SECRET": CALENDAR_SECRET}
NEW = {"CALENDAR_SECRET": NEW_SECRET}


@pytest.fixture
def rotated(monkeypatch):
    """The operator's rotation: the old secret moves to CALENDAR_SECRET_PREVIOUS, a new one becomes current."""
    monkeypatch.setenv("CALENDAR_SECRET", NEW_SECRET)
    monkeypatch.setenv("CALENDAR_SECRET_PREVIOUS", CALENDAR_SECRET)
    return monkeypatch


@pytest.fixture
def outlook_row(create_user):
    """Another person's Outlook connection whose token cache was stored under the old key."""
    person = create_user("olga@contoso.example", roles=("mentee",), name="Olga Outlook")
    return CalendarConnection.create(user=person, kind="microsoft", url="https://login.example/contoso",
                                     username=person.email, account_id="uid.utid",
                                     secret=crypto.encrypt('{"AccessToken": {}}', environ=OLD))


def busy_of(app, mentor):
    with in_app(app):
        return connections.busy(mentor, START, START + timedelta(days=7), "Europe/London")


def test_the_command_reencrypts_every_stored_credential_and_the_old_secret_can_go(
        app, runner, mentor, connected, caldav_account, outlook_row, rotated):  # noqa: F811
    result = runner.invoke(args=["rotate-calendar-key"])

    assert result.exit_code == 0, result.output
    assert "Re-encrypted 2 calendar connection(s); 0 already" in result.output
    assert crypto.decrypt(connection(mentor).secret, environ=NEW) == caldav_account.password
    assert crypto.decrypt(CalendarConnection.get_by_id(outlook_row.id).secret, environ=NEW) == '{"AccessToken": {}}'
    with pytest.raises(CredentialUnreadable):
        crypto.decrypt(connection(mentor).secret, environ=OLD)
    [entry] = AuditLog.select().where(AuditLog.action == "calendar.key_rotated")
    assert entry.details == {"connections": 2, "unreadable": 0}

    again = runner.invoke(args=["rotate-calendar-key"])
    assert "Re-encrypted 0 calendar connection(s); 2 already used the current key." in again.output

    rotated.delenv("CALENDAR_SECRET_PREVIOUS")  # the old secret is gone: the calendar still works
    assert busy_of(app, mentor) is not None and connection(mentor).status == "ok"


def test_the_command_names_connections_no_key_opens_and_fails(app, runner, outlook_row, rotated):
    rotated.delenv("CALENDAR_SECRET_PREVIOUS")  # forgotten: the old secret is nowhere

    result = runner.invoke(args=["rotate-calendar-key"])

    assert result.exit_code == 1
    assert f"1 connection(s) could not be decrypted with either key (users {outlook_row.user_id})" in result.output
    assert CalendarConnection.get_by_id(outlook_row.id).secret == outlook_row.secret  # left as it was


def test_a_connection_used_after_the_rotation_is_stored_under_the_new_key(app, mentor, connected, rotated):  # noqa: F811
    before = connection(mentor).secret
    assert not crypto.is_current(before, environ=NEW)

    assert busy_of(app, mentor) is not None

    after = connection(mentor).secret
    assert after != before and crypto.is_current(after, environ=NEW)
    [entry] = AuditLog.select().where(AuditLog.action == "calendar.key_rotated")
    assert entry.target == f"user:{mentor.id}"
    assert busy_of(app, mentor) is not None and connection(mentor).secret == after  # once only


def test_without_a_rotation_nothing_is_rewritten(app, mentor, connected):  # noqa: F811
    before = connection(mentor).secret
    assert busy_of(app, mentor) is not None
    assert connection(mentor).secret == before
    assert not AuditLog.select().where(AuditLog.action == "calendar.key_rotated").exists()
