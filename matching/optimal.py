"""The optimal pairing: as many mentees matched as possible, then the largest total value, exactly.

A pair's value is its fit, plus the favourite bonus if the mentee shortlisted the mentor. The problem is solved on a
few candidate mentors per mentee by scipy's sparse assignment solver (LAPJVsp), each mentor repeated once per free
place. LP duals then check the answer against the whole matrix: a value per mentee, a price per mentor, and every
allowed pair priced. No pair worth more than its mentee's value plus its mentor's price: the answer is optimal for
the whole problem. Otherwise those pairs become candidates and the solver runs again.

Matching more mentees comes before any value, so a pair is worth (1 pair, its value) and duals are such couples,
compared pairs first: no large constant stands in for "more pairs first", and no rounding comes with one.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sparse
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from matching.problem import PairingProblem, where

# About this many of the best allowed mentors with room per mentee go into the first solve (favourites on top).
# Fewer make the solver no faster but a second round likelier: at 5,000 x 6,250 demo profiles, 40 settle at once.
CANDIDATES = 40
SAMPLE_COLUMNS = 512  # mentors sampled to find each mentee's candidate threshold without sorting whole rows
# A pair must beat its mentee's value by more than this to join the candidates: float noise, far below any real
# difference in fit (float32 fit steps are about 6e-8), must not start another round.
PRICE_SLACK = 1e-7
PATH_SLACK = 1e-12  # shortest-path distances improve by more than this, or count as settled
MAX_ROUNDS = 50


def optimal(problem: PairingProblem, candidates: int = CANDIDATES) -> np.ndarray:
    """The mentor column for each mentee row, -1 for unmatched; `candidates` only changes how fast."""
    rows, _ = problem.shape
    mate = np.full(rows, -1, dtype=np.intp)
    open_column = problem.room > 0
    if not rows or not open_column.any():
        return mate
    chosen, bound = _candidates(problem, open_column, candidates)
    edges = where(chosen)
    for _ in range(MAX_ROUNDS):
        if not len(edges[0]):
            return mate
        value = problem.pair_value(*edges)
        mate = _solve(problem, edges, value)
        mentee_value, mentor_price = _duals(problem, edges, value, mate)
        missed = _missed(problem, chosen, open_column, bound, mentee_value, mentor_price)
        if not len(missed[0]):
            return mate
        chosen[missed] = True
        edges = (np.concatenate([edges[0], missed[0]]), np.concatenate([edges[1], missed[1]]))
    raise RuntimeError("the optimal pairing did not settle")


def _candidates(problem: PairingProblem, open_column: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(mentees x mentors) bool of candidate pairs, and per row a bound the fit of every other allowed pair is below.

    A mentee's candidates are the allowed mentors with room whose fit reaches a threshold, about the count-th best:
    taken from a sample of mentors rather than by sorting whole rows. Shortlisted mentors are always candidates.
    """
    opened = np.flatnonzero(open_column)
    opened = opened[np.argsort(problem.mentor_rank[opened], kind="stable")]  # a sample that ignores column order
    sample = np.unique(opened[np.linspace(0, len(opened) - 1, min(SAMPLE_COLUMNS, len(opened))).astype(np.intp)])
    pick = max(1, math.ceil(count * len(sample) / len(opened)))
    bound = np.full(problem.shape[0], -np.inf, dtype=np.float32)
    chosen = np.empty(problem.shape, dtype=bool)
    for rows in problem.blocks():
        fit = problem.fit[rows]
        allowed = problem.acceptable[rows] & open_column
        if pick < len(sample):
            sampled = np.where(allowed[:, sample], fit[:, sample], -np.inf)
            bound[rows] = np.partition(sampled, -pick, axis=1)[:, -pick]
        block = chosen[rows]
        np.greater_equal(fit, bound[rows, None], out=block)
        block |= problem.favourite[rows]
        block &= allowed
    return chosen, bound


def _solve(problem: PairingProblem, edges: tuple[np.ndarray, np.ndarray], value: np.ndarray) -> np.ndarray:
    """Best matching on the candidate pairs, each mentor once per free place; mentor column per row or -1.

    The side with fewer members (mentees, or mentors' places when places are scarce) is the solver's rows, each
    with a place of its own meaning "no one": the solver's time grows with the rows it has to place.
    """
    rows, columns = edges
    # Mentees and places in id order, so the answer does not depend on the order they came in.
    active = np.flatnonzero(np.bincount(rows, minlength=problem.shape[0]))
    active = active[np.argsort(problem.mentee_rank[active], kind="stable")]
    mentee_at = np.full(problem.shape[0], -1, dtype=np.intp)
    mentee_at[active] = np.arange(len(active))
    by_rank = np.argsort(problem.mentor_rank, kind="stable")
    first_place = np.zeros(problem.shape[1], dtype=np.int64)
    first_place[by_rank] = np.concatenate(([0], np.cumsum(problem.room[by_rank])[:-1]))
    places = int(problem.room.sum())
    owner = np.repeat(by_rank, problem.room[by_rank])
    copies = problem.room[columns].astype(np.intp)
    edge = np.repeat(np.arange(len(rows)), copies)
    mentee = mentee_at[rows[edge]]
    place = first_place[columns[edge]] + np.arange(len(edge)) - np.repeat(np.cumsum(copies) - copies, copies)
    # The solver wants positive costs: a pair costs from 1 to spread + 1 (less the more it is worth), leaving a
    # row on its own more than every pair together could ever save, so the number of pairs comes first.
    most, spread = float(value.max()), float(value.max() - value.min())
    sides = (mentee, place, len(active), places) if len(active) <= places else (place, mentee, places, len(active))
    near, far, count, others = sides
    alone = (count + 1) * (spread + 2)
    biadjacency = sparse.csr_array(
        (np.concatenate([most + 1 - value[edge], np.full(count, alone)]),
         (np.concatenate([near, np.arange(count)]), np.concatenate([far, others + np.arange(count)]))),
        shape=(count, others + count))
    solved_rows, solved_columns = min_weight_full_bipartite_matching(biadjacency)
    real = solved_columns < others
    solved_rows, solved_columns = solved_rows[real], solved_columns[real]
    if len(active) > places:
        solved_rows, solved_columns = solved_columns, solved_rows
    mate = np.full(problem.shape[0], -1, dtype=np.intp)
    mate[active[solved_rows]] = owner[solved_columns]
    return mate


def _duals(problem: PairingProblem, edges: tuple[np.ndarray, np.ndarray], value: np.ndarray,
           mate: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """(value per mentee, price per mentor), each a (pairs, worth) couple of arrays: LP duals of the candidate
    problem that fit the matching `mate`.

    Shortest paths from a root in the residual graph: root -> unmatched mentee and root -> mentor with a mentee
    (cost 0), mentee -> mentor for a pair not made (cost -(1, value)), mentor -> mentee for a pair made (+(1, value)).
    The distances are the largest potentials with the root at 0: mentee value = distance, mentor price = -distance,
    so each mentee gets the most and each mentor the least an optimal answer allows, and pairs outside the
    candidates seldom look better than what their mentee has. All arcs are relaxed at once until nothing moves.
    Pairs parts stay within -1..1, so they are exact in floats.
    """
    rows, columns = edges
    made = mate[rows] == columns
    matched = np.flatnonzero(mate >= 0)
    load = np.bincount(mate[matched], minlength=problem.shape[1])
    made_value = np.zeros(problem.shape[0])
    made_value[rows[made]] = value[made]
    order = np.argsort(columns[~made], kind="stable")
    free_rows, free_columns, free_value = rows[~made][order], columns[~made][order], value[~made][order]
    heads = np.flatnonzero(np.r_[True, free_columns[1:] != free_columns[:-1]]) if len(order) else order
    targets = free_columns[heads]
    segment = np.repeat(np.arange(len(heads)), np.diff(np.r_[heads, len(order)]))
    mentor_pairs, mentor_worth = np.where(load > 0, 0.0, np.inf), np.where(load > 0, 0.0, np.inf)
    mentee_pairs, mentee_worth = np.zeros(problem.shape[0]), np.zeros(problem.shape[0])
    for _ in range(problem.shape[0] + problem.shape[1] + 1):
        mentee_pairs[matched] = mentor_pairs[mate[matched]] + 1
        mentee_worth[matched] = mentor_worth[mate[matched]] + made_value[matched]
        if not len(heads):
            break
        # The lowest (pairs, worth) reaching each mentor: the fewest pairs first, then the lowest worth of those.
        pairs = mentee_pairs[free_rows] - 1
        fewest = np.minimum.reduceat(pairs, heads)
        worth = np.where(pairs == fewest[segment], mentee_worth[free_rows] - free_value, np.inf)
        lowest = np.minimum.reduceat(worth, heads)
        current_pairs, current_worth = mentor_pairs[targets], mentor_worth[targets]
        better = (fewest < current_pairs) | ((fewest == current_pairs) & (lowest < current_worth - PATH_SLACK))
        if not better.any():
            break
        mentor_pairs[targets[better]], mentor_worth[targets[better]] = fewest[better], lowest[better]
    else:
        raise RuntimeError("negative cycle: the candidate matching is not optimal")
    # Duals are never below (0, 0); only a full mentor has a price.
    mentee = _at_least_zero(mentee_pairs, mentee_worth)
    price_pairs, price_worth = _at_least_zero(-mentor_pairs, -mentor_worth)
    full = load >= problem.room
    return mentee, (np.where(full, price_pairs, 0.0), np.where(full, price_worth, 0.0))


def _at_least_zero(pairs: np.ndarray, worth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Couples raised to (0, 0) where below it (or unreached)."""
    below = (pairs < 0) | ((pairs == 0) & (worth < 0)) | ~np.isfinite(pairs)
    return np.where(below, 0.0, pairs), np.where(below, 0.0, worth)


def _missed(problem: PairingProblem, chosen: np.ndarray, open_column: np.ndarray, bound: np.ndarray,
            mentee: tuple[np.ndarray, np.ndarray],
            price: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Allowed pairs, not yet candidates, worth more than their mentee's value plus their mentor's price.

    A pair outside the candidates is worth (1, fit): no bonus, as every shortlisted pair is a candidate. Values
    and prices have 0 or 1 pairs. A mentee valued (1, u) gains from a mentor priced (0, v) when fit - v > u, never
    from one priced (1, v). A mentee valued (0, u) (unmatched, or matched where an unmatched mentee could take
    their place) always gains from a mentor priced (0, v), and from one priced (1, v) when fit - v > u. So a mentee
    valued (1, u) with u at or above their candidate bound, which every pair outside the candidates has a fit
    below, needs no check.
    """
    (mentee_pairs, mentee_worth), (price_pairs, price_worth) = mentee, price
    # Per column, what to take off the fit for each kind of mentee (+inf: never worth it, -inf: always).
    for_one = np.where(price_pairs == 0, price_worth, np.inf)
    for_none = np.where(price_pairs == 0, -np.inf, price_worth)
    pairless = mentee_pairs == 0
    check = np.flatnonzero((bound > -np.inf) & (pairless | (bound > mentee_worth + PRICE_SLACK)))
    found_rows, found_columns = [np.zeros(0, dtype=np.intp)], [np.zeros(0, dtype=np.intp)]
    for rows in problem.blocks(check):
        gain = problem.fit[rows].astype(np.float64)
        gain -= np.where(pairless[rows, None], for_none, for_one)
        missed = (gain > (mentee_worth[rows] + PRICE_SLACK)[:, None]) & problem.acceptable[rows] & open_column
        missed &= ~chosen[rows]
        local, columns = where(missed)
        found_rows.append(rows[local])
        found_columns.append(columns)
    return np.concatenate(found_rows), np.concatenate(found_columns)


def reference(problem: PairingProblem) -> tuple[int, float]:
    """(mentees matched, total value) of an optimal answer by a different route, for tests and the bench.

    `linear_sum_assignment` on the dense matrix with each mentor repeated once per free place: each allowed pair
    weighs a large constant plus its value, so more pairs always win, and a disallowed one weighs nothing.
    """
    rows, _ = problem.shape
    places = np.repeat(np.arange(problem.shape[1]), problem.room)
    if not rows or not len(places):
        return 0, 0.0
    value = problem.value(slice(None))[:, places]
    allowed = problem.acceptable[:, places]
    cardinal = (rows + 1) * (float(np.abs(value).max()) + 1)
    weight = np.where(allowed, cardinal + value, 0.0)
    chosen_rows, chosen_places = linear_sum_assignment(weight, maximize=True)
    real = allowed[chosen_rows, chosen_places]
    return int(real.sum()), float(value[chosen_rows[real], chosen_places[real]].sum())
