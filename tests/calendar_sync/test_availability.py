"""Offers from busy time and working hours: zones, notice, buffers, horizon, spreading, custom proposals."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_sync.availability import (
    BEYOND_HORIZON,
    BUSY,
    OUTSIDE_HOURS,
    TENTATIVE,
    TOO_SOON,
    check_proposal,
    free_slots,
)
from calendar_sync.model import Busy, Interval, SlotRules, WorkingHours

LONDON, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")
MENTOR_HOURS = WorkingHours("Europe/London", 9 * 60, 17 * 60)
MENTEE_HOURS = WorkingHours("America/New_York", 9 * 60, 17 * 60)
OPEN = SlotRules(min_notice=timedelta(0), horizon_days=28, per_day=None, step=timedelta(minutes=30))
# Monday 16 March 2026: New York is already on summer time (since 8 March), London not until 29 March.
MONDAY = datetime(2026, 3, 16, 0, 0, tzinfo=LONDON)


def london(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def starts_on(slots, day) -> list[time]:
    """The London wall-clock start times of the offers on one date."""
    return [s.start.astimezone(LONDON).time() for s in slots if s.start.astimezone(LONDON).date() == day]


def busy(*spans: tuple[datetime, datetime], tentative=()) -> Busy:
    return Busy(tuple(Interval(a, b) for a, b in spans), tuple(Interval(a, b) for a, b in tentative))


def test_shared_hours_of_london_and_new_york_follow_both_daylight_saving_calendars():
    slots = free_slots([Busy(), Busy()], [MENTOR_HOURS, MENTEE_HOURS], OPEN, MONDAY)
    # Mid March: 09:00 New York (EDT) is 13:00 London (GMT); London's day ends at 17:00.
    assert starts_on(slots, MONDAY.date()) == [time(13), time(13, 30), time(14), time(14, 30), time(15),
                                               time(15, 30), time(16)]
    # From 29 March London is on BST too: 09:00 New York is 14:00 London.
    assert starts_on(slots, london(30, 0).date()) == [time(14), time(14, 30), time(15), time(15, 30), time(16)]
    assert all(s.start.weekday() < 5 for s in slots), "no offers at weekends"
    assert all(s.end - s.start == timedelta(hours=1) for s in slots)


def test_offers_are_given_in_the_viewers_zone_and_in_time_order():
    slots = free_slots([Busy(), Busy()], [MENTOR_HOURS, MENTEE_HOURS], OPEN, MONDAY, zone="America/New_York")
    assert slots[0].start.tzinfo == NEW_YORK
    assert slots[0].start.astimezone(NEW_YORK).time() == time(9)
    assert [s.start for s in slots] == sorted(s.start for s in slots)


def test_minimum_notice_keeps_offers_away_from_now():
    now = london(17, 14, 10)  # Tuesday afternoon
    rules = SlotRules(min_notice=timedelta(hours=2), horizon_days=7, per_day=None)
    slots = free_slots([Busy(), Busy()], [MENTOR_HOURS, MENTEE_HOURS], rules, now)
    assert slots[0].start >= now + timedelta(hours=2)
    # 16:30 would be late enough but ends after London's 17:00: the first offer is Wednesday 13:00.
    assert slots[0].start == london(18, 13)


def test_buffers_keep_clear_time_around_busy_time():
    meeting = (london(16, 14), london(16, 15))
    plain = SlotRules(min_notice=timedelta(0), horizon_days=1, per_day=None, step=timedelta(minutes=15))
    buffered = SlotRules(min_notice=timedelta(0), horizon_days=1, per_day=None, step=timedelta(minutes=15),
                         buffer_before=timedelta(minutes=15), buffer_after=timedelta(minutes=15))
    without = starts_on(free_slots([busy(meeting), Busy()], [MENTOR_HOURS, MENTEE_HOURS], plain, MONDAY),
                        MONDAY.date())
    with_buffers = starts_on(free_slots([busy(meeting), Busy()], [MENTOR_HOURS, MENTEE_HOURS], buffered, MONDAY),
                             MONDAY.date())
    assert time(13) in without and time(15) in without  # back to back is fine without buffers
    assert time(13) not in with_buffers  # would end as the busy hour starts: no 15 minutes after
    assert time(15) not in with_buffers  # would start as it ends: no 15 minutes before
    assert with_buffers[0] == time(15, 15)


def test_horizon_bounds_the_last_offer():
    rules = SlotRules(min_notice=timedelta(0), horizon_days=3, per_day=None)
    slots = free_slots([Busy(), Busy()], [MENTOR_HOURS, MENTEE_HOURS], rules, MONDAY)
    assert slots and max(s.end for s in slots) <= MONDAY + timedelta(days=3)
    assert {s.start.astimezone(LONDON).date() for s in slots} == {MONDAY.date() + timedelta(days=d) for d in range(3)}


def test_offers_are_spread_over_the_day_and_capped_per_day():
    rules = SlotRules(min_notice=timedelta(0), horizon_days=14, per_day=2, step=timedelta(minutes=30))
    slots = free_slots([Busy(), Busy()], [MENTOR_HOURS, MENTEE_HOURS], rules, MONDAY)
    per_day = {}
    for slot in slots:
        per_day.setdefault(slot.start.astimezone(LONDON).date(), []).append(slot.start.astimezone(LONDON).time())
    assert len(per_day) == 10 and all(len(times) == 2 for times in per_day.values())
    assert per_day[MONDAY.date()] == [time(13), time(16)]  # the first and the last free start, not 13:00 and 13:30


def test_busy_time_of_either_person_blocks_and_touching_busy_time_does_not():
    mentee_busy = busy((london(16, 13, 0), london(16, 14, 0)))
    slots = free_slots([Busy(), mentee_busy], [MENTOR_HOURS, MENTEE_HOURS], OPEN, MONDAY)
    assert starts_on(slots, MONDAY.date()) == [time(14), time(14, 30), time(15), time(15, 30), time(16)]


def test_tentative_blocks_by_default_and_not_when_configured():
    mentor = busy(tentative=[(london(16, 13), london(16, 17))])
    blocked = free_slots([mentor, Busy()], [MENTOR_HOURS, MENTEE_HOURS], OPEN, MONDAY)
    allowed = free_slots([mentor, Busy()], [MENTOR_HOURS, MENTEE_HOURS],
                         SlotRules(min_notice=timedelta(0), horizon_days=28, per_day=None, tentative_blocks=False),
                         MONDAY)
    assert starts_on(blocked, MONDAY.date()) == []
    assert len(starts_on(allowed, MONDAY.date())) == 7


def test_working_hours_stay_local_across_a_daylight_saving_change():
    solo = [WorkingHours("Europe/London", 9 * 60, 10 * 60)]
    slots = free_slots([Busy()], solo, OPEN, london(27, 0))  # Friday; clocks go forward on Sunday 29th
    friday, monday = slots[0], slots[1]
    assert friday.start == london(27, 9) and friday.start.utcoffset() == timedelta(0)
    assert monday.start == london(30, 9) and monday.start.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(("start", "expected"), [
    (london(16, 14), (True, None, None)),
    (london(16, 15, 30), (False, BUSY, 1)),  # the mentee's 15:00-16:00
    (london(16, 15, 59), (False, BUSY, 1)),
    (london(16, 16), (True, None, None)),  # starts as the mentee's meeting ends
    (london(16, 10), (False, OUTSIDE_HOURS, 1)),  # 06:00 in New York
    (london(16, 16, 30), (False, OUTSIDE_HOURS, 0)),  # ends 17:30 London
    (london(16, 13, 30), (False, TENTATIVE, 0)),
    (london(14, 13), (False, TOO_SOON, None)),
    (london(30, 14, month=4), (False, BEYOND_HORIZON, None)),
])
def test_a_custom_proposed_time_is_checked_against_everything(start, expected):
    mentor = busy(tentative=[(london(16, 13), london(16, 14))])
    mentee = busy((london(16, 15), london(16, 16)))
    verdict = check_proposal(start, [mentor, mentee], [MENTOR_HOURS, MENTEE_HOURS],
                             SlotRules(min_notice=timedelta(hours=1), horizon_days=28), london(15, 12))
    assert (verdict.ok, verdict.reason, verdict.person) == expected


def test_a_proposal_off_the_grid_is_accepted_when_free():
    verdict = check_proposal(london(16, 13, 7), [Busy(), Busy()], [MENTOR_HOURS, MENTEE_HOURS], OPEN, MONDAY,
                             end=london(16, 13, 52))
    assert verdict.ok


def test_rules_refuse_nonsense():
    with pytest.raises(ValueError):
        SlotRules(duration=timedelta(0))
    with pytest.raises(ValueError):
        WorkingHours("Europe/London", 17 * 60, 9 * 60)
    with pytest.raises(ValueError):
        Interval(datetime(2026, 1, 1), datetime(2026, 1, 2))  # naive


BERLIN = ZoneInfo("Europe/Berlin")
# Sunday 25 October 2026: at 03:00 CEST Berlin's clocks go back to 02:00 CET, so 02:00-03:00 happens twice.
# Sunday 29 March 2026: at 02:00 CET they go forward to 03:00 CEST, so 02:00-03:00 never happens.
NIGHT_OWL = [WorkingHours("Europe/Berlin", 0, 6 * 60, frozenset({6}))]
HALF_HOURS = SlotRules(duration=timedelta(minutes=30), min_notice=timedelta(0), horizon_days=3, per_day=None,
                       step=timedelta(minutes=30))


def test_offers_over_the_fall_back_night_cover_the_repeated_hour_once_each():
    now = datetime(2026, 10, 24, 12, tzinfo=BERLIN)
    slots = free_slots([Busy()], NIGHT_OWL, HALF_HOURS, now)
    # 00:00 CEST to 06:00 CET is seven hours: fourteen half-hour offers, each 30 minutes long however it is read.
    assert len(slots) == 14
    assert all(s.duration == timedelta(minutes=30) for s in slots)
    assert all(s.end.timestamp() - s.start.timestamp() == 1800 for s in slots)
    starts = [s.start.timestamp() for s in slots]
    assert starts == sorted(set(starts))
    repeated = [s for s in slots if s.start.replace(tzinfo=None).hour == 2]
    assert [s.start.utcoffset() for s in repeated] == [timedelta(hours=2)] * 2 + [timedelta(hours=1)] * 2


def test_an_interval_across_the_fall_back_keeps_its_order_and_length():
    start = datetime(2026, 10, 25, 2, 45, tzinfo=BERLIN)  # first 02:45 (CEST)
    end = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=BERLIN)  # second 02:15 (CET), 30 minutes later
    interval = Interval(start, end)
    assert interval.duration == timedelta(minutes=30)
    later = Interval(datetime(2026, 10, 25, 2, 20, fold=1, tzinfo=BERLIN),
                     datetime(2026, 10, 25, 2, 40, fold=1, tzinfo=BERLIN))
    assert not interval.overlaps(later) and not later.overlaps(interval)
    assert Interval(start, datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN)).overlaps(later)
    with pytest.raises(ValueError):
        Interval(end, start)


def test_busy_time_inside_the_repeated_hour_blocks_only_its_own_half():
    now = datetime(2026, 10, 24, 12, tzinfo=BERLIN)
    second_half_past_two = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN)
    taken = busy((second_half_past_two, second_half_past_two + timedelta(minutes=30)))
    slots = free_slots([taken], NIGHT_OWL, HALF_HOURS, now)
    assert len(slots) == 13
    assert second_half_past_two.timestamp() not in {s.start.timestamp() for s in slots}
    assert datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN).timestamp() in {s.start.timestamp() for s in slots}
    verdict = check_proposal(datetime(2026, 10, 25, 2, 45, tzinfo=BERLIN), [taken], NIGHT_OWL, HALF_HOURS, now)
    assert verdict.ok  # 02:45 CEST to 02:15 CET: free, and inside the hours


def test_offers_over_the_spring_forward_night_skip_the_missing_hour():
    now = datetime(2026, 3, 28, 12, tzinfo=BERLIN)
    slots = free_slots([Busy()], NIGHT_OWL, HALF_HOURS, now)
    # 00:00 CET to 06:00 CEST is five hours: ten offers, none at a wall-clock time that never happens.
    assert len(slots) == 10
    assert all(s.duration == timedelta(minutes=30) for s in slots)
    assert [s.start.replace(tzinfo=None).hour for s in slots] == [0, 0, 1, 1, 3, 3, 4, 4, 5, 5]
    assert all(s.start.astimezone(BERLIN).replace(tzinfo=None) == s.start.replace(tzinfo=None) for s in slots)
