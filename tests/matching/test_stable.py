"""The stable objective: no blocking pairs, the best stable answer for every mentee, counted blocking pairs."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from matching import stable as stable_pairing
from matching.assignment import PairingProblem, solve


def random_problem(rng: np.random.Generator, mentees: int, mentors: int, ties: bool = False) -> PairingProblem:
    fit = rng.random((mentees, mentors)).astype(np.float32)
    if ties:
        fit = (np.round(fit * 2) / 2).astype(np.float32)
    return PairingProblem(tuple(int(i) for i in rng.permutation(10 * mentees)[:mentees]),
                          tuple(int(i) + 500 for i in rng.permutation(10 * mentors)[:mentors]), fit,
                          rng.random((mentees, mentors)) < 0.7, rng.integers(0, 4, mentors),
                          rng.random((mentees, mentors)) < 0.3, 0.15)


def mentee_key(problem: PairingProblem, row: int, column: int) -> tuple:
    """How the mentee at `row` ranks a mentor (higher is better; -1: unmatched), ties to the lower mentor id."""
    if column < 0:
        return (-np.inf, 0)
    value = float(problem.fit[row, column]) + problem.favourite_bonus * bool(problem.favourite[row, column])
    return (value, -problem.mentor_ids[column])


def mentor_key(problem: PairingProblem, row: int, column: int) -> tuple:
    return (float(problem.fit[row, column]), -problem.mentee_ids[row])


def blocking_by_brute_force(problem: PairingProblem, mate: list[int]) -> int:
    count = 0
    for row, column in itertools.product(*map(range, problem.shape)):
        if not problem.acceptable[row, column] or mate[row] == column or problem.room[column] == 0:
            continue
        if mentee_key(problem, row, column) <= mentee_key(problem, row, mate[row]):
            continue
        held = [r for r in range(problem.shape[0]) if mate[r] == column]
        if len(held) < problem.room[column] or any(
                mentor_key(problem, row, column) > mentor_key(problem, r, column) for r in held):
            count += 1
    return count


def every_matching(problem: PairingProblem):
    rows, columns = problem.shape

    def extend(row: int, room: list[int]):
        if row == rows:
            yield []
            return
        for column in [-1, *range(columns)]:
            if column >= 0 and not (problem.acceptable[row, column] and room[column] > 0):
                continue
            if column >= 0:
                room[column] -= 1
            for rest in extend(row + 1, room):
                yield [column, *rest]
            if column >= 0:
                room[column] += 1

    yield from extend(0, problem.room.tolist())


def test_a_textbook_case():
    # Both mentees want mentor 10 most; 10 keeps the one who fits them better, the other goes to 11.
    fit = np.array([[0.9, 0.5], [0.8, 0.7]], dtype=np.float32)
    problem = PairingProblem((1, 2), (10, 11), fit, np.ones((2, 2), dtype=bool), [1, 1], np.zeros((2, 2), bool))
    found = solve(problem, "stable")
    assert [(p.mentee_id, p.mentor_id) for p in found.pairs] == [(1, 10), (2, 11)]
    problem.fit = np.array([[0.9, 0.5], [0.95, 0.7]], dtype=np.float32)
    found = solve(problem, "stable")
    assert [(p.mentee_id, p.mentor_id) for p in found.pairs] == [(1, 11), (2, 10)]


@pytest.mark.parametrize("list_length", [1, 2, stable_pairing.LIST_LENGTH])
def test_stable_has_no_blocking_pair_and_is_the_best_stable_answer_for_every_mentee(monkeypatch, list_length):
    # Short lists make mentees run out and get their next ones: the answer must not change.
    monkeypatch.setattr(stable_pairing, "LIST_LENGTH", list_length)
    monkeypatch.setattr(stable_pairing, "SAMPLE_COLUMNS", 2)
    rng = np.random.default_rng(list_length)
    for case in range(150):
        problem = random_problem(rng, int(rng.integers(1, 6)), int(rng.integers(1, 4)), ties=case % 2 == 0)
        mate = stable_pairing.stable(problem).tolist()
        assert blocking_by_brute_force(problem, mate) == 0, case
        assert stable_pairing.blocking_pairs(problem, np.array(mate)) == 0
        stable_ones = [m for m in every_matching(problem) if blocking_by_brute_force(problem, m) == 0]
        assert mate in stable_ones
        for other in stable_ones:
            for row in range(problem.shape[0]):
                assert mentee_key(problem, row, mate[row]) >= mentee_key(problem, row, other[row]), case


def test_blocking_pairs_are_counted_as_defined():
    rng = np.random.default_rng(8)
    for case in range(200):
        problem = random_problem(rng, int(rng.integers(1, 7)), int(rng.integers(1, 5)), ties=case % 2 == 0)
        matchings = list(itertools.islice(every_matching(problem), 0, None, 7))
        for mate in matchings[:5]:
            assert stable_pairing.blocking_pairs(problem, np.array(mate)) == blocking_by_brute_force(problem, mate)


@pytest.mark.parametrize("size", [(300, 200), (500, 80), (200, 1200)])
def test_stable_on_larger_problems_has_no_blocking_pair_and_respects_room(size):
    # blocking_pairs itself is checked against the definition above.
    rng = np.random.default_rng(size[1])
    problem = random_problem(rng, *size, ties=True)
    found = solve(problem, "stable")
    assert found.blocking_pairs == 0
    mate = np.full(size[0], -1)
    row_of = {m: r for r, m in enumerate(problem.mentee_ids)}
    column_of = {m: c for c, m in enumerate(problem.mentor_ids)}
    for pair in found.pairs:
        mate[row_of[pair.mentee_id]] = column_of[pair.mentor_id]
    assert (np.bincount(mate[mate >= 0], minlength=size[1]) <= problem.room).all()


def deferred_acceptance_one_at_a_time(problem: PairingProblem) -> list[int]:
    """Textbook Gale-Shapley: whole preference lists sorted up front, one proposal at a time."""
    rows, columns = problem.shape
    value = problem.fit.astype(np.float64) + problem.favourite_bonus * problem.favourite
    lists = [sorted((c for c in range(columns) if problem.acceptable[r, c] and problem.room[c] > 0),
                    key=lambda c: (-value[r, c], problem.mentor_ids[c])) for r in range(rows)]
    held: list[list[int]] = [[] for _ in range(columns)]
    tried = [0] * rows
    free = list(range(rows))
    while free:
        row = free.pop()
        if tried[row] == len(lists[row]):
            continue
        column = lists[row][tried[row]]
        tried[row] += 1
        held[column].append(row)
        held[column].sort(key=lambda r: mentor_key(problem, r, column), reverse=True)
        if len(held[column]) > problem.room[column]:
            free.append(held[column].pop())
    mate = [-1] * rows
    for column, rows_held in enumerate(held):
        for row in rows_held:
            mate[row] = column
    return mate


@pytest.mark.parametrize("size", [(150, 100), (300, 60), (120, 900)])
def test_stable_equals_textbook_deferred_acceptance(size):
    rng = np.random.default_rng(sum(size))
    for ties in (False, True):
        problem = random_problem(rng, *size, ties=ties)
        assert stable_pairing.stable(problem).tolist() == deferred_acceptance_one_at_a_time(problem)
