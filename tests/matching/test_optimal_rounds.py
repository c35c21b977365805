"""The optimal pairing settles in one solve in the common case: its first candidates already hold an optimal
answer, which the duals then certify, however crowded the mentors people want."""
from __future__ import annotations

import numpy as np
import pytest

from matching import optimal as optimal_pairing
from matching.problem import PairingProblem


def crowded_problem(rng: np.random.Generator, mentees: int, mentors: int, groups: int,
                    steepness: float) -> PairingProblem:
    """Mentees in groups of the same taste (one team, one field): each group wants the same mentors most, who
    cannot take them all, so many mentees end up well down their list, as in a real programme."""
    taste = rng.random((groups, mentors)) ** steepness
    group = rng.integers(0, groups, mentees)
    fit = np.clip(taste[group] + 0.05 * rng.standard_normal((mentees, mentors)), 0, 1).astype(np.float32)
    return PairingProblem(tuple(range(mentees)), tuple(range(10_000, 10_000 + mentors)), fit,
                          rng.random((mentees, mentors)) < 0.97, rng.integers(1, 4, mentors),
                          rng.random((mentees, mentors)) < 0.001)


@pytest.mark.parametrize(("groups", "steepness"), [(10, 4), (10, 16), (10, 64), (20, 16)])
def test_crowded_mentors_are_solved_in_one_round(groups, steepness):
    # Candidates from each mentee's best alone needed three solves here: mentees pushed past their whole list.
    problem = crowded_problem(np.random.default_rng(groups * steepness), 1500, 1875, groups, steepness)
    mate, rounds = optimal_pairing.optimal_in_rounds(problem)
    assert rounds == 1
    assert (mate == optimal_pairing.optimal(problem)).all()


def test_one_round_answer_is_the_optimum():
    problem = crowded_problem(np.random.default_rng(7), 400, 500, 4, 16)
    mate, rounds = optimal_pairing.optimal_in_rounds(problem)
    matched = np.flatnonzero(mate >= 0)
    count, value = optimal_pairing.reference(problem)
    assert rounds == 1
    assert len(matched) == count
    assert problem.pair_value(matched, mate[matched]).sum() == pytest.approx(value, abs=1e-5)


def test_a_mentee_whose_best_mentor_is_wanted_by_another_gets_a_fallback_before_the_first_solve():
    # Mentee 1 fits mentor 10 best and could take 11; mentee 2 can only take 10. On one candidate each both would
    # ask for 10 and the duals would need a second solve to move 1 to 11: the rehearsal sees 10 wanted by both.
    fit = np.array([[0.9, 0.1], [0.0, 0.0]], dtype=np.float32)
    problem = PairingProblem((1, 2), (10, 11), fit, np.array([[True, True], [True, False]]), [1, 1],
                             np.zeros((2, 2), dtype=bool))
    chosen, _ = optimal_pairing._candidates(problem, problem.room > 0, 1, fallbacks=1)
    assert chosen.toarray().tolist() == [[True, True], [True, False]]
    mate, rounds = optimal_pairing.optimal_in_rounds(problem, candidates=1)
    assert mate.tolist() == [1, 0]
    assert rounds == 1


def test_nothing_to_pair_takes_no_round():
    problem = PairingProblem((1,), (5,), [[0.9]], [[True]], [0], [[False]])
    assert optimal_pairing.optimal_in_rounds(problem)[1] == 0
