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
from portal.prepared import Prepared

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
    return _working_hours_of(program, user, user)[user.id]


# Both of a pair, on every offer of times: compiled once (portal/prepared.py).
_HOURS = Prepared(lambda program, first, second: (
    Answer.select(Answer.user, Question.key, Answer.value).join(Question)
    .where(Answer.program == program, Answer.user.in_([first, second]),
           Question.key.in_(["timezone", "working_hours"])).tuples()), 3)


def _working_hours_of(program: Program, *people: User) -> dict[int, WorkingHours]:
    """The working hours of one or two people (user id -> WorkingHours), in one statement."""
    answers: dict[int, dict] = {}
    for user_id, key, value in _HOURS.rows(program.id, people[0].id, people[-1].id):
        answers.setdefault(user_id, {})[key] = value
    return {person.id: _hours(answers.get(person.id, {}), person) for person in people}


def _hours(answers: dict, user: User) -> WorkingHours:
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


def _scheduled_overlapping(start, end) -> tuple:
    """The conditions for a scheduled session overlapping [start, end) (stored times, or placeholders for them)."""
    return Meeting.status == "scheduled", Meeting.starts_at < end, Meeting.ends_at > start


def sessions_between(user_ids: list[int], start: dt.datetime, end: dt.datetime, skip: int | None = None):
    """Scheduled portal sessions of any of these people overlapping [start, end), earliest first."""
    theirs = Match.select(Match.id).where(Match.mentor.in_(user_ids) | Match.mentee.in_(user_ids))
    query = Meeting.select().where(Meeting.match.in_(theirs), *_scheduled_overlapping(stored(start), stored(end)))
    if skip is not None:
        query = query.where(Meeting.id != skip)
    return query.order_by(Meeting.starts_at)


# Both of a pair, on every offer of times: compiled once. A session to skip of -1 skips none (ids start at 1).
_BUSY = Prepared(lambda first, second, start, end, skip: (
    Meeting.select(Meeting.starts_at, Meeting.ends_at, Match.mentor, Match.mentee).join(Match)
    .where(Match.mentor.in_([first, second]) | Match.mentee.in_([first, second]),
           *_scheduled_overlapping(start, end), Meeting.id != skip)
    .order_by(Meeting.starts_at).tuples()), 5)


def _portal_busy_of(people, start: dt.datetime, end: dt.datetime, skip: int | None) -> dict[int, list[Interval]]:
    """Each person's scheduled portal sessions overlapping [start, end) (user id -> intervals), in one statement."""
    ids = [person.id for person in people]
    found: dict[int, list[Interval]] = {user_id: [] for user_id in ids}
    rows = _BUSY.rows(ids[0], ids[-1], stored(start), stored(end), -1 if skip is None else skip)
    for starts_at, ends_at, mentor_id, mentee_id in rows:
        for user_id in {mentor_id, mentee_id} & found.keys():
            found[user_id].append(Interval(aware(starts_at), aware(ends_at)))
    return found


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
    people = (match.mentor, match.mentee)
    # Each kind for both people in one statement: this runs for every offer of times and every booking.
    all_hours = _working_hours_of(match.program, *people)
    all_busy = _portal_busy_of(people, start, end, skip)
    linked = connections.working_of(people)
    found = Availability(busy=[], hours=[])
    for person in people:
        hours = all_hours[person.id]
        intervals = all_busy[person.id]
        tentative: tuple = ()
        try:
            calendar = connections.busy_of(linked.get(person.id), start, end, hours.zone)
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
