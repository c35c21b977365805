"""Meeting offers from busy time and working hours: pure computation, no I/O.

Times are epoch seconds in numpy arrays inside; every person's working hours are turned into windows in their own
zone (so a daylight-saving change moves nothing), the windows of all people are intersected, candidate starts are
laid on a `step` grid from the start of each shared window, and a candidate survives when no busy interval,
widened by the buffers, overlaps it (a sorted merge and `searchsorted`, not a loop over pairs).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from calendar_sync.model import Busy, Interval, SlotRules, WorkingHours

TOO_SOON, BEYOND_HORIZON, OUTSIDE_HOURS, BUSY, TENTATIVE = (
    "too_soon", "beyond_horizon", "outside_working_hours", "busy", "tentative")


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a proposed time works; if not, why (one of the reason constants) and for whom (index)."""

    ok: bool
    reason: str | None = None
    person: int | None = None  # index into the busy / hours sequences the caller passed


def free_slots(busy: Sequence[Busy], hours: Sequence[WorkingHours], rules: SlotRules, now: datetime,
               *, zone: str | None = None) -> list[Interval]:
    """Offers for a meeting of everyone whose busy time and working hours are given, in time order.

    `now` is aware. Offers start at or after now + min_notice, end by now + horizon_days, and at most
    `rules.per_day` fall on one day of `zone` (default: the first person's), spread over that day's free starts.
    """
    if not hours:
        raise ValueError("free_slots needs the working hours of at least one person")
    viewer = ZoneInfo(zone or hours[0].zone)
    earliest, latest = _bounds(now, rules)
    windows = shared_windows(hours, earliest, latest)
    if not len(windows):
        return []
    length, step = rules.duration.total_seconds(), rules.step.total_seconds()
    starts = _grid(windows, length, step)
    starts = starts[(starts >= earliest) & (starts + length <= latest)]
    blocked = _blocked(busy, rules)
    starts = starts[_free(starts, starts + length, blocked)]
    return _spread(starts, length, rules.per_day, viewer)


def check_proposal(start: datetime, busy: Sequence[Busy], hours: Sequence[WorkingHours], rules: SlotRules,
                   now: datetime, *, end: datetime | None = None) -> Verdict:
    """Whether a custom time suits everyone: notice, horizon, each person's working hours, then busy time."""
    # Elapsed time, not wall-clock arithmetic: 02:45 plus 30 minutes on a fall-back night is the second 02:15.
    s = start.timestamp()
    e = end.timestamp() if end is not None else s + rules.duration.total_seconds()
    if e <= s:
        raise ValueError("a proposal must end after it starts")
    earliest, latest = _bounds(now, rules)
    if s < earliest:
        return Verdict(False, TOO_SOON)
    if e > latest:
        return Verdict(False, BEYOND_HORIZON)
    for person, person_hours in enumerate(hours):
        windows = working_windows(person_hours, s, e)
        if not ((windows[:, 0] <= s) & (windows[:, 1] >= e)).any():
            return Verdict(False, OUTSIDE_HOURS, person)
    starts, ends = np.array([s]), np.array([e])
    for person, person_busy in enumerate(busy):
        if not _free(starts, ends, _blocked([Busy(person_busy.intervals)], rules))[0]:
            return Verdict(False, BUSY, person)
        if rules.tentative_blocks and not _free(starts, ends, _blocked([Busy(person_busy.tentative)], rules))[0]:
            return Verdict(False, TENTATIVE, person)
    return Verdict(True)


def _bounds(now: datetime, rules: SlotRules) -> tuple[float, float]:
    """The earliest start and latest end of an offer (epoch seconds), counted in elapsed time from `now`."""
    moment = now.timestamp()
    return (moment + rules.min_notice.total_seconds(),
            moment + timedelta(days=rules.horizon_days).total_seconds())


def working_windows(hours: WorkingHours, lo: float, hi: float) -> np.ndarray:
    """Working windows (n x 2 epoch seconds) touching [lo, hi], computed day by day in the person's zone."""
    tz = ZoneInfo(hours.zone)
    day = datetime.fromtimestamp(lo, tz).date() - timedelta(days=1)
    last = datetime.fromtimestamp(hi, tz).date() + timedelta(days=1)
    rows = []
    while day <= last:
        if day.weekday() in hours.weekdays:
            rows.append((_local(day, hours.start, tz), _local(day, hours.end, tz)))
        day += timedelta(days=1)
    return np.array(rows, dtype=np.float64).reshape(-1, 2)


def shared_windows(hours: Sequence[WorkingHours], lo: float, hi: float) -> np.ndarray:
    """The times inside everyone's working hours, as sorted disjoint windows (n x 2 epoch seconds)."""
    shared = working_windows(hours[0], lo, hi)
    for other in hours[1:]:
        shared = _intersect(shared, working_windows(other, lo, hi))
    return shared


def _local(day: date, minutes: int, tz: ZoneInfo) -> float:
    """Epoch seconds of `minutes` after midnight on `day` in `tz` (1440 is the next midnight)."""
    if minutes >= 24 * 60:
        return datetime.combine(day + timedelta(days=1), time(), tz).timestamp()
    return datetime.combine(day, time(minutes // 60, minutes % 60), tz).timestamp()


def _intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection of two sorted lists of disjoint windows (a two-pointer walk; a few dozen rows each)."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        s, e = max(a[i, 0], b[j, 0]), min(a[i, 1], b[j, 1])
        if s < e:
            out.append((s, e))
        if a[i, 1] < b[j, 1]:
            i += 1
        else:
            j += 1
    return np.array(out, dtype=np.float64).reshape(-1, 2)


def _grid(windows: np.ndarray, length: float, step: float) -> np.ndarray:
    """Candidate starts: every `step` from the start of each window while the meeting still fits."""
    counts = np.floor((windows[:, 1] - windows[:, 0] - length) / step).astype(np.int64) + 1
    counts = np.maximum(counts, 0)
    if not counts.sum():
        return np.empty(0)
    base = np.repeat(windows[:, 0], counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    return base + (np.arange(counts.sum()) - first) * step


def _blocked(busy: Sequence[Busy], rules: SlotRules) -> np.ndarray:
    """Everyone's busy time, widened so that a meeting touching it would break a buffer, sorted and merged."""
    spans = [(i.start.timestamp(), i.end.timestamp()) for person in busy for i in person.intervals]
    if rules.tentative_blocks:
        spans += [(i.start.timestamp(), i.end.timestamp()) for person in busy for i in person.tentative]
    if not spans:
        return np.empty((0, 2))
    arr = np.array(spans, dtype=np.float64)
    # A meeting needs buffer_after free after it, so busy time starting then counts from buffer_after earlier.
    arr[:, 0] -= rules.buffer_after.total_seconds()
    arr[:, 1] += rules.buffer_before.total_seconds()
    arr = arr[np.argsort(arr[:, 0], kind="stable")]
    ends = np.maximum.accumulate(arr[:, 1])
    new = np.empty(len(arr), dtype=bool)
    new[0] = True
    new[1:] = arr[1:, 0] > ends[:-1]
    group_end = np.append(np.flatnonzero(new)[1:] - 1, len(arr) - 1)
    return np.column_stack((arr[new, 0], ends[group_end]))


def _free(starts: np.ndarray, ends: np.ndarray, blocked: np.ndarray) -> np.ndarray:
    """For each [start, end): True when it overlaps no blocked window."""
    if not len(blocked):
        return np.ones(len(starts), dtype=bool)
    idx = np.searchsorted(blocked[:, 1], starts, side="right")  # first block ending after the start
    hit = idx < len(blocked)
    hit[hit] = blocked[idx[hit], 0] < ends[hit]
    return ~hit


def _spread(starts: np.ndarray, length: float, per_day: int | None, viewer: ZoneInfo) -> list[Interval]:
    """At most `per_day` offers per day of `viewer`, spread evenly over the day's free starts."""
    chosen: list[float] = []
    days = [datetime.fromtimestamp(s, viewer).date() for s in starts]
    i = 0
    while i < len(starts):
        j = i
        while j < len(starts) and days[j] == days[i]:
            j += 1
        count = j - i
        if per_day is None or count <= per_day:
            chosen.extend(starts[i:j])
        else:
            picks = np.unique(np.round(np.linspace(0, count - 1, per_day)).astype(int))
            chosen.extend(starts[i + picks])
        i = j
    return [Interval(datetime.fromtimestamp(s, viewer), datetime.fromtimestamp(s + length, viewer)) for s in chosen]
