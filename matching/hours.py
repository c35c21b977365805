"""Working hours in UTC and how much two people's working days overlap, across time zones and midnight."""
from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

DAY = 24 * 60


@lru_cache(maxsize=1024)
def utc_offset(zone: str, reference: datetime) -> int:
    """Minutes the zone is ahead of UTC at `reference` (an unknown zone counts as UTC)."""
    try:
        local = reference.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return int(local.utcoffset().total_seconds() // 60)


def as_reference(moment: datetime | None) -> datetime:
    """An aware datetime to take offsets at: now by default; a naive one is read as UTC."""
    if moment is None:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_window(hours: tuple[int, int] | None, zone: str, reference: datetime) -> tuple[int, int]:
    """(start in UTC minutes from midnight, length in minutes); length 0 when the hours are unknown."""
    if not hours:
        return 0, 0
    start, end = hours
    # An end at or before the start means the working day runs past midnight (a 22:00-06:00 shift).
    length = (end - start) % DAY
    if length == 0:
        return 0, 0
    return (start - utc_offset(zone, reference)) % DAY, length


def overlap(start_a, length_a, start_b, length_b) -> np.ndarray:
    """Shared minutes of daily windows given as UTC start and length; numpy arrays broadcast against each other."""
    start_a, length_a = np.asarray(start_a, dtype=np.int32), np.asarray(length_a, dtype=np.int32)
    start_b, length_b = np.asarray(start_b, dtype=np.int32), np.asarray(length_b, dtype=np.int32)
    end_a = start_a + length_a
    total = np.zeros(np.broadcast_shapes(start_a.shape, start_b.shape), dtype=np.int32)
    # Windows live on a 24-hour circle: compare with the other window a day earlier, the same day and a day later.
    for shift in (-DAY, 0, DAY):
        b = start_b + shift
        total += np.maximum(0, np.minimum(end_a, b + length_b) - np.maximum(start_a, b))
    return total
