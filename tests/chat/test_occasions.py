"""Which announcements are due on which day: plain dates in, occasions out."""
from __future__ import annotations

import datetime as dt

from portal.chat import occasions
from portal.programme.phases import PhaseDates

DATES = PhaseDates(dt.date(2026, 12, 1), dt.date(2026, 12, 8), dt.date(2026, 12, 15), dt.date(2027, 1, 5),
                   dt.date(2027, 3, 1), dt.date(2027, 6, 1))


def keys_on(day: dt.date) -> list[str]:
    return [o.key for o in occasions.due(DATES, day)]


def test_launch_is_due_on_its_day_and_two_days_after_for_a_worker_that_was_away():
    assert keys_on(dt.date(2026, 11, 30)) == []
    assert keys_on(dt.date(2026, 12, 1)) == ["launch"]
    assert keys_on(dt.date(2026, 12, 3)) == ["launch"]
    assert keys_on(dt.date(2026, 12, 4)) == []


def test_registration_closing_is_due_three_days_before_it_closes_and_on_that_day_only():
    assert keys_on(dt.date(2027, 1, 1)) == []
    assert keys_on(dt.date(2027, 1, 2)) == ["closing"]
    assert keys_on(dt.date(2027, 1, 3)) == []


def test_pairing_is_due_when_it_opens():
    assert keys_on(dt.date(2026, 12, 15)) == ["pairing"]
    assert keys_on(dt.date(2026, 12, 18)) == []


def test_an_occasion_never_runs_past_its_end():
    short = PhaseDates(dt.date(2026, 12, 1), dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 3),
                       dt.date(2027, 3, 1), dt.date(2027, 6, 1))
    # Registration closes on the 3rd: the launch is not posted that day, however late the worker.
    assert "launch" not in keys_on_dates(short, dt.date(2026, 12, 3))
    # Nor is "closes in 3 days" announced before registration opened.
    assert [o.key for o in occasions.calendar(short)] == ["launch", "pairing"]


def keys_on_dates(dates: PhaseDates, day: dt.date) -> list[str]:
    return [o.key for o in occasions.due(dates, day)]
