"""Fit of many mentees for every mentor at once: the matrix pairing works on, without a loop over pairs."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sparse

from matching import fit as fitting
from matching.columns import MentorColumns
from matching.index import TermIndex
from matching.profiles import FitWeights, MenteeProfile

if TYPE_CHECKING:
    from matching.directory import MentorDirectory

# Matrix rows filled at a time: a block and its gathers stay in the CPU cache (8 rows of 25,000 mentors are 800 KB;
# 32 rows took about a fifth longer there).
ROWS_PER_BLOCK = 8
# Mentees whose goal-word sums are worked out in one sparse product (a few MB at a time, not the whole matrix's).
WORD_ROWS = 512


def score_matrix(directory: MentorDirectory, mentees: Sequence[MenteeProfile], weights: FitWeights) -> np.ndarray:
    """Fit of each mentee (rows) for each mentor (columns, in `directory.mentors` order), float32 in [0, 1]."""
    needs = [fitting.resolve(mentee, directory.index, directory.columns, directory.vocabulary, directory.phrases,
                             directory.reference) for mentee in mentees]
    return fit_matrix(needs, directory.index, directory.columns, weights)


def fit_matrix(needs: Sequence[fitting.Needs], index: TermIndex, columns: MentorColumns,
               weights: FitWeights) -> np.ndarray:
    """The same figures as `FitScorer.fit` row by row, from table gathers and sparse products, a block at a time."""
    rows, size = len(needs), index.size
    result = np.empty((rows, size), dtype=np.float32)
    if rows == 0 or size == 0:
        return result
    blocks = _Blocks(needs, index, columns, weights)
    for start in range(0, rows, WORD_ROWS):
        stop = min(start + WORD_ROWS, rows)
        words = _word_sums(needs[start:stop], blocks.postings)
        for first in range(start, stop, ROWS_PER_BLOCK):
            blocks.fill(result, first, min(first + ROWS_PER_BLOCK, stop), words, start)
    return result


class _Blocks:
    """The tables every block of rows reads, and filling one block from them.

    Skills and goals depend on a mentor only through how many of the mentee's grow skills and goal skills it
    offers, so each mentee gets a table by *count code* (grow count + most_grown x goal-skill count): a block is
    one gather from that table by each mentor's code, then the few mentors whose stories hold goal words are
    rescored, and the profile and window parts are gathered and added.
    """

    def __init__(self, needs: Sequence[fitting.Needs], index: TermIndex, columns: MentorColumns,
                 weights: FitWeights):
        self.needs, self.index = needs, index
        share = _shares(needs, weights)
        self.by_profile = _profile_part(needs, columns, share, weights.department_mode)
        self.by_window = _window_part(needs, columns, share)
        self.skills_share, self.goals_share = _column(share, "skills")[:, 0], _column(share, "goals")[:, 0]
        # A power of two above any mentee's number of grow skills: counts of grow skills never reach the next step.
        self.most_grown = 1 << max(len(need.grow) for need in needs).bit_length()
        self.codes = self.most_grown * (max(len(need.goal_skills) for need in needs) + 1)
        grown, named = self._halvings(np.arange(self.codes))
        self.by_code = self.skills_share[:, None] * grown + self.goals_share[:, None] * named
        self.profile, self.window = columns.profile.astype(np.intp), columns.window.astype(np.intp)
        self.postings = sparse.csr_array((np.ones(len(index.positions)), index.positions, index.starts),
                                         shape=(len(index.entries), index.size))
        self.counted = np.empty((ROWS_PER_BLOCK, index.size), dtype=np.intp)
        self.gathered = np.empty((ROWS_PER_BLOCK, index.size), dtype=np.float32)

    def _halvings(self, code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(grow skills, goal skills) components for count codes, as `FitScorer` scores those counts."""
        halving, top = fitting._HALVING, len(fitting._HALVING) - 1
        return (halving.take(np.minimum(code & (self.most_grown - 1), top)),
                halving.take(np.minimum(code // self.most_grown, top)))

    def fill(self, result: np.ndarray, start: int, stop: int, words: sparse.csr_array, words_from: int) -> None:
        """Rows start to stop of the matrix; `words` holds the goal-word sums of rows from `words_from` on."""
        block, spare = result[start:stop], self.gathered[:stop - start]
        count = self._count(start, stop)
        # Indices are in range by construction: "clip" spares numpy the buffered copy "raise" makes with `out`.
        np.take(self.by_code[start:stop], count, out=block, mode="clip")
        self._add_words(block, count, start, words, start - words_from)
        block += np.take(self.by_profile[start:stop], self.profile, axis=1, out=spare, mode="clip")
        block += np.take(self.by_window[start:stop], self.window, axis=1, out=spare, mode="clip")

    def _count(self, start: int, stop: int) -> np.ndarray:
        """Each mentor's count code per row, offset by the row's place in the block (one flat gather reads it)."""
        count = self.counted[:stop - start]
        count[...] = (np.arange(stop - start) * self.codes)[:, None]
        for line, need in zip(count, self.needs[start:stop]):
            # A posting holds each mentor once; add.at is the faster of the two ways to add along it here.
            for _, entry in need.grow:
                np.add.at(line, self.index.posting(entry), 1)
            for _, entry in need.goal_skills:
                np.add.at(line, self.index.posting(entry), self.most_grown)
        return count

    def _add_words(self, block: np.ndarray, count: np.ndarray, start: int, words: sparse.csr_array,
                   first: int) -> None:
        """Rescore the mentors whose stories hold goal words: goals are the larger of goal skills and goal words."""
        spans = words.indptr[first:first + len(block) + 1]
        if spans[-1] == spans[0]:
            return
        local = np.repeat(np.arange(len(block)), np.diff(spans))
        at = local * block.shape[1] + words.indices[spans[0]:spans[-1]]
        grown, named = self._halvings(count.ravel().take(at) - local * self.codes)
        goals = np.maximum(named, np.minimum(words.data[spans[0]:spans[-1]], 1.0).astype(np.float32))
        block.ravel()[at] = (self.skills_share[start:].take(local) * grown
                             + self.goals_share[start:].take(local) * goals)


def _shares(needs: Sequence[fitting.Needs], weights: FitWeights) -> np.ndarray:
    """Each mentee's share of the fit per component (rows x COMPONENTS), as `FitScorer.share` works it out."""
    given = np.array([[weight[name] for name in fitting.COMPONENTS]
                      for weight in (fitting.weight_of(weights, need) for need in needs)], dtype=np.float64)
    total = given.sum(axis=1, keepdims=True)
    return np.divide(given, total, out=np.zeros_like(given), where=total > 0)


def _column(share: np.ndarray, name: str, dtype=np.float32) -> np.ndarray:
    """One component's shares as a column, float32 as FitScorer multiplies its float32 tables."""
    return share[:, fitting.COMPONENTS.index(name)].astype(dtype)[:, None]


def _profile_part(needs: Sequence[fitting.Needs], columns: MentorColumns, share: np.ndarray,
                  mode: str) -> np.ndarray:
    """Location, seniority and department per mentee (rows) and mentor profile code (columns), weighted."""
    location, seniority, department = columns.profile_parts
    mentee_location = np.array([need.location for need in needs], dtype=np.intp)
    levels, mentee_level = np.unique([need.seniority for need in needs], return_inverse=True)
    codes, mentee_department = np.unique([need.department for need in needs], return_inverse=True)
    # The tables FitScorer builds for one mentee, here one row per value mentees give.
    by_location = fitting.LOCATION_FIT.take(location, axis=1)
    by_level = np.stack([fitting._seniority(int(level)).take(seniority + 1) for level in levels])
    by_department = np.stack([fitting._department(int(code), len(columns.departments), mode).take(department + 1)
                              for code in codes])
    part = _column(share, "location") * by_location.take(mentee_location, axis=0)
    part += _column(share, "seniority") * by_level.take(mentee_level.ravel(), axis=0)
    part += _column(share, "department") * by_department.take(mentee_department.ravel(), axis=0)
    return part


def _window_part(needs: Sequence[fitting.Needs], columns: MentorColumns, share: np.ndarray) -> np.ndarray:
    """Shared working hours per mentee (rows) and mentor working window (columns), weighted."""
    windows: dict[tuple[int, int], int] = {}
    mentee_window = np.array([windows.setdefault((need.start, need.length), len(windows)) for need in needs],
                             dtype=np.intp)
    minutes = np.stack([columns.window_overlap(start, length) for start, length in windows])
    by_window = np.where(minutes < 0, fitting.NEUTRAL,
                         np.minimum(minutes, fitting.ENOUGH_MINUTES) / fitting.ENOUGH_MINUTES)
    return (_column(share, "hours", np.float64) * by_window.take(mentee_window, axis=0)).astype(np.float32)


def _word_sums(needs: Sequence[fitting.Needs], postings: sparse.csr_array) -> sparse.csr_array:
    """(mentees x mentors) sum of the goal-word weights each mentor's story holds, scaled so that half the mentee's
    goal weight makes 1: one sparse product of the words each mentee asks for with the postings."""
    rows, asked, values = [], [], []
    for row, need in enumerate(needs):
        if need.goal_words:
            scale = 1 / (need.goal_weight * fitting.GOAL_WORDS_FOR_FULL_SCORE)
            rows += [row] * len(need.goal_words)
            asked += [entry for _, entry, _ in need.goal_words]
            values += [weight * scale for *_, weight in need.goal_words]
    asks = sparse.csr_array((np.array(values, dtype=np.float64), (rows, asked)), shape=(len(needs), postings.shape[0]))
    return asks @ postings
