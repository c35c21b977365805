"""Follow-ups that time raises: pairs with no first session, pairs that stopped meeting, mentees still unpaired.

Each kind is one INSERT ... SELECT per programme, whatever the number of pairs, ignoring sources already flagged, so
running it again raises nothing new; flags whose cause has gone (the pair booked a session) are withdrawn the same way.
"""
from __future__ import annotations

import datetime as dt

from peewee import Value, fn

from portal.db import database
from portal.models import CalendarConnection, FollowUp, Match, Meeting, Participant, Program, utcnow

FIRST_SESSION_DAYS = 14  # a pair should have booked its first session two weeks after matching
QUIET_DAYS = 45  # the target is one to one and a half sessions a month
UNPAIRED_DAYS = 7  # the first week of pairing: mentees still unpaired after it are worth a call
COLUMNS = [FollowUp.program, FollowUp.match, FollowUp.user, FollowUp.reason, FollowUp.source, FollowUp.details,
           FollowUp.created_at, FollowUp.resolution]


def _source(prefix: str, *ids) -> object:
    """`prefix:id[:id]` built in SQL, the same on SQLite and PostgreSQL."""
    expression = Value(f"{prefix}:").concat(ids[0].cast("TEXT"))
    for more in ids[1:]:
        expression = expression.concat(":").concat(more.cast("TEXT"))
    return expression


def _insert(query) -> int:
    """Store the rows the query selects, skipping sources flagged before; how many were new."""
    # PostgreSQL ignores only the unique source here; SQLite's OR IGNORE would also hide a missing column, which the
    # tests on PostgreSQL catch.
    before = FollowUp.select().count()
    FollowUp.insert_from(query, COLUMNS).on_conflict_ignore().execute()
    return FollowUp.select().count() - before


def _booked(match_column):
    """Scheduled sessions of the pair in `match_column`."""
    return Meeting.select(Meeting.id).where(Meeting.match == match_column, Meeting.status == "scheduled")


def no_first_session(program: Program, now: dt.datetime) -> int:
    """Flag active pairs matched two weeks ago or more that have booked no session."""
    query = (Match.select(Match.program, Match.id, Match.mentee, Value("no_first_session"),
                          _source("no_first_session", Match.id),
                          Value(f"Matched {FIRST_SESSION_DAYS} days or more ago and no session booked yet."),
                          Value(now), Value(""))
             .where(Match.program == program, Match.ended_at.is_null(),
                    Match.started_at <= now - dt.timedelta(days=FIRST_SESSION_DAYS), ~fn.EXISTS(_booked(Match.id))))
    return _insert(query)


def quiet(program: Program, now: dt.datetime) -> int:
    """Flag active pairs whose latest session, held or booked, was 45 days ago or more: once per quiet spell."""
    latest = (Meeting.select(Meeting.match.alias("match_id"), fn.MAX(Meeting.id).alias("last_id"))
              .where(Meeting.status == "scheduled").group_by(Meeting.match)
              .having(fn.MAX(Meeting.starts_at) <= now - dt.timedelta(days=QUIET_DAYS)).alias("latest"))
    query = (Match.select(Match.program, Match.id, Match.mentee, Value("quiet"),
                          _source("quiet", Match.id, latest.c.last_id),
                          Value(f"No session for {QUIET_DAYS} days and none booked."), Value(now), Value(""))
             .join(latest, on=(latest.c.match_id == Match.id))
             .where(Match.program == program, Match.ended_at.is_null()))
    return _insert(query)


def _active_match(program: Program, user_column):
    return Match.select(Match.id).where(Match.program == program, Match.mentee == user_column,
                                        Match.ended_at.is_null())


def unpaired(program: Program, now: dt.datetime) -> int:
    """Flag mentees taking part and without a pair a week after pairing opened (and a week after they joined)."""
    if now.date() < program.pairing_opens + dt.timedelta(days=UNPAIRED_DAYS):
        return 0
    query = (Participant.select(Participant.program, Value(None), Participant.user, Value("unpaired"),
                                _source("unpaired", Participant.id),
                                Value(f"Still unpaired {UNPAIRED_DAYS} days after pairing opened."), Value(now),
                                Value(""))
             .where(Participant.program == program, Participant.role == "mentee", Participant.status != "exited",
                    # Someone who joined late gets a week of their own before anyone calls.
                    Participant.joined_at <= now - dt.timedelta(days=UNPAIRED_DAYS),
                    ~fn.EXISTS(_active_match(program, Participant.user))))
    return _insert(query)


def withdraw_settled(now: dt.datetime) -> int:
    """Drop open flags whose cause is gone: a session booked, a pair meeting again or ended, a mentee paired or
    gone, a calendar working again or a session synced or cancelled."""
    still_open = FollowUp.resolved_at.is_null()
    ended = Match.select(Match.id).where(Match.ended_at.is_null(False))
    recent = Meeting.select(Meeting.match).where(
        Meeting.status == "scheduled", Meeting.starts_at > now - dt.timedelta(days=QUIET_DAYS))
    paired = Match.select(Match.mentee).where(Match.program == FollowUp.program, Match.ended_at.is_null(),
                                              Match.mentee == FollowUp.user)
    gone = Participant.select(Participant.user).where(Participant.program == FollowUp.program,
                                                      Participant.status == "exited", Participant.role == "mentee")
    broken = CalendarConnection.select(CalendarConnection.user).where(CalendarConnection.status == "broken")
    settled = Meeting.select(Meeting.id).where(
        _source("calendar_sync", Meeting.id, Meeting.sequence) == FollowUp.source,
        (Meeting.sync_state == "synced") | (Meeting.status == "cancelled"))
    rules = (
        ((FollowUp.reason == "no_first_session") & (fn.EXISTS(_booked(FollowUp.match)) | FollowUp.match.in_(ended)))
        | ((FollowUp.reason == "quiet") & (FollowUp.match.in_(recent) | FollowUp.match.in_(ended)))
        | ((FollowUp.reason == "unpaired") & (fn.EXISTS(paired) | FollowUp.user.in_(gone)))
        | ((FollowUp.reason == "calendar_broken") & FollowUp.user.not_in(broken))
        | ((FollowUp.reason == "calendar_sync") & fn.EXISTS(settled))
    )
    return FollowUp.delete().where(still_open & rules).execute()


def sweep(now: dt.datetime | None = None) -> int:
    """Raise what time has made due in every current programme and withdraw what settled; how many were raised."""
    now = now or utcnow()
    raised = 0
    with database.atomic():
        withdraw_settled(now)
        for program in Program.select().where(~Program.archived):
            raised += no_first_session(program, now) + quiet(program, now) + unpaired(program, now)
    return raised
