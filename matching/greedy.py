"""The greedy pairing, a baseline: again and again, make the best pair still possible.

Best by value (fit, plus the bonus for a shortlisted mentor), ties to the lower mentee id, then the lower mentor
id. The pairs are taken in bands of value from the top, so the whole matrix is never sorted.
"""
from __future__ import annotations

import numpy as np

from matching.problem import PairingProblem, where

BAND_PER_MENTEE = 4  # pairs per free mentee in each band of value
SAMPLE_ROWS, SAMPLE_COLUMNS = 256, 512  # where the next band's lower edge is estimated


def greedy(problem: PairingProblem) -> np.ndarray:
    """Mentor column per mentee row, -1 for unmatched."""
    rows, columns = problem.shape
    mate = np.full(rows, -1, dtype=np.intp)
    left = problem.room.astype(np.int64)
    ceiling = np.inf  # every pair worth this or more has been looked at
    while ceiling > -np.inf:
        free, opened = np.flatnonzero(mate < 0), np.flatnonzero(left > 0)
        if not len(free) or not len(opened):
            break
        floor = _next_floor(problem, free, opened, ceiling)
        pairs = _band(problem, free, opened, floor, ceiling)
        for row, column in pairs:
            if mate[row] < 0 and left[column] > 0:
                mate[row] = column
                left[column] -= 1
        ceiling = floor
    return mate


def _next_floor(problem: PairingProblem, free: np.ndarray, opened: np.ndarray, ceiling: float) -> float:
    """A value below which about BAND_PER_MENTEE pairs per free mentee remain above: from a sample."""
    rows = free[np.unique(np.linspace(0, len(free) - 1, min(SAMPLE_ROWS, len(free))).astype(np.intp))]
    columns = opened[np.unique(np.linspace(0, len(opened) - 1, min(SAMPLE_COLUMNS, len(opened))).astype(np.intp))]
    value = problem.value(rows)[:, columns]
    sampled = value[problem.acceptable[rows][:, columns] & (value < ceiling)]
    share = BAND_PER_MENTEE / len(opened)
    if share >= 1 or len(sampled) * share < 1:
        return -np.inf
    return float(np.quantile(sampled, 1 - share))


def _band(problem: PairingProblem, free: np.ndarray, opened: np.ndarray, floor: float,
          ceiling: float) -> list[tuple[int, int]]:
    """Allowed pairs of free mentees and mentors with room worth from `floor` to below `ceiling`, best first."""
    found_rows, found_columns, found_values = [], [], []
    for block in problem.blocks(free):
        value = problem.value(block)[:, opened]
        inside = problem.acceptable[block][:, opened] & (value >= floor) & (value < ceiling)
        local, at = where(inside)
        found_rows.append(block[local])
        found_columns.append(opened[at])
        found_values.append(value[local, at])
    rows, columns, values = (np.concatenate(found) for found in (found_rows, found_columns, found_values))
    order = np.lexsort((problem.mentor_rank[columns], problem.mentee_rank[rows], -values))
    return list(zip(rows[order].tolist(), columns[order].tolist()))
