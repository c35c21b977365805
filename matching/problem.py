"""A pairing problem: mentees, mentors with free places, fit, the pairs the rules allow and shortlisted pairs."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sparse

from matching import rules
from matching.columns import location_code
from matching.profiles import FitWeights, MenteeProfile
from matching.scores import score_matrix

if TYPE_CHECKING:
    from matching.directory import MentorDirectory

FAVOURITE_BONUS = 0.15  # what a shortlisted mentor adds to the fit, for the mentee's side only
ROWS_PER_BLOCK = 256  # rows of the matrices that objectives read at a time


@dataclass(eq=False)
class PairingProblem:
    """Everything an objective needs, as matrices of mentees (rows, given order) by mentors (columns)."""

    mentee_ids: tuple[int, ...]
    mentor_ids: tuple[int, ...]
    fit: np.ndarray  # float32 fit in [0, 1]
    acceptable: np.ndarray  # bool: the hard rules allow the pair (free places aside)
    room: np.ndarray  # int32 per mentor: free places now
    favourite: np.ndarray  # bool: the mentee shortlisted the mentor
    favourite_bonus: float = FAVOURITE_BONUS

    def __post_init__(self):
        self.mentee_ids = tuple(int(i) for i in self.mentee_ids)
        self.mentor_ids = tuple(int(i) for i in self.mentor_ids)
        shape = (len(self.mentee_ids), len(self.mentor_ids))
        # Objectives read rows in blocks: row-major arrays keep each block in one piece.
        self.fit = np.ascontiguousarray(self.fit, dtype=np.float32).reshape(shape)
        self.acceptable = np.ascontiguousarray(self.acceptable, dtype=bool).reshape(shape)
        self.favourite = np.ascontiguousarray(self.favourite, dtype=bool).reshape(shape)
        self.room = np.maximum(np.asarray(self.room, dtype=np.int32).reshape(shape[1]), 0)
        self.favourite_bonus = float(self.favourite_bonus)
        if len(set(self.mentee_ids)) != shape[0] or len(set(self.mentor_ids)) != shape[1]:
            raise ValueError("mentee ids and mentor ids must each be unique")
        if not np.isfinite(self.fit).all():
            raise ValueError("fit must be finite")

    @classmethod
    def build(cls, directory: MentorDirectory, mentees: Sequence[MenteeProfile], *, weights: FitWeights,
              room: Mapping[int, int], forbidden: Iterable[tuple[int, int]] = (),
              favourites: Iterable[tuple[int, int]] = (), favourite_bonus: float = FAVOURITE_BONUS) -> PairingProblem:
        """The problem for these mentees and the directory's mentors.

        `room`: mentor id -> free places now (mentors left out have none). `forbidden` and `favourites` are
        (mentee id, mentor id) pairs: pairs never to make (declined, ended, excluded by an admin) and shortlisted
        pairs, worth `favourite_bonus` more to the mentee (mentors rank mentees by fit alone). Unknown ids are
        ignored.
        """
        mentee_ids = tuple(mentee.id for mentee in mentees)
        mentor_ids = tuple(mentor.id for mentor in directory.mentors)
        acceptable = rules.acceptable(mentee_ids, np.array([location_code(m.location) for m in mentees], dtype=np.intp),
                                      mentor_ids, directory.columns.location, forbidden)
        favourite = np.zeros(acceptable.shape, dtype=bool)
        row_of = {mentee: row for row, mentee in enumerate(mentee_ids)}
        shortlisted = [(row_of[mentee], directory._position[mentor]) for mentee, mentor in favourites
                       if mentee in row_of and mentor in directory._position]
        if shortlisted:
            favourite[tuple(np.array(shortlisted, dtype=np.intp).T)] = True
        return cls(
            mentee_ids=mentee_ids,
            mentor_ids=mentor_ids,
            fit=score_matrix(directory, mentees, weights),
            acceptable=acceptable,
            room=np.array([room.get(mentor, 0) for mentor in mentor_ids], dtype=np.int32),
            favourite=favourite,
            favourite_bonus=favourite_bonus,
        )

    @property
    def shape(self) -> tuple[int, int]:
        return self.fit.shape

    def value(self, rows: np.ndarray | slice) -> np.ndarray:
        """What each mentee in `rows` gains from each mentor, float64: fit, plus the bonus where shortlisted."""
        value = self.fit[rows].astype(np.float64)
        value += self.favourite_bonus * self.favourite[rows]
        return value

    def pair_value(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """`value` for single pairs."""
        return self.fit[rows, columns].astype(np.float64) + self.favourite_bonus * self.favourite[rows, columns]

    @cached_property
    def mentee_rank(self) -> np.ndarray:
        """Each row's place in mentee id order: ties go to the lower id, whatever order mentees came in."""
        return _ranks(self.mentee_ids)

    @cached_property
    def mentor_rank(self) -> np.ndarray:
        """Each column's place in mentor id order."""
        return _ranks(self.mentor_ids)

    def blocks(self, rows: np.ndarray | None = None) -> Iterable[np.ndarray | slice]:
        """Rows in blocks of ROWS_PER_BLOCK: slices over all rows by default, else index arrays from `rows`."""
        if rows is None:
            for start in range(0, self.shape[0], ROWS_PER_BLOCK):
                yield slice(start, min(start + ROWS_PER_BLOCK, self.shape[0]))
            return
        rows = np.asarray(rows, dtype=np.intp)
        for start in range(0, len(rows), ROWS_PER_BLOCK):
            yield rows[start:start + ROWS_PER_BLOCK]


def where(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the True entries of a 2-D mask, like np.nonzero but several times faster."""
    found = np.flatnonzero(mask)
    return found // mask.shape[1], found % mask.shape[1]


def where_sparse(matrix: sparse.csr_array) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the stored entries of a CSR matrix, row by row."""
    return np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr)), matrix.indices.astype(np.intp)


def row_indices(rows: np.ndarray | slice) -> np.ndarray:
    """A block from `PairingProblem.blocks` as row indices."""
    return np.arange(rows.start, rows.stop) if isinstance(rows, slice) else rows


def _ranks(ids: Sequence[int]) -> np.ndarray:
    order = np.argsort(np.asarray(ids, dtype=np.int64), kind="stable")
    rank = np.empty(len(ids), dtype=np.intp)
    rank[order] = np.arange(len(ids))
    return rank
