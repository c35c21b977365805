"""Hand-built programmes for the dashboard: pairs, sessions, feedback, surveys and leavers, at known times."""
from __future__ import annotations

import datetime as dt
import itertools
import logging

import pytest

from portal import counters
from portal.models import Feedback, Match, Meeting, Participant

NOW = dt.datetime(2026, 6, 1, 12, 0)  # naive UTC, as stored
_serial = itertools.count(1)


def changed(program) -> None:
    """Rows written here skip the operations, so the counter their events bump is bumped by hand."""
    counters.bump(counters.reporting_key(program))


@pytest.fixture
def people(create_user):
    """people(mentors, mentees, prefix) -> ([mentor users], [mentee users])."""

    def make(mentors: int, mentees: int, prefix: str = "p"):
        n = next(_serial)
        return ([create_user(f"{prefix}{n}-mentor{i}@example.org", roles=("mentor",), name=f"Mentor {n}-{i}")
                 for i in range(mentors)],
                [create_user(f"{prefix}{n}-mentee{i}@example.org", roles=("mentee",), name=f"Mentee {n}-{i}")
                 for i in range(mentees)])

    return make


@pytest.fixture
def pairs(people, program):
    """pairs(count, started_at) -> matches made at that time (naive UTC), each with a mentor and mentee of its own."""

    def make(count: int, started_at: dt.datetime, **fields) -> list[Match]:
        mentors, mentees = people(count, count)
        Participant.update(status="paired").where(Participant.user.in_(mentors + mentees)).execute()
        changed(program)
        return [Match.create(program=program, mentor=mentor, mentee=mentee, made_by="admin", started_at=started_at,
                             **fields) for mentor, mentee in zip(mentors, mentees, strict=True)]

    return make


def session(match: Match, starts_at: dt.datetime, status: str = "scheduled") -> Meeting:
    """A session of the pair at `starts_at` (naive UTC)."""
    number = Meeting.select().where(Meeting.match == match).count() + 1
    changed(match.program_id)
    return Meeting.create(match=match, organizer=match.mentor_id, number=number, agenda="getting-to-know-one-another",
                          starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=1), status=status,
                          uid=f"dashboard-test-{next(_serial)}@portal.test", sync_state="none")


def feedback(meeting: Meeting, rating: int, fit: int | None, given_at: dt.datetime, by: str = "mentee") -> Feedback:
    """One participant's answer after the session."""
    user = meeting.match.mentee_id if by == "mentee" else meeting.match.mentor_id
    changed(meeting.match.program_id)
    return Feedback.create(meeting=meeting, user=user, rating=rating, fit=fit, created_at=given_at,
                           updated_at=given_at)


class Statements(logging.Handler):
    """The SQL statements peewee sends (it logs each one at DEBUG)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql: list[str] = []

    def emit(self, record):
        self.sql.append(str(record.msg[0] if isinstance(record.msg, tuple) else record.msg))


def requested(client, url: str):
    """(the response, the SQL statements it took), the response checked to be 200."""
    logger, handler = logging.getLogger("peewee"), Statements()
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        response = client.get(url)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert response.status_code == 200
    return response, handler.sql
