"""Fixtures for the calendar library: a Radicale server per test session (a fresh account per test) and an HTTPS
stand-in for Microsoft's identity platform and Graph per test. Other test folders can use the same peers through
`tests.calendar_sync.peers`, or by importing these fixtures into their own conftest.py:

    from tests.calendar_sync.conftest import radicale, caldav_account, microsoft  # noqa: F401
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.calendar_sync.peers import MicrosoftStandIn, Radicale


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    """A Radicale 3 server on 127.0.0.1 for this test process (each xdist worker has its own)."""
    server = Radicale(tmp_path_factory.mktemp("radicale")).start()
    yield server
    server.stop()


@dataclass
class CaldavAccount:
    url: str
    username: str
    password: str
    calendar: object  # caldav.Calendar, to put events in as another client would


@pytest.fixture
def caldav_account(radicale) -> CaldavAccount:
    """A new Radicale user of its own with one empty calendar."""
    name, password = radicale.add_user()
    calendar = radicale.make_calendar(name, password)
    return CaldavAccount(radicale.url, name, password, calendar)


@pytest.fixture
def microsoft(tmp_path, monkeypatch):
    """The Microsoft stand-in, trusted by requests (and so MSAL) through REQUESTS_CA_BUNDLE.

    This machine exports REQUESTS_CA_BUNDLE, which overrides any verify= given to a requests session; pointing it
    at the stand-in's CA is what makes TLS to the stand-in verify (verification stays on).
    """
    standin = MicrosoftStandIn(tmp_path / "standin").start()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(standin.ca_file))
    yield standin
    standin.stop()


@pytest.fixture(scope="session")
def radicale_with_subscriptions(tmp_path_factory):
    """A Radicale where each user's calendar "holidays" is read-only to them, as a subscribed calendar is."""
    server = Radicale(tmp_path_factory.mktemp("radicale-ro"), read_only="holidays").start()
    yield server
    server.stop()


@dataclass
class SeveralCalendars:
    """An account with a task list, a read-only holiday calendar holding a bank holiday, and two event calendars."""

    url: str
    username: str
    password: str
    tasks: str
    holidays: str
    work: object  # caldav.Calendar
    private: object  # caldav.Calendar


BANK_HOLIDAY = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//EN\r\nBEGIN:VEVENT\r\nUID:bank-holiday@test\r\n"
                "DTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20310318\r\nDTEND;VALUE=DATE:20310319\r\n"
                "SUMMARY:Bank holiday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


@pytest.fixture
def several_calendars(radicale_with_subscriptions) -> SeveralCalendars:
    server = radicale_with_subscriptions
    name, password = server.add_user()
    import caldav

    principal = caldav.DAVClient(url=server.url, username=name, password=password).get_principal()
    tasks = principal.make_calendar(name="Tasks", cal_id="tasks", supported_calendar_component_set=["VTODO"])
    holidays = server.add_read_only_calendar(name, "Holidays", BANK_HOLIDAY)
    work = principal.make_calendar(name="Work", cal_id="work")
    private = principal.make_calendar(name="Private", cal_id="private")
    return SeveralCalendars(server.url, name, password, str(tasks.url), holidays, work, private)
