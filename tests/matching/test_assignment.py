"""Pairing all mentees at once: the optimal objective against brute force and a dense reference, the greedy
baseline, unmatched reasons, room, determinism and a problem built from real profiles."""
from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np
import pytest

from matching import FitWeights
from matching import optimal as optimal_pairing
from matching.assignment import (
    NO_ACCEPTABLE,
    NO_CAPACITY,
    PairingProblem,
    blocking_pairs,
    compare,
    greedy,
    reference_value,
    solve,
)
from matching.scores import score_matrix
from tests.matching.conftest import mentee, mentor

OBJECTIVES = ("optimal", "stable", "greedy")


def random_problem(rng: np.random.Generator, mentees: int, mentors: int, *, ties: bool = False,
                   max_room: int = 3, with_room: float = 1.0, allowed: float = 0.7,
                   shortlisted: float = 0.2) -> PairingProblem:
    """Random fit, rules, room and shortlists; with `ties`, fit takes a few values only."""
    fit = rng.random((mentees, mentors)).astype(np.float32)
    if ties:
        fit = (np.round(fit * 3) / 3).astype(np.float32)
    return PairingProblem(
        mentee_ids=tuple(int(i) for i in rng.permutation(10 * mentees + 10)[:mentees]),
        mentor_ids=tuple(int(i) + 1000 for i in rng.permutation(10 * mentors + 10)[:mentors]),
        fit=fit,
        acceptable=rng.random((mentees, mentors)) < allowed,
        room=rng.integers(0, max_room + 1, mentors) * (rng.random(mentors) < with_room),
        favourite=rng.random((mentees, mentors)) < shortlisted,
        favourite_bonus=0.15,
    )


def value_matrix(problem: PairingProblem) -> np.ndarray:
    return problem.fit.astype(np.float64) + problem.favourite_bonus * problem.favourite


def best_by_brute_force(problem: PairingProblem) -> tuple[int, float]:
    """(most mentees matched, then the largest value) over every assignment, by memoised search."""
    value = value_matrix(problem)
    rows, columns = problem.shape

    @lru_cache(maxsize=None)
    def best(row: int, room: tuple[int, ...]) -> tuple[int, float]:
        if row == rows:
            return 0, 0.0
        found = best(row + 1, room)
        for column in range(columns):
            if problem.acceptable[row, column] and room[column] > 0:
                count, total = best(row + 1, room[:column] + (room[column] - 1,) + room[column + 1:])
                found = max(found, (count + 1, total + value[row, column]))
        return found

    return best(0, tuple(problem.room.tolist()))


def assert_within_the_rules(problem: PairingProblem, assignment) -> None:
    row_of = {m: r for r, m in enumerate(problem.mentee_ids)}
    column_of = {m: c for c, m in enumerate(problem.mentor_ids)}
    load = np.zeros(problem.shape[1], dtype=int)
    for pair in assignment.pairs:
        row, column = row_of[pair.mentee_id], column_of[pair.mentor_id]
        assert problem.acceptable[row, column]
        assert pair.fit == pytest.approx(float(problem.fit[row, column]))
        assert pair.favourite == bool(problem.favourite[row, column])
        load[column] += 1
    assert (load <= problem.room).all(), "a mentor got more mentees than free places"
    assert [p.mentee_id for p in assignment.pairs] == sorted(p.mentee_id for p in assignment.pairs)
    assert set(assignment.unmatched) | {p.mentee_id for p in assignment.pairs} == set(problem.mentee_ids)
    assert not set(assignment.unmatched) & {p.mentee_id for p in assignment.pairs}


def test_optimal_matches_brute_force_on_small_problems():
    rng = np.random.default_rng(7)
    for case in range(400):
        problem = random_problem(rng, int(rng.integers(1, 7)), int(rng.integers(1, 5)), ties=case % 2 == 0)
        count, value = best_by_brute_force(problem)
        found = solve(problem, "optimal")
        assert_within_the_rules(problem, found)
        assert len(found.pairs) == count, case
        assert found.value == pytest.approx(value, abs=1e-6), case
        assert found.total + problem.favourite_bonus * found.favourites == pytest.approx(found.value)


@pytest.mark.parametrize("candidates", [1, 2])
def test_optimal_stays_exact_when_first_solved_on_very_few_candidates(candidates):
    # With one or two candidates per mentee the first answer is rarely optimal: the duals must find what is missed.
    rng = np.random.default_rng(candidates)
    for case in range(300):
        problem = random_problem(rng, int(rng.integers(1, 7)), int(rng.integers(1, 5)), ties=case % 3 == 0)
        mate = optimal_pairing.optimal(problem, candidates=candidates)
        matched = np.flatnonzero(mate >= 0)
        count, value = best_by_brute_force(problem)
        assert len(matched) == count, case
        assert value_matrix(problem)[matched, mate[matched]].sum() == pytest.approx(value, abs=1e-6), case


def test_optimal_moves_a_mentee_to_make_room_for_an_unmatched_one_even_at_zero_fit():
    # Mentee 1 fits mentor 10 best and could take 11; mentee 2 can only take 10, and fits it not at all. Solved
    # first on one candidate each (both on 10), only the duals can show that 1 should move to 11.
    fit = np.array([[0.9, 0.1], [0.0, 0.0]], dtype=np.float32)
    acceptable = np.array([[True, True], [True, False]])
    problem = PairingProblem((1, 2), (10, 11), fit, acceptable, [1, 1], np.zeros((2, 2), dtype=bool))
    mate = optimal_pairing.optimal(problem, candidates=1)
    assert mate.tolist() == [1, 0]
    assert [(p.mentee_id, p.mentor_id) for p in solve(problem).pairs] == [(1, 11), (2, 10)]


def popular_problem(rng: np.random.Generator, mentees: int = 200, mentors: int = 250) -> PairingProblem:
    """Everyone ranks mentors nearly alike and each has one place: most must go far down their list."""
    quality = np.linspace(0.95, 0.05, mentors)[rng.permutation(mentors)]
    fit = np.clip(quality[None, :] + 0.02 * rng.standard_normal((mentees, mentors)), 0, 1).astype(np.float32)
    return PairingProblem(tuple(range(mentees)), tuple(range(1000, 1000 + mentors)), fit,
                          rng.random((mentees, mentors)) < 0.9, np.ones(mentors, dtype=int),
                          rng.random((mentees, mentors)) < 0.01)


def test_optimal_finds_pairs_far_outside_its_first_candidates():
    problem = popular_problem(np.random.default_rng(11))
    first, _ = optimal_pairing._candidates(problem, problem.room > 0, optimal_pairing.CANDIDATES)
    found = solve(problem, "optimal")
    row_of = {m: r for r, m in enumerate(problem.mentee_ids)}
    outside = [p for p in found.pairs if not first[row_of[p.mentee_id], p.mentor_id - 1000]]
    assert len(outside) > 20  # pairs a first solve alone cannot make: an early stop would miss the reference
    assert found.value == pytest.approx(reference_value(problem), abs=1e-6)
    assert len(found.pairs) == 200


KINDS = ["random", "popular", "scarce", "ties", "few allowed", "wide"]  # wide: thresholds from a sample


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("candidates", [1, optimal_pairing.CANDIDATES])
def test_optimal_equals_the_dense_reference_on_medium_problems(kind, candidates):
    rng = np.random.default_rng(100 * KINDS.index(kind) + candidates)
    for _ in range(3):
        problem = {
            "random": lambda: random_problem(rng, 200, 250),
            "popular": lambda: popular_problem(rng),
            "scarce": lambda: random_problem(rng, 200, 250, with_room=0.2),
            "ties": lambda: random_problem(rng, 200, 250, ties=True),
            "few allowed": lambda: random_problem(rng, 200, 250, allowed=0.02, max_room=1),
            "wide": lambda: random_problem(rng, 200, 1500, max_room=1),
        }[kind]()
        mate = optimal_pairing.optimal(problem, candidates=candidates)
        matched = np.flatnonzero(mate >= 0)
        count, value = optimal_pairing.reference(problem)
        assert len(matched) == count
        assert value_matrix(problem)[matched, mate[matched]].sum() == pytest.approx(value, abs=1e-5)
        assert (np.bincount(mate[matched], minlength=problem.shape[1]) <= problem.room).all()


def test_reference_value_agrees_with_brute_force():
    rng = np.random.default_rng(3)
    for _ in range(100):
        problem = random_problem(rng, int(rng.integers(1, 6)), int(rng.integers(1, 4)))
        assert reference_value(problem) == pytest.approx(best_by_brute_force(problem)[1], abs=1e-6)


def greedy_by_brute_force(problem: PairingProblem) -> list[tuple[int, int]]:
    value = value_matrix(problem)
    pairs = sorted(((-value[r, c], problem.mentee_ids[r], problem.mentor_ids[c], r, c)
                    for r, c in itertools.product(*map(range, problem.shape)) if problem.acceptable[r, c]))
    room, taken, made = problem.room.copy(), set(), []
    for *_, row, column in pairs:
        if row not in taken and room[column] > 0:
            taken.add(row)
            room[column] -= 1
            made.append((problem.mentee_ids[row], problem.mentor_ids[column]))
    return sorted(made)


@pytest.mark.parametrize("size", [(5, 4), (60, 40), (300, 200), (100, 1200)])
def test_greedy_takes_the_best_pair_still_possible_again_and_again(size):
    rng = np.random.default_rng(size[0])
    for case in range(20 if size[0] < 100 else 2):
        problem = random_problem(rng, *size, ties=case % 2 == 0, max_room=2)
        found = greedy(problem)
        assert found.objective == "greedy"
        assert [(p.mentee_id, p.mentor_id) for p in found.pairs] == greedy_by_brute_force(problem)


def test_unmatched_mentees_are_told_why():
    fit = np.full((4, 2), 0.5, dtype=np.float32)
    acceptable = np.array([[True, False], [True, False], [False, False], [False, True]])
    problem = PairingProblem((10, 11, 12, 13), (20, 21), fit, acceptable, [1, 0], np.zeros((4, 2), dtype=bool))
    for objective in OBJECTIVES:
        found = solve(problem, objective)
        assert len(found.pairs) == 1 and found.pairs[0].mentor_id == 20
        unmatched = {10: NO_CAPACITY, 11: NO_CAPACITY, 12: NO_ACCEPTABLE, 13: NO_CAPACITY}  # 21 has no place
        del unmatched[found.pairs[0].mentee_id]
        assert found.unmatched == unmatched
        assert found.matched_fraction == 0.25


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_no_objective_gives_a_mentor_more_than_their_room(objective):
    rng = np.random.default_rng(5)
    for case in range(30):
        problem = random_problem(rng, int(rng.integers(1, 80)), int(rng.integers(1, 30)), ties=case % 2 == 0,
                                 max_room=int(rng.integers(0, 4)))
        found = solve(problem, objective)
        assert_within_the_rules(problem, found)
        assert found.blocking_pairs == blocking_pairs(problem, found)
        assert found.favourites == sum(p.favourite for p in found.pairs)
        assert found.total == pytest.approx(sum(p.fit for p in found.pairs), abs=1e-6)


def shuffled(problem: PairingProblem, rng: np.random.Generator) -> PairingProblem:
    rows, columns = rng.permutation(problem.shape[0]), rng.permutation(problem.shape[1])
    return PairingProblem(
        tuple(problem.mentee_ids[r] for r in rows), tuple(problem.mentor_ids[c] for c in columns),
        problem.fit[np.ix_(rows, columns)], problem.acceptable[np.ix_(rows, columns)], problem.room[columns],
        problem.favourite[np.ix_(rows, columns)], problem.favourite_bonus)


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_the_same_problem_gives_the_same_pairs_in_any_order(objective):
    rng = np.random.default_rng(9)
    for size in [(6, 4), (150, 120), (400, 300)]:
        problem = random_problem(rng, *size, ties=True, shortlisted=0.05)  # ties: many optimal answers
        pairs = solve(problem, objective).pairs
        assert solve(problem, objective).pairs == pairs
        assert solve(shuffled(problem, rng), objective).pairs == pairs


def test_compare_solves_both_objectives_of_one_problem():
    problem = random_problem(np.random.default_rng(4), 50, 40)
    both = compare(problem)
    assert set(both) == {"optimal", "stable"}
    assert both["optimal"].objective == "optimal" and both["stable"].objective == "stable"
    assert both["stable"].blocking_pairs == 0
    assert len(both["optimal"].pairs) >= len(both["stable"].pairs)
    if len(both["optimal"].pairs) == len(both["stable"].pairs):
        assert both["optimal"].value >= both["stable"].value - 1e-9


def test_empty_problems_leave_everyone_unmatched():
    none = np.zeros((0, 0))
    for problem in [PairingProblem((), (), none, none, [], none),
                    PairingProblem((1, 2), (), np.zeros((2, 0)), np.zeros((2, 0)), [], np.zeros((2, 0))),
                    PairingProblem((1,), (5,), [[0.9]], [[True]], [0], [[False]])]:
        for objective in OBJECTIVES:
            found = solve(problem, objective)
            assert found.pairs == [] and found.total == 0 and found.blocking_pairs == 0
    assert solve(PairingProblem((1,), (5,), [[0.9]], [[True]], [0], [[False]])).unmatched == {1: NO_CAPACITY}
    with pytest.raises(ValueError):
        solve(PairingProblem((1,), (5,), [[0.9]], [[True]], [1], [[False]]), "fastest")


def test_a_shortlisted_mentor_wins_when_the_bonus_outweighs_the_difference_in_fit():
    problem = PairingProblem((1,), (5, 6), [[0.70, 0.60]], [[True, True]], [1, 1], [[False, True]], 0.15)
    for objective in OBJECTIVES:
        found = solve(problem, objective)
        assert found.pairs[0].mentor_id == 6 and found.favourites == 1
        assert found.value == pytest.approx(0.75) and found.total == pytest.approx(0.6)
    problem.favourite_bonus = 0.05
    assert solve(problem).pairs[0].mentor_id == 5


def test_pairing_real_profiles_uses_the_directory_fit(build):
    directory = build([mentor(1, "Sam Okafor", skills=("Python",), capacity=2), mentor(2, skills=("Coaching",)),
                       mentor(3, location="In person")])
    mentees = [mentee(id=10, grow=("Python",)), mentee(id=11, grow=("Coaching",)), mentee(id=12, grow=("Python",)),
               mentee(id=3, grow=("Python",))]
    weights = FitWeights()
    problem = PairingProblem.build(directory, mentees, weights=weights, room={1: 2, 2: 1, 3: 1},
                                   forbidden=[(12, 1)], favourites=[(11, 2)])
    np.testing.assert_array_equal(problem.fit, score_matrix(directory, mentees, weights))
    found = solve(problem)
    made = {p.mentee_id: p.mentor_id for p in found.pairs}
    assert made[10] == 1 and made[11] == 2 and made[3] == 1  # 12 declined mentor 1; 3 cannot mentor themselves
    assert 12 not in made and found.unmatched == {12: NO_CAPACITY}  # 3 meets in person only, 12 virtually
    for pair in found.pairs:
        said = directory.explain(mentees[[m.id for m in mentees].index(pair.mentee_id)], pair.mentor_id, weights)
        assert said.score == pytest.approx(pair.fit, abs=1e-6)
