"""Mentor attributes as numpy columns in position order, so filters and fit scores run without Python loops."""
from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from matching import hours, text
from matching.profiles import MentorProfile

UNKNOWN, VIRTUAL, IN_PERSON, EITHER = 0, 1, 2, 3
LOCATION_CODES = 4
SENIORITY_CODES = 16  # unknown plus up to 15 levels on the ladder
POSITION_BITS = 27  # sort keys hold positions below 2**27
MAX_ROOM_RANK = 7
OVERLAPS_KEPT = 4096  # distinct mentee working windows whose overlaps are kept
_LOCATIONS = {"virtual": VIRTUAL, "online": VIRTUAL, "remote": VIRTUAL, "in person": IN_PERSON,
              "inperson": IN_PERSON, "either": EITHER, "both": EITHER}


def location_code(location: str | None) -> int:
    """"Virtual", "In person" or "Either" (any case, any spacing) as a code; anything else is UNKNOWN."""
    return _LOCATIONS.get(text.phrase(location or ""), UNKNOWN)


class MentorColumns:
    """One array per attribute; index i describes the mentor at position i."""

    def __init__(self, mentors: Sequence[MentorProfile], reference: datetime):
        self.seniority = _coded([m.seniority for m in mentors], _seniority, np.int8)
        self.location = _coded([m.location for m in mentors], location_code, np.int8)
        self.departments: dict[str, int] = {}
        self.department = _coded([m.department for m in mentors],
                                 lambda department: self.department_code(department, add=True), np.int16)
        # Few distinct working windows exist (zone x usual hours), so overlaps are worked out once per window.
        windows: dict[tuple[int, int], int] = {}
        self.window = _compact(_coded(
            [(m.hours, m.timezone) for m in mentors],
            lambda worked: windows.setdefault(hours.utc_window(*worked, reference), len(windows)), np.int32))
        self.window_start = np.array([start for start, _ in windows], dtype=np.int32)
        self.window_length = np.array([length for _, length in windows], dtype=np.int32)
        # Location, seniority and department together take few values: fit tables are built per such profile.
        self.profile = _compact(self.location.astype(np.int32) + LOCATION_CODES * (self.seniority.astype(np.int32) + 1)
                                + LOCATION_CODES * SENIORITY_CODES * (self.department.astype(np.int32) + 1))
        # (location, seniority, department) for every profile code: the inverse of `profile`.
        codes = np.arange(LOCATION_CODES * SENIORITY_CODES * (len(self.departments) + 1), dtype=np.int32)
        self.profile_parts = (codes % LOCATION_CODES, (codes // LOCATION_CODES) % SENIORITY_CODES - 1,
                              codes // (LOCATION_CODES * SENIORITY_CODES) - 1)
        self._overlaps: dict[tuple[int, int], np.ndarray] = {}

        self.capacity = np.array([m.capacity for m in mentors], dtype=np.int32)
        self._set_load(np.array([m.matched for m in mentors], dtype=np.int32),
                       np.array([m.pending for m in mentors], dtype=np.int32))

    def _set_load(self, matched: np.ndarray, pending: np.ndarray) -> None:
        """Room, full and popular from the matches and requests each mentor has now."""
        self.matched, self.pending = matched, pending
        self.room = np.maximum(self.capacity - matched, 0)
        self.full = self.room == 0
        # Requests already waiting would fill every free place: likely full soon, so others are offered too.
        self.popular = ~self.full & (matched + pending >= self.capacity)
        # The low bits of every sort key: fewer free places sort later, then the position (id order) breaks ties.
        room_rank = MAX_ROOM_RANK - np.minimum(self.room, MAX_ROOM_RANK).astype(np.int64)
        self.sort_low = (room_rank << POSITION_BITS) | np.arange(len(matched), dtype=np.int64)

    def with_load(self, matched: np.ndarray, pending: np.ndarray) -> "MentorColumns":
        """A copy sharing every other column, with new load arrays (the original stays as it was)."""
        clone = copy.copy(self)
        clone._set_load(matched, pending)
        return clone
    def window_overlap(self, start: int, length: int) -> np.ndarray:
        """Minutes each working window shares with a UTC window; -1 where either side is unknown. Cached."""
        found = self._overlaps.get((start, length))
        if found is None:
            found = hours.overlap(self.window_start, self.window_length, start, length)
            found[(self.window_length == 0) | (length == 0)] = -1
            if len(self._overlaps) >= OVERLAPS_KEPT:
                self._overlaps.clear()
            self._overlaps[(start, length)] = found
        return found

    def department_code(self, department: str | None, add: bool = False) -> int:
        """A department's code (-1 for none); unknown departments get a new code only while building."""
        key = text.phrase(department or "")
        if not key:
            return -1
        if add:
            return self.departments.setdefault(key, len(self.departments))
        return self.departments.get(key, -2)  # -2 matches no mentor


def _coded(values: list, code, dtype) -> np.ndarray:
    """`code(value)` for every value, worked out once per distinct value: profiles repeat a few values each."""
    codes = {value: code(value) for value in dict.fromkeys(values)}
    return np.fromiter(map(codes.__getitem__, values), dtype=dtype, count=len(values))


def _seniority(level: int | None) -> int:
    """A ladder index as a column value: -1 when unknown, capped to what a profile code holds."""
    return -1 if level is None or level < 0 else min(level, SENIORITY_CODES - 2)


def _compact(codes: np.ndarray) -> np.ndarray:
    """Codes as int16 when they fit: smaller columns gather faster."""
    return codes.astype(np.int16) if codes.size == 0 or codes.max() < np.iinfo(np.int16).max else codes
