"""Chat tests: a known encryption key, the Slack and Teams stand-in trusted as the system's authorities, and a
programme whose dates put today on its launch."""
from __future__ import annotations

import datetime as dt

import pytest

from portal.chat import addresses
from portal.models import Program
from tests.chat.standin import ChatStandIn

LAUNCH = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def calendar_secret(monkeypatch):
    """A known key for the encrypted addresses, so no test writes instance/calendar_key."""
    monkeypatch.setenv("CALENDAR_SECRET", "chat-secret-for-channel-tests-0123456789")


@pytest.fixture
def standin(tmp_path, monkeypatch):
    server = ChatStandIn(tmp_path / "certs").start()
    # The stand-in's authority is the only one the process trusts, as a private CA would be on a real server.
    monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))
    yield server
    server.stop()


@pytest.fixture
def dated(program) -> Program:
    """Mentors from 1 December, mentees from the 8th, pairing 15 December to 5 January (registration closes then)."""
    Program.update(mentor_registration_opens=LAUNCH, mentee_registration_opens=dt.date(2026, 12, 8),
                   pairing_opens=dt.date(2026, 12, 15), pairing_closes=dt.date(2027, 1, 5),
                   midpoint=dt.date(2027, 3, 1), ends=dt.date(2027, 6, 1)).where(Program.id == program.id).execute()
    return Program.get_by_id(program.id)


@pytest.fixture
def channels(app, dated, standin) -> Program:
    """Both channels set to the stand-in."""
    with app.app_context():
        addresses.save(dated, {"slack": standin.slack_url, "teams": standin.teams_url}, None)
    return dated


@pytest.fixture
def admin_client(client, admin):
    client.login(admin.email)
    return client
