"""Calendar connections against real peers: Radicale for CalDAV, the HTTPS Microsoft stand-in for MSAL and Graph."""
from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_sync.model import Meeting, Person
from portal import settings
from portal.models import CalendarConnection, Email
from tests.calendar_sync.conftest import caldav_account, microsoft, radicale  # noqa: F401

CALENDAR_SECRET = "calendar-secret-for-tests-only-0123456789"
LONDON = ZoneInfo("Europe/London")
START = datetime(2031, 3, 17, tzinfo=LONDON)  # a Monday


@pytest.fixture(autouse=True)
def calendar_secret(monkeypatch):
    """A known encryption secret, so no test writes instance/calendar_key."""
    monkeypatch.setenv("CALENDAR_SECRET", CALENDAR_SECRET)


@pytest.fixture(autouse=True)
def loopback_calendar_servers(request):
    """The CalDAV peers listen on 127.0.0.1, which the portal refuses by default: a test that uses one allows it in
    the programme's settings, as an admin allows an internal server."""
    if "caldav_account" in request.fixturenames or "radicale" in request.fixturenames:
        settings.set(request.getfixturevalue("program"), "calendar_allowed_hosts", "127.0.0.1", None)


@pytest.fixture
def mentor(create_user):
    return create_user("mentor@contoso.example", roles=("mentor",), name="Mina Mentor", timezone="Europe/London")


@pytest.fixture
def mentor_client(client, mentor):
    client.login(mentor.email)
    return client


@contextlib.contextmanager
def in_app(app):
    """A request context for calling operations directly (they build absolute links for emails).

    Only around the call: a context left open would be shared by the test client's requests, and `g` with it.
    """
    with app.test_request_context():
        yield


def meeting(uid: str = "meeting-1@portal.test", start: datetime = START + timedelta(days=1, hours=10),
            minutes: int = 60, **changes) -> Meeting:
    values = dict(uid=uid, summary="Mentoring session: Getting to know one another", start=start,
                  end=start + timedelta(minutes=minutes), zone="Europe/London",
                  organizer=Person("mentor@contoso.example", "Mina Mentor"),
                  attendees=(Person("mia@example.org", "Mia Mentee"),), location="https://meet.example/abc",
                  description="Our first session.")
    values.update(changes)
    return Meeting(**values)


def connection(user) -> CalendarConnection | None:
    return CalendarConnection.get_or_none(CalendarConnection.user == user)


def emails_to(address: str, subject_part: str = "calendar connection") -> list[Email]:
    return list(Email.select().where(Email.to_address == address, Email.subject.contains(subject_part))
                .order_by(Email.id))
