"""Who is due a reminder: plain queries over the programme, the clock passed in, nothing sent here."""
from __future__ import annotations

import datetime as dt

from peewee import fn

from portal.models import Feedback, Match, Meeting, Participant, Program, User
from portal.pairing import operations as pairing
from portal.programme import operations as programme

# Meetings that ended longer ago than this before their reminder fell due are left alone, so switching the
# feedback reminder on (or a worker that was down) never floods people about sessions long past.
FEEDBACK_CATCH_UP = dt.timedelta(days=7)
# The feedback request goes when a meeting ends; a worker that was away this long still sends it, later not.
REQUEST_WINDOW = dt.timedelta(days=1)


def _ended(program: Program, now: dt.datetime) -> bool:
    return programme.current_phase(program, now.date()) == "ended"


def live_matches(program: Program):
    """Active matches of the programme whose two people still take part (neither exited nor deactivated)."""
    inactive = User.select(User.id).where(~User.active)
    return Match.active().where(
        Match.program == program,
        Match.mentor.not_in(Participant.exited(program, "mentor").select(Participant.user)),
        Match.mentee.not_in(Participant.exited(program, "mentee").select(Participant.user)),
        Match.mentor.not_in(inactive), Match.mentee.not_in(inactive),
    )


def _with_pair(query, program: Program) -> list[Match]:
    """The matches of the query, each with its mentor and mentee read in the same statement and its programme set:
    a sweep looks at both people of every due pair, which would otherwise be two more statements a pair."""
    matches = list(Match.with_pair(query))
    for match in matches:
        match.program = program
    return matches


def stragglers(program: Program, now: dt.datetime, days: int) -> list[tuple[User, list[str]]]:
    """People who registered `days` or more ago and have not finished the questionnaire, while their registration
    is open; one entry per person, with the roles they registered for."""
    roles = [role for role in Participant.ROLES if programme.registration_open_for(program, role, now.date())]
    if not roles or _ended(program, now):
        return []
    rows = (
        Participant.select(Participant, User).join(User)
        .where(
            Participant.program == program, Participant.role.in_(roles), Participant.status == "registered",
            Participant.questionnaire_completed_at.is_null(), Participant.joined_at <= now - dt.timedelta(days=days),
            User.active,
        )
        .order_by(Participant.joined_at, Participant.id)
    )
    people: dict[int, tuple[User, list[str]]] = {}
    for row in rows:
        people.setdefault(row.user_id, (row.user, []))[1].append(row.role)
    return list(people.values())


def unpaired_mentees(program: Program, now: dt.datetime, days: int) -> list[User]:
    """Mentees the admins would list as still to pair, `days` into pairing (or into their own time in it, for
    someone who finished the questionnaire later), while the pairing window is open."""
    if not programme.is_open(program, "pairing", now.date()):
        return []
    opened = dt.datetime.combine(program.pairing_opens, dt.time())
    due = []
    for row, _asked in pairing.still_to_pair(program):
        since = max(opened, row.questionnaire_completed_at)
        if row.user.active and since <= now - dt.timedelta(days=days):
            due.append(row.user)
    return due


def without_first_meeting(program: Program, now: dt.datetime, days: int) -> list[Match]:
    """Live matches made `days` or more ago with no session booked at all (held or coming)."""
    if _ended(program, now):
        return []
    booked = Meeting.select(Meeting.match).where(Meeting.status == "scheduled")
    return _with_pair(
        live_matches(program)
        .where(Match.started_at <= now - dt.timedelta(days=days), Match.id.not_in(booked))
        .order_by(Match.id),
        program,
    )


def quiet_pairs(program: Program, now: dt.datetime, days: int) -> list[tuple[Match, Meeting]]:
    """Live matches whose latest held session ended `days` or more ago and with none coming (or under way), each
    with that last session: a new quiet spell starts after every session."""
    if _ended(program, now):
        return []
    coming = Meeting.select(Meeting.match).where(Meeting.status == "scheduled", Meeting.ends_at > now)
    quiet = (
        Meeting.select(Meeting.match).where(Meeting.status == "scheduled", Meeting.ends_at <= now)
        .group_by(Meeting.match).having(fn.MAX(Meeting.ends_at) <= now - dt.timedelta(days=days))
    )
    matches = _with_pair(
        live_matches(program).where(Match.id.in_(quiet), Match.id.not_in(coming)).order_by(Match.id), program)
    if not matches:
        return []
    # Each pair's sessions held so far, the latest first (a pair has a dozen at most): the first seen is the last.
    last: dict[int, Meeting] = {}
    held = (
        Meeting.select()
        .where(Meeting.match.in_([m.id for m in matches]), Meeting.status == "scheduled", Meeting.ends_at <= now)
        .order_by(Meeting.ends_at.desc(), Meeting.id.desc())
    )
    for meeting in held:
        last.setdefault(meeting.match_id, meeting)
    return [(match, last[match.id]) for match in matches if match.id in last]


def _without_feedback(program: Program, ended_after: dt.datetime, ended_by: dt.datetime) -> list[tuple[Meeting, User]]:
    """Each participant of a live match's session that ended in (ended_after, ended_by] who gave no feedback."""
    meetings = list(
        Match.with_pair(Meeting.select(Meeting, Match).join(Match))
        .where(
            Meeting.match.in_(live_matches(program).select(Match.id)), Meeting.status == "scheduled",
            Meeting.ends_at > ended_after, Meeting.ends_at <= ended_by,
        )
        .order_by(Meeting.ends_at, Meeting.id)
    )
    if not meetings:
        return []
    for meeting in meetings:
        meeting.match.program = program
    given = set(
        Feedback.select(Feedback.meeting, Feedback.user)
        .where(Feedback.meeting.in_([m.id for m in meetings])).tuples()
    )
    return [
        (meeting, person)
        for meeting in meetings
        for person in (meeting.match.mentor, meeting.match.mentee)
        if (meeting.id, person.id) not in given
    ]


def feedback_missing(program: Program, now: dt.datetime, days: int) -> list[tuple[Meeting, User]]:
    """People with no feedback on a session that ended `days` ago or more (up to a week more: see FEEDBACK_CATCH_UP)."""
    due_by = now - dt.timedelta(days=days)
    return _without_feedback(program, due_by - FEEDBACK_CATCH_UP, due_by)


def just_ended(program: Program, now: dt.datetime) -> list[tuple[Meeting, User]]:
    """People with no feedback yet on a session that has just ended: who gets the feedback request."""
    return _without_feedback(program, now - REQUEST_WINDOW, now)
