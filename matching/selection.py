"""Choosing a page of mentors fast: bounds that spare most fit scoring, and one packed sort key per mentor."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from matching.columns import POSITION_BITS, MentorColumns
from matching.fit import FitScorer

# With a query, fit can move a mentor by at most half their relevance: search finds, fit orders the finds.
RELEVANCE_FLOOR = 0.5
# Mentors whose pending requests already fill their places sink a little, to spread requests around.
POPULAR_FACTOR = 0.9
# Sort keys pack (full, score, room, position) into one int64: one sort gives a deterministic order.
_SCORE_STEPS = (1 << 24) - 1
_SCORE_SHIFT = POSITION_BITS + 3  # above the position and the room rank (0..7)
_TIER_SHIFT = _SCORE_SHIFT + 24
# Up to this many matching mentors, scoring them all is cheaper than working out whom to leave out.
SCORE_ALL_UP_TO = 2048
# From this many candidates per wanted result, a strided sample first finds a bar that few candidates pass.
_SAMPLE_FROM = 64


@dataclass
class Candidates:
    """Mentors still in the running, as parallel arrays: position, relevance, fit and the score to sort by."""

    positions: np.ndarray
    relevance: np.ndarray
    fit: np.ndarray | None = None
    score: np.ndarray | None = None

    def __add__(self, other: Candidates) -> Candidates:
        return Candidates(*(np.concatenate(pair) for pair in zip(
            (self.positions, self.relevance, self.fit, self.score),
            (other.positions, other.relevance, other.fit, other.score))))


def by_relevance(mask: np.ndarray, relevance: np.ndarray, count: int) -> Candidates:
    """The matching mentors that may be among the first `count` by relevance, scored by relevance alone."""
    within = relevance * mask
    positions = np.flatnonzero(mask & (within >= kth_largest(within, count)))
    found = Candidates(positions, relevance.take(positions))
    found.score = found.relevance
    return found


def by_fit(mask: np.ndarray, relevance: np.ndarray, scorer: FitScorer, columns: MentorColumns, count: int,
           has_query: bool) -> Candidates:
    """The matching mentors that may be among the first `count` by score, with scores; fit is worked out for few.

    A score never exceeds the relevance. So the most relevant mentors with room are scored first; the count-th
    best score among them is a bar that anyone else needs relevance above to reach the page. Full mentors only
    follow the rest, so they are left out once `count` mentors with room match.
    """
    if not has_query or np.count_nonzero(mask) <= SCORE_ALL_UP_TO:
        return scored(np.flatnonzero(mask), relevance, scorer, columns, has_query)
    eligible = mask & ~columns.full
    if np.count_nonzero(eligible) < count:
        return scored(np.flatnonzero(mask), relevance, scorer, columns, has_query)
    within = relevance * eligible  # hits always have relevance above 0
    top = kth_largest(within, count)
    first = scored(np.flatnonzero(within >= top), relevance, scorer, columns, has_query)
    rest = np.flatnonzero((within >= kth_largest(first.score, count)) & (within < top))
    return first + scored(rest, relevance, scorer, columns, has_query) if len(rest) else first


def scored(positions: np.ndarray, relevance: np.ndarray, scorer: FitScorer, columns: MentorColumns,
           has_query: bool) -> Candidates:
    """Candidates at `positions` (ascending) with fit, and score: fit alone without a query."""
    found = Candidates(positions, relevance.take(positions), scorer.fit(positions))
    score = found.relevance * (RELEVANCE_FLOOR + (1 - RELEVANCE_FLOOR) * found.fit) if has_query else found.fit
    popular = columns.popular.take(positions)
    if popular.any():
        score = np.where(popular, score * np.float32(POPULAR_FACTOR), score)
    found.score = score.astype(np.float32, copy=False)
    return found


def order(found: Candidates, tier: np.ndarray, columns: MentorColumns, count: int) -> list[int]:
    """Indices into `found` of the best `count`: tier, then score, room and id (position), as packed int64 keys."""
    if count <= 0 or not len(found.positions):
        return []
    score = found.score
    chosen = np.arange(len(score))
    if len(score) > count * _SAMPLE_FROM:
        # Only candidates at or above the count-th best need keys; the margin keeps those whose score rounds to
        # the same key step.
        value = score - np.float32(2) * tier if tier.any() else score
        chosen = np.flatnonzero(value >= kth_largest(value, count) - 1e-6)
    # Scores are in [0, 1]; 24 bits of them make ties rare and leave the low bits to room and position.
    key = ((1 - score[chosen]) * _SCORE_STEPS + 0.5).astype(np.int64) << _SCORE_SHIFT
    key |= columns.sort_low.take(found.positions.take(chosen))
    key |= tier[chosen].astype(np.int64) << _TIER_SHIFT
    return chosen[np.argsort(key)][:count].tolist()


def kth_largest(values: np.ndarray, count: int) -> float:
    """The count-th largest value (the smallest one if there are fewer), found cheaply.

    Often the largest value is shared by `count` values; otherwise, for many values, the count-th largest of a
    strided sample (never above the true one) first sets aside all but a few, which are then partitioned exactly.
    """
    if len(values) == 0:
        return 0.0
    if len(values) <= count:
        return float(values.min())
    top = values.max()
    if np.count_nonzero(values >= top) >= count:
        return float(top)
    if len(values) > count * _SAMPLE_FROM:
        sample = values[::int(math.sqrt(len(values) / count))]
        values = values[values >= np.partition(sample, len(sample) - count)[len(sample) - count]]
    return float(np.partition(values, len(values) - count)[len(values) - count])
