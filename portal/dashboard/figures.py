"""The programme in numbers, for the dashboard: one query per figure, no per-row work."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from portal.meetings.schedule import stored
from portal.models import Feedback, Match, Meeting, Participant, Program
from portal.pairing import operations as pairing

QUIET_DAYS = 45  # the target is one to one and a half sessions a month


@dataclass(frozen=True)
class Figures:
    mentors: int
    mentees: int
    exited: int
    active_pairs: int
    ended_pairs: int
    to_pair: int
    held: int
    upcoming: int
    cancelled: int
    feedback: int
    average_rating: float | None
    average_fit: float | None
    no_first_session: list
    quiet: list


def gather(program: Program, now: dt.datetime | None = None) -> Figures:
    now = stored(now or dt.datetime.now(dt.UTC))
    taking_part = dict(Participant.taking_part(program).select(Participant.role, fn.COUNT(Participant.id))
                       .group_by(Participant.role).tuples())
    matches = Match.select().where(Match.program == program)
    meetings = Meeting.select().join(Match).where(Match.program == program)
    pairs = list(_last_sessions(program))  # one query for both lists of pairs that may need a nudge
    rated = (Feedback.select(fn.COUNT(Feedback.id), fn.AVG(Feedback.rating), fn.AVG(Feedback.fit))
             .join(Meeting).join(Match).where(Match.program == program).tuples().first())
    return Figures(
        mentors=taking_part.get("mentor", 0), mentees=taking_part.get("mentee", 0),
        exited=Participant.exited(program).count(),
        active_pairs=matches.where(Match.ended_at.is_null()).count(),
        ended_pairs=matches.where(Match.ended_at.is_null(False)).count(),
        to_pair=len(list(pairing.still_to_pair(program))),
        held=Meeting.past(now).join(Match).where(Match.program == program).count(),
        upcoming=Meeting.upcoming(now).join(Match).where(Match.program == program).count(),
        cancelled=meetings.where(Meeting.status == "cancelled").count(),
        feedback=rated[0] or 0, average_rating=_round(rated[1]), average_fit=_round(rated[2]),
        no_first_session=_no_first_session(pairs, now), quiet=_quiet(pairs, now),
    )


def _round(value) -> float | None:
    return round(float(value), 1) if value is not None else None


def _last_sessions(program: Program):
    """Active pairs with their latest session start (None without any)."""
    latest = fn.MAX(Meeting.starts_at)
    return (Match.select(Match, latest.alias("latest"))
            .join(Meeting, JOIN.LEFT_OUTER, on=((Meeting.match == Match.id) & (Meeting.status == "scheduled")))
            .where(Match.program == program, Match.ended_at.is_null())
            .group_by(Match.id))


def _no_first_session(pairs: list, now: dt.datetime) -> list:
    """Pairs matched two weeks or more ago with no session booked."""
    cutoff = now - dt.timedelta(days=14)
    return [m for m in pairs if m.latest is None and m.started_at <= cutoff]


def _quiet(pairs: list, now: dt.datetime) -> list:
    """Pairs whose latest session was 45 days ago or more, with nothing booked since."""
    cutoff = now - dt.timedelta(days=QUIET_DAYS)
    return [m for m in pairs if m.latest is not None and _naive(m.latest) <= cutoff]


def _naive(value) -> dt.datetime:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value
