"""The optimal pairing: as many mentees matched as possible, then the largest total value, exactly.

A pair's value is its fit, plus the favourite bonus if the mentee shortlisted the mentor. The problem is solved on a
few candidate mentors per mentee by scipy's sparse assignment solver (LAPJVsp), each mentor repeated once per free
place. LP duals then check the answer against the whole matrix: a value per mentee, a price per mentor, and every
allowed pair priced. No pair worth more than its mentee's value plus its mentor's price: the answer is optimal for
the whole problem. Otherwise those pairs become candidates and the solver runs again. Candidates reach past each
mentee's best to mentors a quick rehearsal says will not fill up, so that the first solve is nearly always
certified at once.

Matching more mentees comes before any value, so a pair is worth (1 pair, its value) and duals are such couples,
compared pairs first: no large constant stands in for "more pairs first", and no rounding comes with one.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sparse
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from matching.problem import PairingProblem, where, where_sparse

# About this many of the best allowed mentors with room per mentee go into the first solve (favourites on top),
# more when many of them are in demand (see _candidates). Fewer make a second round likelier.
CANDIDATES = 40
FALLBACKS = 10  # candidates reach down each mentee's list until this many are mentors not in demand
REHEARSALS = 1000  # passes at most of the rehearsal that tells which mentors are in demand (see _in_demand)
SAMPLE_COLUMNS = 1024  # mentors sampled to find each mentee's candidate threshold without sorting whole rows
WHOLE_ROWS_SHARE = 0.25  # at most this share of mentees short of fallbacks look at their whole row (_candidates)
WIDER = 4  # the sample's threshold aims at this many times the candidates: rows seldom have too few above it
# A pair must beat its mentee's value by more than this to join the candidates: float noise, far below any real
# difference in fit (float32 fit steps are about 6e-8), must not start another round.
PRICE_SLACK = 1e-7
PATH_SLACK = 1e-12  # shortest-path distances improve by more than this, or count as settled
MAX_ROUNDS = 50


def optimal(problem: PairingProblem, candidates: int = CANDIDATES) -> np.ndarray:
    """The mentor column for each mentee row, -1 for unmatched; `candidates` only changes how fast."""
    return optimal_in_rounds(problem, candidates)[0]


def optimal_in_rounds(problem: PairingProblem, candidates: int = CANDIDATES) -> tuple[np.ndarray, int]:
    """`optimal`, and how many times the solver ran before the duals certified the answer (0: nothing to pair)."""
    rows, _ = problem.shape
    mate = np.full(rows, -1, dtype=np.intp)
    open_column = problem.room > 0
    if not rows or not open_column.any():
        return mate, 0
    chosen, bound = _candidates(problem, open_column, candidates, FALLBACKS)
    edges = where_sparse(chosen)
    for round_ in range(1, MAX_ROUNDS + 1):
        if not len(edges[0]):
            return mate, round_ - 1
        value = problem.pair_value(*edges)
        mate = _solve(problem, edges, value)
        mentee_value, mentor_price = _duals(problem, edges, value, mate)
        missed = _missed(problem, chosen, open_column, bound, mentee_value, mentor_price)
        if not len(missed[0]):
            return mate, round_
        edges = (np.concatenate([edges[0], missed[0]]), np.concatenate([edges[1], missed[1]]))
        chosen = _pairs(edges, problem.shape)
        edges = where_sparse(chosen)
    raise RuntimeError("the optimal pairing did not settle")


def _candidates(problem: PairingProblem, open_column: np.ndarray, count: int,
                fallbacks: int = 0) -> tuple[sparse.csr_array, np.ndarray]:
    """(mentees x mentors) sparse bool of candidate pairs, and per row a bound the fit of every other allowed pair
    is below.

    A mentee's candidates are their `count` best allowed mentors with room, and further down their list until
    `fallbacks` of them are mentors not in demand (see _in_demand): a mentor wanted by more mentees than they have
    places goes to only some of them, and the others need good places to fall back on within their candidates, or
    the duals find pairs the first solve missed and the solver runs again. Shortlisted mentors are always
    candidates.

    The best are found without sorting whole rows: a sample of mentors gives each row a low threshold that about
    WIDER times `count` mentors reach, only those are sorted (rows with too few above it take every allowed mentor).
    """
    rows_count, count = problem.shape[0], max(1, count)
    opened = np.flatnonzero(open_column)
    opened = opened[np.argsort(problem.mentor_rank[opened], kind="stable")]  # a sample that ignores column order
    sample = np.unique(opened[np.linspace(0, len(opened) - 1, min(SAMPLE_COLUMNS, len(opened))).astype(np.intp)])
    pick = max(1, math.ceil(WIDER * count * len(sample) / len(opened)))
    low = np.full(rows_count, -np.inf, dtype=np.float32)
    near_rows, near_columns, favourite_rows, favourite_columns = [], [], [], []
    for rows in problem.blocks():
        fit = problem.fit[rows]
        allowed = problem.acceptable[rows] & open_column
        if pick < len(sample):
            sampled = np.where(allowed[:, sample], fit[:, sample], -np.inf)
            low[rows] = np.partition(sampled, -pick, axis=1)[:, -pick]
        local, columns = where((fit >= low[rows, None]) & allowed)
        near_rows.append(local + rows.start)
        near_columns.append(columns)
        local, columns = where(problem.favourite[rows])
        ok = allowed[local, columns]
        favourite_rows.append(local[ok] + rows.start)
        favourite_columns.append(columns[ok])
    near_rows, near_columns = np.concatenate(near_rows), np.concatenate(near_columns)
    # Rows the sample misled (fewer than `count` above their threshold) take every allowed mentor with room.
    short = np.flatnonzero((np.bincount(near_rows, minlength=rows_count) < count) & (low > -np.inf))
    if len(short):
        low[short] = -np.inf
        is_short = np.zeros(rows_count, dtype=bool)
        is_short[short] = True
        keep = ~is_short[near_rows]
        extra = where(problem.acceptable[short] & open_column)
        near_rows = np.concatenate([near_rows[keep], short[extra[0]]])
        near_columns = np.concatenate([near_columns[keep], extra[1]])
    order = _by_row_best_first(problem, near_rows, near_columns)
    near_rows, near_columns = near_rows[order], near_columns[order]
    near_fit = problem.fit[near_rows, near_columns]
    starts = np.searchsorted(near_rows, np.arange(rows_count))
    place = np.arange(len(near_rows)) - starts[near_rows]
    fallbacks = min(count, fallbacks)
    in_demand = _in_demand(problem, starts, near_columns, near_fit) if fallbacks else np.zeros(problem.shape[1], bool)
    free_seen = np.cumsum(~in_demand[near_columns])
    free_seen -= np.r_[0, free_seen][starts[near_rows]]
    enough = np.flatnonzero((place >= count - 1) & (free_seen >= fallbacks))
    first = np.flatnonzero(np.r_[True, near_rows[enough][1:] != near_rows[enough][:-1]]) if len(enough) else enough
    bound = low.copy()
    bound[near_rows[enough[first]]] = near_fit[enough[first]]
    # Rows without enough fallbacks above their threshold look at the whole row: a few, at whole-row cost. When
    # many lack them, places are scarce everywhere: whole rows would make nearly every pair a candidate, so those
    # mentees keep their `count` best (they have that many above the threshold) and the duals add what is missed.
    unsettled = np.flatnonzero((bound == low) & (low > -np.inf))
    if len(unsettled) > WHOLE_ROWS_SHARE * rows_count:
        bound[unsettled] = near_fit[starts[unsettled] + count - 1]
        unsettled = unsettled[:0]
    taken = near_fit >= bound[near_rows]
    pairs = [(near_rows[taken], near_columns[taken]), *zip(favourite_rows, favourite_columns)]
    for rows in problem.blocks(unsettled):
        fit = problem.fit[rows]
        allowed = problem.acceptable[rows] & open_column
        best = np.partition(np.where(allowed, fit, -np.inf), -count, axis=1)[:, -count] \
            if count <= fit.shape[1] else np.full(len(rows), -np.inf, dtype=np.float32)
        spare = np.partition(np.where(allowed & ~in_demand, fit, -np.inf), -fallbacks, axis=1)[:, -fallbacks] \
            if 0 < fallbacks <= fit.shape[1] else np.full(len(rows), np.inf if not fallbacks else -np.inf, np.float32)
        bound[rows] = np.minimum(best, spare)
        local, columns = where(allowed & (fit >= bound[rows, None]))
        pairs.append((rows[local], columns))
    chosen = _pairs((np.concatenate([rows for rows, _ in pairs]), np.concatenate([columns for _, columns in pairs])),
                    problem.shape)
    return chosen, bound


def _in_demand(problem: PairingProblem, starts: np.ndarray, columns: np.ndarray, fit: np.ndarray) -> np.ndarray:
    """Per mentor, True if likely to fill up, from a quick rehearsal of who goes where.

    Pairs come sorted by row and best first, each row's from `starts` on. Every mentee asks their best mentor;
    a mentor keeps the best-fitting of those asking (ties: the lower mentee id), up to their places, and turns the
    rest away, who ask their next best; until no one is turned away, or for REHEARSALS passes (mentees whose lists
    run out stop asking). The mentors left full are in demand. Each pass looks only at mentors someone newly asked.
    """
    ends = np.r_[starts[1:], len(columns)]
    listed = np.flatnonzero(starts < ends)
    listed = listed[np.argsort(problem.mentee_rank[listed], kind="stable")]
    at, end = starts[listed], ends[listed]
    asking = np.ones(len(at), dtype=bool)
    involved = np.arange(len(at))
    for _ in range(REHEARSALS):
        asked = columns[at[involved]]
        order = np.argsort(_row_then_best_first(asked, fit[at[involved]]), kind="stable")
        in_order = asked[order]
        heads = np.flatnonzero(np.r_[True, in_order[1:] != in_order[:-1]])
        rank = np.arange(len(order)) - np.repeat(heads, np.diff(np.r_[heads, len(order)]))
        turned = involved[order[rank >= problem.room[in_order]]]
        if not len(turned):
            break
        at[turned] += 1
        asking[turned[at[turned] >= end[turned]]] = False
        newly = np.zeros(problem.shape[1], dtype=bool)
        newly[columns[at[turned[asking[turned]]]]] = True
        involved = np.flatnonzero(asking & newly[columns[np.minimum(at, len(columns) - 1)]])
    return np.bincount(columns[at[asking]], minlength=problem.shape[1]) >= problem.room


def _by_row_best_first(problem: PairingProblem, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The order of pairs by row, then by fit from the best down, then by mentor id: the same in any column order."""
    key = _row_then_best_first(rows, problem.fit[rows, columns])
    order = np.argsort(key, kind="stable")
    key = key[order]
    same = key[1:] == key[:-1]
    tied = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
    if len(tied):
        # Only pairs of equal fit in a row are sorted again, by mentor id: a few, in runs kept apart by number.
        run = np.cumsum(np.r_[True, key[tied][1:] != key[tied][:-1]]).astype(np.int64)
        order[tied] = order[tied][np.argsort((run << 32) | problem.mentor_rank[columns[order[tied]]], kind="stable")]
    return order


def _row_then_best_first(rows: np.ndarray, fit: np.ndarray) -> np.ndarray:
    """int64 keys that sort pairs by row (or any small integer), then by fit from the best down: one integer sort,
    far faster than lexsort.

    A float32's bits, read as an int32 with the lower 31 bits flipped when negative, order as its value does.
    """
    bits = fit.astype(np.float32).view(np.int32)
    ordered = np.where(bits < 0, bits ^ np.int32(0x7FFFFFFF), bits).astype(np.int64)
    return (rows.astype(np.int64) << 32) | (0x7FFFFFFF - ordered)


def _pairs(edges: tuple[np.ndarray, np.ndarray], shape: tuple[int, int]) -> sparse.csr_array:
    """Pairs as a sparse bool matrix, each once, rows and columns in order."""
    matrix = sparse.csr_array((np.ones(len(edges[0]), dtype=bool), edges), shape=shape)
    matrix.sum_duplicates()
    return matrix


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


def _missed(problem: PairingProblem, chosen: sparse.csr_array, open_column: np.ndarray, bound: np.ndarray,
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
        missed &= ~chosen[rows].toarray()
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
