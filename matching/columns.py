"""Mentor attributes as numpy columns in position order, so filters and fit scores run without Python loops."""
from __future__ import annotations

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
_LOCATIONS = {"virtual": VIRTUAL, "online": VIRTUAL, "remote": VIRTUAL, "in person": IN_PERSON,
              "inperson": IN_PERSON, "either": EITHER, "both": EITHER}


def location_code(location: str | None) -> int:
    """"Virtual", "In person" or "Either" (any case, any spacing) as a code; anything else is UNKNOWN."""
    return _LOCATIONS.get(text.phrase(location or ""), UNKNOWN)


class MentorColumns:
    """One array per attribute; index i describes the mentor at position i."""

    def __init__(self, mentors: Sequence[MentorProfile], reference: datetime):
        size = len(mentors)
        self.ids = np.fromiter((m.id for m in mentors), dtype=np.int64, count=size)
        self.seniority = np.fromiter((-1 if m.seniority is None else min(m.seniority, SENIORITY_CODES - 2)
                                      for m in mentors), dtype=np.int8, count=size)
        self.location = np.fromiter((location_code(m.location) for m in mentors), dtype=np.int8, count=size)
        self.departments: dict[str, int] = {}
        self.department = np.fromiter((self.department_code(m.department, add=True) for m in mentors),
                                      dtype=np.int16, count=size)
        # Few distinct working windows exist (zone x usual hours), so overlaps are worked out once per window.
        windows: dict[tuple[int, int], int] = {}
        self.window = np.fromiter(
            (windows.setdefault(hours.utc_window(m.hours, m.timezone, reference), len(windows)) for m in mentors),
            dtype=np.int32, count=size)
        self.window_start = np.array([start for start, _ in windows], dtype=np.int32)
        self.window_length = np.array([length for _, length in windows], dtype=np.int32)
        capacity = np.fromiter((m.capacity for m in mentors), dtype=np.int32, count=size)
        matched = np.fromiter((m.matched for m in mentors), dtype=np.int32, count=size)
        pending = np.fromiter((m.pending for m in mentors), dtype=np.int32, count=size)
        self.room = np.maximum(capacity - matched, 0)
        self.full = self.room == 0
        # Requests already waiting would fill every free place: likely full soon, so others are offered too.
        self.popular = ~self.full & (matched + pending >= capacity)
        # Location, seniority and department together take few values: fit tables are built per such profile.
        self.profile = (self.location.astype(np.int32) + LOCATION_CODES * (self.seniority.astype(np.int32) + 1)
                        + LOCATION_CODES * SENIORITY_CODES * (self.department.astype(np.int32) + 1))
        # The low bits of every sort key: fewer free places sort later, then the position (id order) breaks ties.
        room_rank = MAX_ROOM_RANK - np.minimum(self.room, MAX_ROOM_RANK).astype(np.int64)
        self.sort_low = (room_rank << POSITION_BITS) | np.arange(size, dtype=np.int64)

    def profiles(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(location, seniority, department) for every profile code, the inverse of `profile`."""
        codes = np.arange(LOCATION_CODES * SENIORITY_CODES * (len(self.departments) + 1), dtype=np.int32)
        location = codes % LOCATION_CODES
        seniority = (codes // LOCATION_CODES) % SENIORITY_CODES - 1
        department = codes // (LOCATION_CODES * SENIORITY_CODES) - 1
        return location, seniority, department

    def department_code(self, department: str | None, add: bool = False) -> int:
        """A department's code (-1 for none); unknown departments get a new code only while building."""
        key = text.phrase(department or "")
        if not key:
            return -1
        if add:
            return self.departments.setdefault(key, len(self.departments))
        return self.departments.get(key, -2)  # -2 matches no mentor
