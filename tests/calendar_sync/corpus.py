"""Realistic calendar objects, as a CalDAV server hands them out: one VCALENDAR per event series, with VTIMEZONEs.

Used by the reader tests (fast reader == full reader on every object) and by bench/availability.py.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

UTC = ZoneInfo("UTC")
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
OTHER_ZONES = ("America/New_York", "Europe/Berlin", "Asia/Kolkata", "America/Los_Angeles")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")


def vcalendar(*events: str) -> str:
    """A calendar object from hand-written VEVENT bodies (indentation of continuation lines is dropped)."""
    body = "".join(f"BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n{_lines(e)}\r\nEND:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//EN\r\n{body}END:VCALENDAR\r\n"


def _lines(text: str) -> str:
    return "\r\n".join(line.strip() for line in text.strip().splitlines())


def _calendar(events: list[Event], around: date) -> str:
    calendar = Calendar.new(prodid="-//calendar_sync tests//corpus//EN")
    for event in events:
        calendar.add_component(event)
    # Compact VTIMEZONEs, as Apple Calendar and Thunderbird write them.
    calendar.add_missing_timezones(first_date=around - timedelta(days=400), last_date=around + timedelta(days=400))
    return calendar.to_ical().decode()


def calendar_objects(count: int, zone: str, start: datetime, *, seed: int = 0, weeks: int = 4,
                     recurring_share: float = 1 / 3, unusual: bool = True,
                     span: tuple[int, int] | None = None) -> list[str]:
    """`count` calendar objects of one owner around [start, start + weeks); about `recurring_share` recurring.

    `span`: the days (relative to start) over which events and series starts are spread; by default the window
    and two days either side, as a time-range query returns them; wider for a whole calendar feed. `unusual` adds
    rarer shapes (monthly rules, RDATE, Windows zone names).
    """
    span = span or (-2, weeks * 7 + 2)
    rnd = random.Random(seed)
    owner = ZoneInfo(zone)
    first_day = start.astimezone(owner).date()
    texts = []
    for i in range(count):
        uid = f"{seed}-{i}@corpus.example"
        if rnd.random() < recurring_share:
            texts.append(_calendar(_series(rnd, uid, owner, first_day, span, unusual), first_day))
        else:
            texts.append(_calendar([_single(rnd, uid, owner, first_day, span, unusual)], first_day))
        if unusual and "Europe/Berlin" in texts[-1] and rnd.random() < 0.5:  # as Outlook names zones
            texts[-1] = texts[-1].replace("Europe/Berlin", "W. Europe Standard Time")
    return texts


def _when(rnd: random.Random, owner: ZoneInfo, day: date) -> tuple[datetime, datetime]:
    at = datetime(day.year, day.month, day.day, rnd.randrange(7, 19), rnd.choice((0, 15, 30, 45)), tzinfo=owner)
    return at, at + timedelta(minutes=rnd.choice((15, 30, 45, 60, 60, 90, 120)))


def _decorate(rnd: random.Random, event: Event) -> Event:
    roll = rnd.random()
    if roll < 0.08:
        event.add("TRANSP", "TRANSPARENT")
    elif roll < 0.16:
        event.add("STATUS", "TENTATIVE")
    elif roll < 0.2:
        event.add("STATUS", "CANCELLED")
    elif roll < 0.5:
        event.add("STATUS", "CONFIRMED")
    if rnd.random() < 0.3:
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", "Reminder")
        alarm.add("TRIGGER", timedelta(minutes=-15))
        alarm.add("DURATION", timedelta(hours=5))  # a lookalike the reader must not take for the event's
        alarm.add("REPEAT", 1)
        event.add_component(alarm)
    return event


def _single(rnd: random.Random, uid: str, owner: ZoneInfo, first_day: date, span: tuple[int, int],
            unusual: bool) -> Event:
    day = first_day + timedelta(days=rnd.randrange(*span))
    roll = rnd.random()
    if roll < 0.03:  # all day, one to three days
        event = Event.new(uid=uid, summary="Away", stamp=STAMP, start=day,
                          end=day + timedelta(days=rnd.choice((1, 1, 2, 3))))
    else:
        begin, finish = _when(rnd, owner, day)
        if roll < 0.2:  # written in another zone, as an invite from abroad is
            other = ZoneInfo(rnd.choice(OTHER_ZONES))
            begin, finish = begin.astimezone(other), finish.astimezone(other)
        elif roll < 0.28:
            begin, finish = begin.astimezone(UTC), finish.astimezone(UTC)
        elif roll < 0.32:  # floating: read in the owner's zone
            begin, finish = begin.replace(tzinfo=None), finish.replace(tzinfo=None)
        event = Event.new(uid=uid, summary=f"Meeting {uid}", stamp=STAMP, start=begin)
        if rnd.random() < 0.25:
            event.add("DURATION", finish - begin)
        else:
            event.add("DTEND", finish)
    return _decorate(rnd, event)


def _series(rnd: random.Random, uid: str, owner: ZoneInfo, first_day: date, span: tuple[int, int],
            unusual: bool) -> list[Event]:
    back = rnd.choice((0, 7, 30, 120, 400))  # long-running series started well before the window
    day = first_day + timedelta(days=rnd.randrange(span[0] - back - 1, span[1] - 2))
    roll = rnd.random()
    all_day = roll < 0.03
    if all_day:
        begin, finish = day, day + timedelta(days=1)
    else:
        begin, finish = _when(rnd, owner, day)
    if roll < 0.45:
        extra = rnd.sample(WEEKDAYS, rnd.choice((0, 0, 0, 1, 2)))
        days = sorted(set(extra) | {("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday()]})
        rule = {"FREQ": "WEEKLY", "BYDAY": days}
    elif roll < 0.62:
        rule = {"FREQ": "WEEKLY", "INTERVAL": 2}
    elif roll < 0.7:
        rule = {"FREQ": "DAILY"}
    elif roll < 0.9 or not unusual:
        rule = {"FREQ": "WEEKLY"}
    else:
        nth = (day.day - 1) // 7 + 1  # "the second Tuesday"
        weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday()]
        rule = {"FREQ": "MONTHLY", "BYDAY": f"{nth if nth < 5 else -1}{weekday}"}
    ending = rnd.random()
    if ending < 0.25:
        rule["COUNT"] = rnd.randrange(3, 30)
    elif ending < 0.45:
        until = finish + timedelta(days=rnd.randrange(7, 60))
        rule["UNTIL"] = until if all_day else until.astimezone(UTC)
    master = Event.new(uid=uid, summary=f"Series {uid}", stamp=STAMP, start=begin, end=finish)
    master.add("RRULE", rule)
    occurrences = _occurrence_starts(begin, rule, 12)
    if len(occurrences) > 3 and rnd.random() < 0.3:
        for gone in rnd.sample(occurrences[1:], 2):
            master.add("EXDATE", gone)
    if unusual and not all_day and rnd.random() < 0.05:
        master.add("RDATE", begin + timedelta(days=3, hours=1))
    _decorate(rnd, master)
    components = [master]
    if len(occurrences) > 4 and rnd.random() < 0.3:
        moved = occurrences[rnd.randrange(1, len(occurrences))]
        if rnd.random() < 0.5:  # one occurrence cancelled
            override = Event.new(uid=uid, summary="Cancelled once", stamp=STAMP, recurrence_id=moved,
                                 start=moved, end=moved + (finish - begin), status="CANCELLED")
        else:  # one occurrence moved, and maybe made free
            shift = timedelta(days=1) if all_day else timedelta(hours=rnd.choice((-3, 2, 26)))
            override = Event.new(uid=uid, summary="Moved once", stamp=STAMP, recurrence_id=moved,
                                 start=moved + shift, end=moved + shift + (finish - begin))
            if rnd.random() < 0.3:
                override.add("TRANSP", "TRANSPARENT")
        components.append(override)
    return components


def _occurrence_starts(begin, rule: dict, limit: int) -> list:
    """A few early occurrence starts of a simple rule (for EXDATEs and overrides that hit real occurrences)."""
    from dateutil.rrule import rrulestr

    text = ";".join(f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in rule.items() if k != "UNTIL")
    if isinstance(begin, datetime):
        naive = begin.replace(tzinfo=None)
        return [m.replace(tzinfo=begin.tzinfo) for m in rrulestr(text, dtstart=naive)[:limit]]
    starts = rrulestr(text, dtstart=datetime(begin.year, begin.month, begin.day))[:limit]
    return [m.date() for m in starts]
