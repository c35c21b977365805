"""When a pair can meet: working hours from the questionnaire, busy time from calendars and the portal, offers."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from calendar_sync.availability import check_proposal, free_slots
from calendar_sync.errors import CalendarError
from calendar_sync.model import Busy, Interval, SlotRules, WorkingHours
from portal import settings
from portal.calendars import connections
from portal.models import Answer, Match, Meeting, Program, Question, User

PER_DAY = 2  # offers on one day at most, so a week shows choice across days
STEP_MINUTES = 30
DEFAULT_HOURS = (9 * 60, 17 * 60)


def rules(program: Program) -> SlotRules:
    """The programme's booking rules: duration, buffers, notice and horizon from the settings."""
    buffer = dt.timedelta(minutes=settings.get(program, "meeting_buffer_minutes"))
    return SlotRules(
        duration=dt.timedelta(minutes=settings.get(program, "meeting_minutes")),
        buffer_before=buffer, buffer_after=buffer,
        min_notice=dt.timedelta(hours=settings.get(program, "meeting_notice_hours")),
        horizon_days=settings.get(program, "meeting_horizon_days"), per_day=PER_DAY,
        step=dt.timedelta(minutes=STEP_MINUTES),
    )


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def working_hours(program: Program, user: User) -> WorkingHours:
    """A person's working hours and zone from their answers (weekdays); 09:00-17:00 in their account's zone if unset."""
    keys = {q.id: q.key for q in Question.select().where(Question.program == program,
                                                          Question.key.in_(["timezone", "working_hours"]))}
    answers = {keys[a.question_id]: a.value for a in Answer.select().where(
        Answer.program == program, Answer.user == user, Answer.question.in_(list(keys)))}
    zone = answers.get("timezone") or user.timezone or "UTC"
    start, end = DEFAULT_HOURS
    value = answers.get("working_hours") or {}
    if value.get("start") and value.get("end") and _minutes(value["start"]) < _minutes(value["end"]):
        start, end = _minutes(value["start"]), _minutes(value["end"])
    try:
        return WorkingHours(zone=zone, start=start, end=end)
    except Exception:  # an unknown zone stored long ago must not stop booking
        return WorkingHours(zone="UTC", start=start, end=end)


def aware(moment: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) time as an aware one."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def stored(moment: dt.datetime) -> dt.datetime:
    """An aware time as the database keeps it: naive UTC."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def sessions_between(user_ids: list[int], start: dt.datetime, end: dt.datetime, skip: int | None = None):
    """Scheduled portal sessions of any of these people overlapping [start, end), earliest first."""
    theirs = Match.select(Match.id).where(Match.mentor.in_(user_ids) | Match.mentee.in_(user_ids))
    query = Meeting.select().where(Meeting.match.in_(theirs), Meeting.status == "scheduled",
                                   Meeting.starts_at < stored(end), Meeting.ends_at > stored(start))
    if skip is not None:
        query = query.where(Meeting.id != skip)
    return query.order_by(Meeting.starts_at)


def portal_busy(user: User, start: dt.datetime, end: dt.datetime, skip: int | None = None) -> list[Interval]:
    """The person's scheduled portal sessions overlapping [start, end): busy even without a connected calendar."""
    return [Interval(aware(m.starts_at), aware(m.ends_at)) for m in sessions_between([user.id], start, end, skip)]


@dataclass
class Availability:
    """Busy time of both people, and whose calendars could not be read (offers still come, marked)."""

    busy: list[Busy]
    hours: list[WorkingHours]
    read: list[str] = field(default_factory=list)  # names whose calendars were read
    unread: list[str] = field(default_factory=list)  # names whose calendar did not answer

    def zone_of(self, match: Match, person: User) -> str:
        """The time zone of the mentor or mentee, from the working hours already read."""
        return self.hours[0 if person.id == match.mentor_id else 1].zone


def availability(match: Match, start: dt.datetime, end: dt.datetime, skip: int | None = None) -> Availability:
    """Both people's busy time between start and end: their calendars where connected, and portal meetings."""
    program = match.program
    found = Availability(busy=[], hours=[])
    for person in (match.mentor, match.mentee):
        hours = working_hours(program, person)
        intervals = portal_busy(person, start, end, skip)
        tentative: tuple = ()
        try:
            calendar = connections.busy(person, start, end, hours.zone)
        except CalendarError:
            calendar = None
            found.unread.append(person.first_name)
        else:
            if calendar is not None:
                found.read.append(person.first_name)
                intervals += list(calendar.intervals)
                tentative = calendar.tentative
        found.busy.append(Busy(tuple(sorted(intervals, key=lambda i: i.start)), tentative))
        found.hours.append(hours)
    return found


def offers(match: Match, organizer: User, now: dt.datetime | None = None) -> tuple[list[Interval], Availability]:
    """Times both can meet over the programme's horizon, spread across days, in the organiser's zone."""
    now = now or dt.datetime.now(dt.UTC)
    slot_rules = rules(match.program)
    found = availability(match, now, now + dt.timedelta(days=slot_rules.horizon_days + 1))
    return free_slots(found.busy, found.hours, slot_rules, now, zone=found.zone_of(match, organizer)), found


def check(match: Match, start: dt.datetime, now: dt.datetime | None = None, skip: int | None = None):
    """Whether a time of the organiser's own suits both people (calendar_sync Verdict) and the end it gives."""
    now = now or dt.datetime.now(dt.UTC)
    slot_rules = rules(match.program)
    # In elapsed time: wall-clock arithmetic would make a session in a fall-back night's repeated hour an hour longer.
    end = (start.astimezone(dt.UTC) + slot_rules.duration).astimezone(start.tzinfo)
    found = availability(match, start - dt.timedelta(days=1), end + dt.timedelta(days=1), skip)
    return check_proposal(start, found.busy, found.hours, slot_rules, now), end
