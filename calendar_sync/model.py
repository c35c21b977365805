"""Plain data the calendar library passes around: intervals, busy time, working hours, slot rules, meetings."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = frozenset(range(5))  # Monday (0) to Friday (4), as datetime.weekday() counts


def _aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")


def instant(value: datetime) -> float:
    """Epoch seconds of an aware datetime.

    Python compares and subtracts two datetimes of one zone by their wall clocks, fold ignored, so across a
    daylight-saving fall-back 02:45 (summer time) reads as later than the 02:15 (winter time) half an hour after it.
    """
    return value.timestamp()


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open span of time [start, end) between two aware datetimes (compared as instants, see `instant`)."""

    start: datetime
    end: datetime

    def __post_init__(self):
        _aware(self.start, "start")
        _aware(self.end, "end")
        if instant(self.end) < instant(self.start):
            raise ValueError(f"interval ends before it starts: {self.start} > {self.end}")

    def overlaps(self, other: Interval) -> bool:
        return instant(self.start) < instant(other.end) and instant(other.start) < instant(self.end)

    @property
    def duration(self) -> timedelta:
        return timedelta(seconds=instant(self.end) - instant(self.start))


@dataclass(frozen=True, slots=True)
class Busy:
    """One person's busy time: firm commitments and, apart, tentative ones (each sorted and merged)."""

    intervals: tuple[Interval, ...] = ()
    tentative: tuple[Interval, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "intervals", tuple(self.intervals))
        object.__setattr__(self, "tentative", tuple(self.tentative))


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """When a person takes meetings: minutes after local midnight on the given weekdays, in their zone."""

    zone: str
    start: int = 9 * 60
    end: int = 17 * 60
    weekdays: frozenset[int] = WEEKDAYS

    def __post_init__(self):
        ZoneInfo(self.zone)  # an unknown zone fails here, not in the middle of a slot search
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        if not 0 <= self.start < self.end <= 24 * 60:
            raise ValueError(f"working hours need 0 <= start < end <= 1440 minutes, got {self.start}-{self.end}")
        if not self.weekdays <= set(range(7)):
            raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), got {sorted(self.weekdays)}")


@dataclass(frozen=True, slots=True)
class SlotRules:
    """How meeting offers are cut from free time."""

    duration: timedelta = timedelta(minutes=60)
    buffer_before: timedelta = timedelta(0)  # free time needed before the meeting
    buffer_after: timedelta = timedelta(0)  # free time needed after it
    min_notice: timedelta = timedelta(hours=24)  # earliest start is now + this
    horizon_days: int = 21  # latest end is now + this many days
    per_day: int | None = 3  # at most this many offers on one day (None: all)
    step: timedelta = timedelta(minutes=30)  # offers start on this grid from the start of working hours
    tentative_blocks: bool = True  # a tentative event makes its time busy

    def __post_init__(self):
        for name in ("duration", "step"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"{name} must be positive")
        for name in ("buffer_before", "buffer_after", "min_notice"):
            if getattr(self, name) < timedelta(0):
                raise ValueError(f"{name} must not be negative")
        if self.horizon_days < 0 or (self.per_day is not None and self.per_day < 1):
            raise ValueError("horizon_days must be >= 0 and per_day >= 1 (or None)")


@dataclass(frozen=True, slots=True)
class Person:
    """Someone on an invite: an email address and a display name."""

    email: str
    name: str = ""


CONFIRMED, CANCELLED = "CONFIRMED", "CANCELLED"


@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting the portal owns: it keeps the UID and counts SEQUENCE itself."""

    uid: str
    summary: str
    start: datetime
    end: datetime
    zone: str  # the time zone the invite is written in (the organiser's, usually)
    organizer: Person
    attendees: tuple[Person, ...] = ()
    sequence: int = 0
    location: str = ""  # a place or a meeting link
    description: str = ""
    agenda_url: str = ""
    feedback_url: str = ""
    status: str = CONFIRMED

    def __post_init__(self):
        _aware(self.start, "start")
        _aware(self.end, "end")
        ZoneInfo(self.zone)
        object.__setattr__(self, "attendees", tuple(self.attendees))
        if instant(self.end) <= instant(self.start):
            raise ValueError("a meeting must end after it starts")
        if self.status not in (CONFIRMED, CANCELLED):
            raise ValueError(f"status is {CONFIRMED} or {CANCELLED}, got {self.status!r}")

    def rescheduled(self, start: datetime, end: datetime, **changes) -> Meeting:
        """The same meeting (same UID) at a new time, one SEQUENCE later."""
        return dataclasses.replace(self, start=start, end=end, sequence=self.sequence + 1, **changes)

    def cancelled(self) -> Meeting:
        """The same meeting marked cancelled, one SEQUENCE later."""
        return dataclasses.replace(self, status=CANCELLED, sequence=self.sequence + 1)
