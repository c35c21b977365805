"""Meetings fixtures: a matched pair with working hours in London, the clock fixed on a Monday morning."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from portal.models import Match
from tests.calendar_sync.conftest import caldav_account, microsoft, radicale  # noqa: F401
from tests.calendars.conftest import loopback_calendar_servers  # noqa: F401
from tests.console.conftest import give_answers
from tests.pairing.conftest import _fresh_directory_cache, browser, set_setting, within  # noqa: F401

NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)  # Monday 7 December 2026, 08:00 in London
HOURS = {"timezone": "Europe/London", "working_hours": {"start": "09:00", "end": "17:00"}, "location": "Virtual"}


@pytest.fixture(autouse=True)
def calendar_secret(monkeypatch):
    """A known encryption secret, so no test writes instance/calendar_key."""
    monkeypatch.setenv("CALENDAR_SECRET", "calendar-secret-for-meeting-tests-0123456789")


@pytest.fixture
def frozen():
    """The clock at NOW, ticking, so slots and notice are predictable."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def pair(create_user, program):
    """(match, mentor, mentee): Mia mentors Leo; both work 09:00-17:00 in London."""
    mentor = create_user("mia@example.org", roles=("mentor",), name="Mia Mentor")
    mentee = create_user("leo@example.org", roles=("mentee",), name="Leo Mentee")
    give_answers(program, mentor, "mentor", {**HOURS, "strengths": ["Python"], "capacity": "2"}, capacity=2)
    give_answers(program, mentee, "mentee", {**HOURS, "grow": ["Python"], "goals_6m": "Grow"})
    match = Match.create(program=program, mentor=mentor, mentee=mentee, made_by="admin")
    return match, mentor, mentee
