"""Working hours in UTC and their overlap across time zones, daylight saving and midnight."""
from __future__ import annotations

import random
from datetime import UTC, datetime

import numpy as np
import pytest

from matching.hours import DAY, overlap, utc_offset, utc_window
from tests.matching.conftest import WINTER, mentee, mentor

SPRING = datetime(2025, 3, 20, 12, tzinfo=UTC)  # New York on summer time, London not yet
SUMMER = datetime(2025, 7, 1, 12, tzinfo=UTC)
NINE_TO_FIVE = (9 * 60, 17 * 60)


def shared(zone_a, hours_a, zone_b, hours_b, reference):
    a, b = utc_window(hours_a, zone_a, reference), utc_window(hours_b, zone_b, reference)
    return int(overlap(a[0], a[1], b[0], b[1])) / 60


@pytest.mark.parametrize("reference, hours", [(WINTER, 3), (SPRING, 4), (SUMMER, 3)])
def test_london_and_new_york_office_days(reference, hours):
    assert shared("Europe/London", NINE_TO_FIVE, "America/New_York", NINE_TO_FIVE, reference) == hours


def test_half_hour_zones():
    assert utc_offset("Asia/Kolkata", WINTER) == 330
    # Kolkata 10:00-18:30 is 04:30-13:00 UTC; London 09:00-17:00 is 09:00-17:00 UTC.
    assert shared("Asia/Kolkata", (600, 1110), "Europe/London", NINE_TO_FIVE, WINTER) == 4


def test_working_days_across_midnight():
    # A night shift 22:00-06:00 and an early day 05:00-09:00 share an hour, after midnight.
    assert shared("UTC", (22 * 60, 6 * 60), "UTC", (5 * 60, 9 * 60), WINTER) == 1
    # Sydney 08:30-17:00 (UTC+11 in January) runs 21:30-06:00 UTC, past midnight; Los Angeles (UTC-8) runs
    # 17:00-01:00 UTC. They share 21:30-01:00.
    assert shared("Australia/Sydney", (510, 1020), "America/Los_Angeles", NINE_TO_FIVE, WINTER) == 3.5
    # Tokyo and New York office days do not meet at all.
    assert shared("Asia/Tokyo", NINE_TO_FIVE, "America/New_York", NINE_TO_FIVE, WINTER) == 0


def test_unknown_hours_and_zones():
    assert utc_window(None, "Europe/London", WINTER) == (0, 0)
    assert utc_window((600, 600), "Europe/London", WINTER) == (0, 0)
    assert utc_offset("Mars/Olympus_Mons", WINTER) == 0


def test_vectorised_overlap_matches_counting_minutes():
    rng = random.Random(3)
    windows = [(rng.randrange(DAY), rng.randrange(1, DAY)) for _ in range(300)]
    starts, lengths = np.array([w[0] for w in windows]), np.array([w[1] for w in windows])
    mine = (rng.randrange(DAY), rng.randrange(1, DAY))
    got = overlap(starts, lengths, *mine)
    minutes = {(mine[0] + m) % DAY for m in range(mine[1])}
    expected = [len(minutes & {(start + m) % DAY for m in range(length)}) for start, length in windows]
    assert got.tolist() == expected


def test_the_directory_reports_shared_hours_across_zones(build):
    directory = build([mentor(1, "Sam Okafor", timezone="America/New_York")])
    result = directory.fit(mentee(), 1)
    assert result.shared_minutes == 180
    assert "3 h of shared working hours" in result.reasons
    assert directory.fit(mentee(hours=None), 1).shared_minutes is None
