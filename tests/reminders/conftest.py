"""Reminders fixtures: the clock frozen on known programme dates, pairs and sessions, senders run as the job does."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine

from portal.models import Email, Match, Meeting, Participant, Program
from tests.pairing.conftest import as_job, make_mentee, make_mentor, set_setting, within  # noqa: F401

# Monday 22 February 2027, 09:00 UTC: registration is open, pairing opens on 1 March and closes on 15 March.
NOW = dt.datetime(2027, 2, 22, 9, 0, tzinfo=dt.UTC)
DATES = {
    "mentor_registration_opens": dt.date(2027, 2, 8),
    "mentee_registration_opens": dt.date(2027, 2, 15),
    "pairing_opens": dt.date(2027, 3, 1),
    "pairing_closes": dt.date(2027, 3, 15),
    "midpoint": dt.date(2027, 6, 1),
    "ends": dt.date(2027, 9, 1),
}
_uids = itertools.count(1)


@pytest.fixture(autouse=True)
def clock():
    """Time stands still at NOW until a test moves it (clock.move_to / clock.shift)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def known_dates(program) -> Program:
    for name, value in DATES.items():
        setattr(program, name, value)
    program.phase_overrides = {}
    program.save()
    return program


def at(day: dt.date | dt.datetime, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment in UTC, for clock.move_to."""
    if isinstance(day, dt.datetime):
        return day.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


@pytest.fixture
def run(as_job, program):
    """run(sender) -> emails it sent: a sender of portal.reminders.send called as the periodic job calls it."""

    def call(sender) -> int:
        with as_job():
            return sender(Program.get_by_id(program.id))

    return call


@pytest.fixture
def pair(make_mentor, make_mentee, program):
    """(match, mentor, mentee): Mia mentors Leo, matched now."""
    mentor = make_mentor("mia@example.org", "Mia Mentor")
    mentee = make_mentee("leo@example.org", "Leo Mentee")
    Participant.update(status="paired").where(Participant.program == program).execute()
    return Match.create(program=program, mentor=mentor, mentee=mentee, made_by="admin"), mentor, mentee


def session(match: Match, starts_at: dt.datetime, minutes: int = 60, status: str = "scheduled") -> Meeting:
    """A session of the pair, stored as booking leaves it (times naive UTC)."""
    start = starts_at.astimezone(dt.UTC).replace(tzinfo=None)
    number = Meeting.select().where(Meeting.match == match).count() + 1
    return Meeting.create(
        match=match, organizer=match.mentor_id, number=number, agenda="getting-to-know-one-another", starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes), uid=f"reminder-test-{next(_uids)}@portal.test", status=status,
        sync_state="none",
    )


def reminders_to(user, category: str = "reminders") -> list[Email]:
    return list(Email.select().where(Email.to_address == user.email, Email.category == category).order_by(Email.id))


def exit_programme(program, user, role: str) -> None:
    Participant.update(status="exited").where(
        Participant.program == program, Participant.user == user, Participant.role == role).execute()
