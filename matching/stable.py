"""The stable pairing: mentee-proposing deferred acceptance with mentor capacities, and counting blocking pairs.

Mentees rank mentors by value (fit, plus the bonus for a shortlisted mentor), mentors rank mentees by fit; ties go
to the lower id. Only allowed pairs count, and a mentor takes at most their free places.
"""
from __future__ import annotations

import math

import numpy as np

from matching.problem import PairingProblem, row_indices, where

LIST_LENGTH = 16  # about this many mentors per mentee are ranked at a time; more only for mentees who run out
SAMPLE_COLUMNS = 512  # mentors sampled to find where a mentee's next LIST_LENGTH mentors start
BLOCKING_SLACK = 1e-6  # float32 fit plus the bonus can round; pairs this close are checked exactly


class Preferences:
    """Each mentee's mentors, best first, handed out a list at a time rather than sorting whole rows.

    A mentor who would turn the mentee away for sure (full of mentees they rank higher) is left off: mentors only
    ever trade up, so such a mentor never becomes worth proposing to again.
    """

    def __init__(self, problem: PairingProblem):
        self.problem = problem
        self.open = problem.room > 0
        rows, columns = problem.shape
        self.options = np.zeros(0, dtype=np.intp)  # lists end to end; a mentee's current list is [next, end)
        self.next = np.zeros(rows, dtype=np.intp)
        self.end = np.zeros(rows, dtype=np.intp)
        # The last mentor listed, as (value, mentor rank): the next list starts below it.
        self.floor_value = np.full(rows, np.inf)
        self.floor_rank = np.full(rows, -1, dtype=np.intp)
        self.done = np.zeros(rows, dtype=bool)  # no mentor worth proposing to is left
        # The worst mentee each full mentor holds, as (fit, mentee rank); -inf while they have room.
        self.cut_fit = np.full(columns, -np.inf, dtype=np.float32)
        self.cut_rank = np.full(columns, -1, dtype=np.intp)
        opened = np.flatnonzero(self.open)
        opened = opened[np.argsort(problem.mentor_rank[opened], kind="stable")]
        self.sample = np.unique(opened[np.linspace(0, len(opened) - 1, min(SAMPLE_COLUMNS, len(opened)))
                                       .astype(np.intp)]) if len(opened) else opened
        self.pick = max(1, math.ceil(LIST_LENGTH * len(self.sample) / max(len(opened), 1)))

    def turned_away(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """Whether each mentor would turn the mentee away for sure; rows and columns broadcast."""
        fit, cut = self.problem.fit[rows, columns], self.cut_fit[columns]
        return (fit < cut) | ((fit == cut) & (self.problem.mentee_rank[rows] > self.cut_rank[columns]))

    def proposals(self, free: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mentees, mentors): for each free mentee the best mentor left worth proposing to; those with none drop."""
        while len(free):
            found = np.zeros(len(free), dtype=bool)
            if len(self.options):
                at = self.next[free, None] + np.arange(LIST_LENGTH)
                listed = at < self.end[free, None]
                at = np.where(listed, at, 0)
                hopeful = listed & ~self.turned_away(free[:, None], self.options[at])
                found = hopeful.any(axis=1)
                self.next[free[found]] = at[found, hopeful[found].argmax(axis=1)]
            out = free[~found]
            if not len(out):
                break
            self.refill(out)
            free = free[~self.done[free]]
        return free, self.options[self.next[free]]

    def refill(self, rows: np.ndarray) -> None:
        """Hand the mentees at `rows` their next list, or mark them done."""
        found_rows, found_columns = [], []
        rank = self.problem.mentor_rank
        for block in self.problem.blocks(rows):
            value = self.problem.value(block)
            allowed = self.problem.acceptable[block] & self.open
            floor = self.floor_value[block, None]
            allowed &= (value < floor) | ((value == floor) & (rank > self.floor_rank[block, None]))
            fit = self.problem.fit[block]
            allowed &= (fit > self.cut_fit) | ((fit == self.cut_fit)
                                               & (self.problem.mentee_rank[block, None] < self.cut_rank))
            value[~allowed] = -np.inf
            threshold = np.full(len(block), -np.inf)
            if self.pick < len(self.sample):
                threshold = np.partition(value[:, self.sample], -self.pick, axis=1)[:, -self.pick]
            local, columns = where(allowed & (value >= threshold[:, None]))
            found_rows.append(block[local])
            found_columns.append(columns)
        listed, columns = np.concatenate(found_rows), np.concatenate(found_columns)
        value = self.problem.pair_value(listed, columns)
        order = np.lexsort((rank[columns], -value, listed))
        listed, columns, value = listed[order], columns[order], value[order]
        # A threshold that let many through is cut back: the best LIST_LENGTH are kept, the floor is the last.
        keep = np.arange(len(listed)) - np.repeat(*_groups(listed)) < LIST_LENGTH
        listed, columns, value = listed[keep], columns[keep], value[keep]
        heads, lengths = _groups(listed)
        starts = len(self.options) + heads
        self.options = np.concatenate([self.options, columns])
        mentees = listed[heads]
        self.next[mentees] = starts
        self.end[mentees] = starts + lengths
        last = heads + lengths - 1
        self.floor_value[mentees] = value[last]
        self.floor_rank[mentees] = rank[columns[last]]
        self.done[np.setdiff1d(rows, mentees)] = True


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, length) of each run of equal values in sorted `keys`."""
    heads = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, dtype=np.intp)
    return heads, np.diff(np.r_[heads, len(keys)])


def stable(problem: PairingProblem) -> np.ndarray:
    """The mentee-optimal stable matching: mentor column per mentee row, -1 for unmatched.

    All free mentees propose at once, each to the best mentor not yet tried; each mentor keeps the best proposals
    up to their room and turns the rest away. Proposals a mentor would turn away for sure are skipped. The result
    is the same as proposing one at a time.
    """
    rows, columns = problem.shape
    mate = np.full(rows, -1, dtype=np.intp)
    if not rows or not (problem.room > 0).any():
        return mate
    lists = Preferences(problem)
    fit, room, mentee_rank = problem.fit, problem.room, problem.mentee_rank
    free = np.arange(rows)
    while len(free):
        free, target = lists.proposals(free)
        if not len(free):
            break
        lists.next[free] += 1
        # Everyone each proposed-to mentor now holds, plus the proposers: the best `room` stay.
        wanted = np.zeros(columns, dtype=bool)
        wanted[target] = True
        held = np.flatnonzero((mate >= 0) & wanted[np.maximum(mate, 0)])
        contenders = np.concatenate([held, free])
        at = np.concatenate([mate[held], target])
        order = np.lexsort((mentee_rank[contenders], -fit[contenders, at], at))
        contenders, at = contenders[order], at[order]
        place = np.arange(len(at)) - np.repeat(*_groups(at))
        kept = place < room[at]
        mate[contenders[kept]] = at[kept]
        mate[contenders[~kept]] = -1
        last = kept & (place == room[at] - 1)  # the worst mentee of a mentor who is now full
        lists.cut_fit[at[last]] = fit[contenders[last], at[last]]
        lists.cut_rank[at[last]] = mentee_rank[contenders[last]]
        free = np.sort(contenders[~kept])
    return mate


def blocking_pairs(problem: PairingProblem, mate: np.ndarray) -> int:
    """Allowed pairs, not matched together, where the mentee prefers the mentor to their own (or has none) and the
    mentor has a free place or prefers the mentee to the worst they hold."""
    rows, columns = problem.shape
    if not rows or not columns:
        return 0
    matched = np.flatnonzero(mate >= 0)
    load = np.bincount(mate[matched], minlength=columns)
    has_place = load < problem.room
    cut_fit = np.full(columns, np.inf, dtype=np.float32)  # mentors without room take no one
    cut_rank = np.full(columns, -1, dtype=np.intp)
    worst = matched[np.lexsort((-problem.mentee_rank[matched], problem.fit[matched, mate[matched]], mate[matched]))]
    first = np.r_[True, mate[worst][1:] != mate[worst][:-1]] if len(worst) else np.zeros(0, dtype=bool)
    cut_fit[mate[worst[first]]] = problem.fit[worst[first], mate[worst[first]]]
    cut_rank[mate[worst[first]]] = problem.mentee_rank[worst[first]]
    cut_fit[has_place] = -np.inf
    own = np.full(rows, -np.inf)
    own[matched] = problem.pair_value(matched, mate[matched])
    own_rank = np.where(mate >= 0, problem.mentor_rank[np.maximum(mate, 0)], -1)
    # A cheap float32 screen finds the few pairs a mentee might prefer (with or without the bonus of a shortlisted
    # mentor); those are then checked exactly.
    screen = (own - BLOCKING_SLACK).astype(np.float32)
    bonus = (own - problem.favourite_bonus - BLOCKING_SLACK).astype(np.float32)
    count = 0
    for block in problem.blocks():
        index = row_indices(block)
        fit = problem.fit[block]
        near = (fit >= screen[block, None]) | ((fit >= bonus[block, None]) & problem.favourite[block])
        near &= problem.acceptable[block]
        local, column = where(near)
        row = index[local]
        value = problem.pair_value(row, column)
        prefers = (value > own[row]) | ((value == own[row]) & (problem.mentor_rank[column] < own_rank[row]))
        pair_fit = problem.fit[row, column]
        wanted = (pair_fit > cut_fit[column]) | (
            (pair_fit == cut_fit[column]) & (problem.mentee_rank[row] < cut_rank[column]))
        count += int(np.count_nonzero(prefers & wanted & (problem.room[column] > 0)))
    return count
