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
# One sparse product counts grow skills, counts skills the goals name and sums goal-word weights: the counts go in
# whole multiples of COUNT_STEP, the goal words below it (a mentor with every goal word scores 1 / 0.5 = 2).
COUNT_STEP = 64.0


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
    share = _shares(needs, weights)
    by_profile = _profile_part(needs, columns, share, weights.department_mode)
    by_window = _window_part(needs, columns, share)
    asks, most_grown = _asks(needs, len(index.entries))
    postings = sparse.csr_array((np.ones(len(index.positions)), index.positions, index.starts),
                                shape=(len(index.entries), size))
    skills_share, goals_share = _column(share, "skills")[:, 0], _column(share, "goals")[:, 0]
    profile, window = columns.profile.astype(np.intp), columns.window.astype(np.intp)
    gathered = np.empty((ROWS_PER_BLOCK, size), dtype=np.float32)
    for start in range(0, rows, ROWS_PER_BLOCK):
        stop = min(start + ROWS_PER_BLOCK, rows)
        block, spare = result[start:stop], gathered[:stop - start]
        # Only mentors offering something the mentee asked for score on skills or goals: those entries come
        # from one sparse product, written out with zeros elsewhere, then the looked-up parts are added.
        found = asks[start:stop] @ postings
        local = np.repeat(np.arange(stop - start), np.diff(found.indptr))
        grown, goals = _decode(found.data, most_grown)
        found.data = skills_share[start:stop].take(local) * grown + goals_share[start:stop].take(local) * goals
        found.toarray(out=block)
        block += np.take(by_profile[start:stop], profile, axis=1, out=spare)
        block += np.take(by_window[start:stop], window, axis=1, out=spare)
    return result


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


def _asks(needs: Sequence[fitting.Needs], entries: int) -> tuple[sparse.csr_array, int]:
    """What each mentee asks for, as (mentees x index entries) weights: times postings, a count and a sum per pair.

    Grow skills weigh COUNT_STEP, skills the goals name COUNT_STEP * most_grown (a power of two above any mentee's
    number of grow skills) and goal words their weight scaled so that half the mentee's goal weight makes 1.
    """
    most_grown = 1 << max(len(need.grow) for need in needs).bit_length()
    rows, asked, values = [], [], []
    for row, need in enumerate(needs):
        weighed = [(entry, COUNT_STEP) for _, entry in need.grow]
        weighed += [(entry, COUNT_STEP * most_grown) for _, entry in need.goal_skills]
        if need.goal_words:
            scale = 1 / (need.goal_weight * fitting.GOAL_WORDS_FOR_FULL_SCORE)
            weighed += [(entry, weight * scale) for _, entry, weight in need.goal_words]
        rows += [row] * len(weighed)
        asked += [entry for entry, _ in weighed]
        values += [value for _, value in weighed]
    matrix = sparse.csr_array((np.array(values, dtype=np.float64), (rows, asked)), shape=(len(needs), entries))
    return matrix, most_grown


def _decode(found: np.ndarray, most_grown: int) -> tuple[np.ndarray, np.ndarray]:
    """(skills, goals) components from the products of `_asks` and the postings."""
    counts = np.floor(found * (1 / COUNT_STEP))
    words = np.minimum(found - counts * COUNT_STEP, 1.0).astype(np.float32)
    counts = counts.astype(np.int32)
    halving, top = fitting._HALVING, len(fitting._HALVING) - 1
    grown = halving.take(np.minimum(counts & (most_grown - 1), top))
    named = halving.take(np.minimum(counts >> (most_grown.bit_length() - 1), top))
    return grown, np.maximum(named, words)
