"""Busy time from iCalendar text: each rule of the issue, through both readers, and the fast reader against the
full one (icalendar + recurring-ical-events) on a corpus of realistic calendar objects."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from calendar_sync import fast_reader, occurrences, recurrence
from calendar_sync.occurrences import BUSY, TENTATIVE
from tests.calendar_sync.corpus import calendar_objects, vcalendar

LONDON, LA = ZoneInfo("Europe/London"), ZoneInfo("America/Los_Angeles")
UTC = ZoneInfo("UTC")
START = datetime(2026, 3, 16, tzinfo=LONDON)  # a Monday; London changes to summer time on Sunday 29 March
END = START + timedelta(weeks=4)


def read(text: str, reader: str, zone: ZoneInfo = LONDON, start: datetime = START, end: datetime = END):
    """(start, end, kind) of each blocking occurrence, as aware datetimes in `zone`, sorted."""
    if reader == "fast":
        found = occurrences.occurrences([text], str(zone), start, end)
    else:
        found = occurrences.reference_occurrences(text, zone, start, end)
    return sorted((datetime.fromtimestamp(o.start, zone), datetime.fromtimestamp(o.end, zone), o.kind) for o in found)


readers = pytest.mark.parametrize("reader", ["fast", "full"])


@readers
def test_a_weekly_event_blocks_every_occurrence(reader):
    text = vcalendar("""UID:weekly
    DTSTART;TZID=Europe/London:20260302T100000
    DTEND;TZID=Europe/London:20260302T110000
    RRULE:FREQ=WEEKLY""")
    found = read(text, reader)
    assert [s for s, _, _ in found] == [datetime(2026, 3, d, 10, tzinfo=LONDON) for d in (16, 23, 30)] + [
        datetime(2026, 4, 6, 10, tzinfo=LONDON)]
    assert all(e - s == timedelta(hours=1) and kind == BUSY for s, e, kind in found)


@readers
def test_a_weekly_nine_oclock_stays_at_nine_local_across_the_clock_change(reader):
    text = vcalendar("""UID:dst
    DTSTART;TZID=Europe/London:20260323T090000
    DURATION:PT30M
    RRULE:FREQ=WEEKLY;COUNT=3""")
    found = read(text, reader)
    assert [s.time().hour for s, _, _ in found] == [9, 9, 9]
    assert [s.utcoffset() for s, _, _ in found] == [timedelta(0), timedelta(hours=1), timedelta(hours=1)]


@readers
def test_transparent_does_not_block_and_tentative_is_kept_apart(reader):
    text = vcalendar("""UID:free
    DTSTART;TZID=Europe/London:20260317T100000
    DTEND;TZID=Europe/London:20260317T110000
    TRANSP:TRANSPARENT""", """UID:maybe
    DTSTART;TZID=Europe/London:20260318T100000
    DTEND;TZID=Europe/London:20260318T110000
    STATUS:TENTATIVE""", """UID:outlook-free
    DTSTART;TZID=Europe/London:20260319T100000
    DTEND;TZID=Europe/London:20260319T110000
    X-MICROSOFT-CDO-BUSYSTATUS:FREE""")
    assert read(text, reader) == [(datetime(2026, 3, 18, 10, tzinfo=LONDON), datetime(2026, 3, 18, 11, tzinfo=LONDON),
                                   TENTATIVE)]


@readers
def test_an_all_day_event_blocks_that_day_in_the_owners_zone(reader):
    text = vcalendar("""UID:away
    DTSTART;VALUE=DATE:20260318
    DTEND;VALUE=DATE:20260319""")
    [(start, end, kind)] = read(text, reader, zone=LA)
    assert (start, end) == (datetime(2026, 3, 18, tzinfo=LA), datetime(2026, 3, 19, tzinfo=LA))
    assert start.astimezone(UTC).hour == 7  # not 17:00 the evening before, as reading the DATE as UTC would give


@readers
def test_cancelled_and_moved_occurrences(reader):
    text = vcalendar("""UID:series
    DTSTART;TZID=Europe/London:20260316T150000
    DTEND;TZID=Europe/London:20260316T160000
    RRULE:FREQ=WEEKLY;COUNT=4
    EXDATE;TZID=Europe/London:20260406T150000""", """UID:series
    RECURRENCE-ID;TZID=Europe/London:20260323T150000
    DTSTART;TZID=Europe/London:20260323T150000
    DTEND;TZID=Europe/London:20260323T160000
    STATUS:CANCELLED""", """UID:series
    RECURRENCE-ID;TZID=Europe/London:20260330T150000
    DTSTART;TZID=Europe/London:20260331T090000
    DTEND;TZID=Europe/London:20260331T100000""")
    assert [s for s, _, _ in read(text, reader)] == [datetime(2026, 3, 16, 15, tzinfo=LONDON),
                                                      datetime(2026, 3, 31, 9, tzinfo=LONDON)]


@readers
def test_floating_times_are_read_in_the_owners_zone_and_alarms_are_not_events(reader):
    text = vcalendar("""UID:floating
    DTSTART:20260317T090000
    DTEND:20260317T093000
    BEGIN:VALARM
    ACTION:DISPLAY
    DESCRIPTION:Soon
    TRIGGER:-PT15M
    DURATION:PT5H
    REPEAT:1
    END:VALARM""")
    assert read(text, reader, zone=LA) == [(datetime(2026, 3, 17, 9, tzinfo=LA),
                                            datetime(2026, 3, 17, 9, 30, tzinfo=LA), BUSY)]


@readers
def test_windows_zone_names_and_utc_times(reader):
    text = vcalendar("""UID:outlook
    DTSTART;TZID=W. Europe Standard Time:20260317T090000
    DTEND;TZID=W. Europe Standard Time:20260317T100000""", """UID:utc
    DTSTART:20260318T090000Z
    DTEND:20260318T100000Z""", """UID:quoted
    DTSTART;X-NOTE="a: b";TZID="America/New_York":20260319T090000
    DTEND;TZID="America/New_York":20260319T100000""")
    assert [s.astimezone(UTC).hour for s, _, _ in read(text, reader)] == [8, 9, 13]


def test_a_broken_object_is_skipped_and_the_rest_still_counts(caplog):
    good = vcalendar("""UID:ok
    DTSTART;TZID=Europe/London:20260317T090000
    DTEND;TZID=Europe/London:20260317T100000""")
    broken = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Nowhere/Atlantis:2026\r\nEND:VEVENT\r\n"
    busy = occurrences.busy_from_ics([broken, good], "Europe/London", START, END)
    assert [i.start for i in busy.intervals] == [datetime(2026, 3, 17, 9, tzinfo=LONDON)]
    assert "could not be read" in caplog.text


def test_busy_from_ics_merges_overlaps_and_clips_to_the_window():
    text = vcalendar("""UID:a
    DTSTART;TZID=Europe/London:20260315T230000
    DTEND;TZID=Europe/London:20260316T010000""", """UID:b
    DTSTART;TZID=Europe/London:20260316T003000
    DTEND;TZID=Europe/London:20260316T020000""")
    busy = occurrences.busy_from_ics([text], "Europe/London", START, END)
    assert [(i.start, i.end) for i in busy.intervals] == [(START, datetime(2026, 3, 16, 2, tzinfo=LONDON))]


@pytest.mark.parametrize(("zone", "seed"), [("Europe/London", 1), ("America/New_York", 2), ("Asia/Kolkata", 3)])
def test_the_fast_reader_agrees_with_the_full_reader_on_realistic_calendars(zone, seed):
    owner = ZoneInfo(zone)
    start = START.astimezone(owner)
    end = start + timedelta(weeks=4)
    texts = calendar_objects(120, zone, start, seed=seed)
    window = (start.timestamp(), end.timestamp())
    compared = 0
    for text in texts:
        found = []
        fast_reader.read(text, owner, window, found)  # raises if it would hand the object to the full reader
        fast = sorted(o[:3] for o in found)
        full = sorted((o.start, o.end, o.kind) for o in occurrences.reference_occurrences(text, owner, start, end))
        assert fast == full, text
        compared += len(full)
    assert compared > 100  # the corpus really has occurrences in the window


def _random_rule(rnd: random.Random) -> tuple[str, datetime]:
    first = datetime(2026, rnd.randint(1, 12), rnd.randint(1, 28), rnd.randint(0, 23), rnd.choice((0, 30)))
    freq = rnd.choice(("DAILY", "WEEKLY", "MONTHLY"))
    parts = [f"FREQ={freq}"]
    if rnd.random() < 0.4:
        parts.append(f"INTERVAL={rnd.randint(1, 3)}")
    names = list(recurrence.DAYS)
    if freq == "WEEKLY" and rnd.random() < 0.6:
        days = set(rnd.sample(names, rnd.randint(1, 4))) | {names[first.weekday()]}
        parts.append("BYDAY=" + ",".join(sorted(days)))
        if rnd.random() < 0.3:
            parts.append("WKST=" + rnd.choice(names))
    if freq == "MONTHLY" and rnd.random() < 0.5:
        parts.append(f"BYDAY={(first.day - 1) // 7 + 1}{names[first.weekday()]}")
    roll = rnd.random()
    if roll < 0.3:
        parts.append(f"COUNT={rnd.randint(1, 30)}")
    elif roll < 0.6:
        parts.append("UNTIL=" + (first + timedelta(days=rnd.randint(0, 200))).strftime("%Y%m%dT%H%M%S"))
    return ";".join(parts), first


def test_rule_arithmetic_matches_dateutil():
    rnd = random.Random(20260316)
    for _ in range(1500):
        rule, first = _random_rule(rnd)
        lo = first + timedelta(days=rnd.randint(-20, 150))
        hi = lo + timedelta(days=rnd.randint(0, 60))
        expected = rrulestr(rule, dtstart=first).between(lo, hi, inc=True)
        assert recurrence.expand(rule, first, lo, hi) == expected, (rule, first, lo, hi)
        days = recurrence.expand(rule.split(";UNTIL")[0], first.date(), lo.date(), hi.date())
        day_rule = rrulestr(rule.split(";UNTIL")[0], dtstart=datetime.combine(first.date(), datetime.min.time()))
        assert days == [m.date() for m in day_rule.between(datetime.combine(lo.date(), datetime.min.time()),
                                                            datetime.combine(hi.date(), datetime.min.time()),
                                                            inc=True)], (rule, first, lo, hi)


def test_a_dtstart_off_the_rule_still_counts_as_an_occurrence():
    # RFC 5545 counts DTSTART; dateutil does not. For busy time we keep it, as recurring-ical-events does.
    found = recurrence.expand("FREQ=WEEKLY;BYDAY=MO", datetime(2026, 3, 17, 9), datetime(2026, 3, 1),
                              datetime(2026, 3, 31))
    assert found[0] == datetime(2026, 3, 17, 9) and found[1:] == [datetime(2026, 3, 23, 9), datetime(2026, 3, 30, 9)]


def test_an_unreadable_rule_hands_over_to_the_full_reader():
    assert recurrence.expand("FREQ=SOMETIMES", datetime(2026, 3, 17, 9), datetime(2026, 3, 1),
                             datetime(2026, 3, 31)) is None
    assert recurrence.expand("FREQ=DAILY", date(2026, 3, 17), date(2026, 3, 18), date(2026, 3, 19)) == [
        date(2026, 3, 18), date(2026, 3, 19)]
