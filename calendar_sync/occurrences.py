"""Busy time from iCalendar text, read in the calendar owner's time zone.

Each event occurrence is classified on the client: STATUS:CANCELLED never blocks, TRANSP:TRANSPARENT (and
Outlook's X-MICROSOFT-CDO-BUSYSTATUS FREE / WORKINGELSEWHERE) is free, STATUS:TENTATIVE (or CDO TENTATIVE) is
kept apart as tentative, everything else is busy. Overrides (RECURRENCE-ID) are judged on their own. All-day
(DATE) and floating times are read in the owner's zone, never as UTC.

Two readers give the same answer. The fast one (`fast_reader`) scans the text for the few properties busy time
needs and expands rules with `recurrence`. Anything it declines (an unknown TZID, RANGE, a PERIOD, lower-case
names, an unreadable rule) goes to the full reader here: icalendar + recurring-ical-events, some 50 times slower.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from calendar_sync.classify import BUSY, FREE, TENTATIVE, Occurrence, classify
from calendar_sync.fast_reader import Unsupported, read
from calendar_sync.model import Busy, Interval
from calendar_sync.zones import resolve

__all__ = ["BUSY", "FREE", "TENTATIVE", "Occurrence", "busy_from_ics", "classify", "component_occurrence", "merge",
           "occurrences", "reference_occurrences"]

log = logging.getLogger(__name__)

_SLACK = timedelta(days=1)  # DATE and floating values shift by up to a day between zones


def busy_from_ics(texts: Iterable[str], zone: str, start: datetime, end: datetime) -> Busy:
    """Busy and tentative time in [start, end) from calendar objects (one VCALENDAR text each) of one owner."""
    return merge(_all(texts, zone, start, end), start, end)


def occurrences(texts: Iterable[str], zone: str, start: datetime, end: datetime) -> list[Occurrence]:
    """Blocking occurrences overlapping [start, end) in these calendar objects; free and cancelled ones left out."""
    return [Occurrence._make(found) for found in _all(texts, zone, start, end)]


def _all(texts: Iterable[str], zone: str, start: datetime, end: datetime) -> list[tuple]:
    owner = resolve(zone)
    if owner is None:
        raise ValueError(f"unknown time zone {zone!r}")
    window = (start.timestamp(), end.timestamp())
    found: list[tuple] = []  # plain (start, end, kind, uid) tuples: a NamedTuple per occurrence costs more
    for text in texts:
        size = len(found)
        try:
            read(text, owner, window, found)
        except Unsupported:
            del found[size:]
            found.extend(reference_occurrences(text, owner, start, end))
    return found


def merge(found: Iterable[tuple], start: datetime, end: datetime) -> Busy:
    """Occurrences (start, end, kind, ...) -> Busy: clipped to [start, end), sorted and merged, kinds apart."""
    lo, hi = start.timestamp(), end.timestamp()
    spans: dict[str, list[tuple[float, float]]] = {BUSY: [], TENTATIVE: []}
    for occ in found:
        s, e = occ[0] if occ[0] > lo else lo, occ[1] if occ[1] < hi else hi
        if s < e and occ[2] in spans:
            spans[occ[2]].append((s, e))
    return Busy(intervals=_merged(spans[BUSY]), tentative=_merged(spans[TENTATIVE]))


def _merged(spans: list[tuple[float, float]]) -> tuple[Interval, ...]:
    spans.sort()
    out: list[list[float]] = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1][1] = e
        else:
            out.append([s, e])
    return tuple(Interval(datetime.fromtimestamp(s, UTC), datetime.fromtimestamp(e, UTC)) for s, e in out)


# --- the full reader -------------------------------------------------------------------------------------------

def reference_occurrences(text: str, owner: ZoneInfo, start: datetime, end: datetime) -> list[Occurrence]:
    """The full reader: icalendar parses, recurring-ical-events expands, `component_occurrence` classifies."""
    import icalendar
    import recurring_ical_events

    try:
        calendar = icalendar.Calendar.from_ical(text)
        lo, hi = start.astimezone(owner) - _SLACK, end.astimezone(owner) + _SLACK
        components = recurring_ical_events.of(calendar).between(lo, hi)
    except Exception as exc:  # one broken object must not hide the rest of a person's calendar
        log.warning("skipped a calendar object that could not be read: %s", exc)
        return []
    window = (start.timestamp(), end.timestamp())
    found = []
    for component in components:
        occ = component_occurrence(component, owner)
        if occ is not None and occ.start < window[1] and occ.end > window[0]:
            found.append(occ)
    return found


def component_occurrence(component, owner: ZoneInfo) -> Occurrence | None:
    """One expanded VEVENT (an icalendar component, as caldav's expand=True returns) -> a blocking Occurrence."""
    kind = classify(component.get("STATUS"), component.get("TRANSP"), component.get("X-MICROSOFT-CDO-BUSYSTATUS"))
    if kind in (None, FREE) or "DTSTART" not in component:
        return None
    begin = component.decoded("DTSTART")
    if "DTEND" in component:
        finish = component.decoded("DTEND")
    elif "DURATION" in component:
        finish = begin + component.decoded("DURATION")
    else:
        finish = begin + timedelta(days=1) if not isinstance(begin, datetime) else begin
    s, e = _component_instant(begin, owner), _component_instant(finish, owner)
    if e <= s:
        return None
    return Occurrence(s, e, kind, str(component.get("UID", "")))


def _component_instant(value: date | datetime, owner: ZoneInfo) -> float:
    if not isinstance(value, datetime):
        return datetime.combine(value, time(), owner).timestamp()
    if value.tzinfo is None:
        return value.replace(tzinfo=owner).timestamp()
    return value.timestamp()
