"""Pairing every mentee with a mentor at once: the objectives, and the assignment they hand back."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from matching import greedy as greedy_pairing
from matching import optimal as optimal_pairing
from matching import stable as stable_pairing
from matching.problem import PairingProblem

NO_ACCEPTABLE = "no_acceptable"  # the rules allow no mentor in the programme for this mentee
NO_CAPACITY = "no_capacity"  # allowed mentors exist, but their places went to others (or they have none free)
OBJECTIVES: dict[str, Callable[[PairingProblem], np.ndarray]] = {
    "optimal": optimal_pairing.optimal,  # most mentees matched, then the largest total value
    "stable": stable_pairing.stable,  # no mentee and mentor who would both rather have each other
    "greedy": greedy_pairing.greedy,  # the best pair still possible, again and again: a baseline
}

__all__ = ["NO_ACCEPTABLE", "NO_CAPACITY", "Assignment", "Pair", "PairingProblem", "blocking_pairs", "compare",
           "greedy", "reference_value", "solve"]


@dataclass(frozen=True)
class Pair:
    """A mentee and the mentor they are paired with."""

    mentee_id: int
    mentor_id: int
    fit: float
    favourite: bool  # the mentee had shortlisted the mentor


@dataclass
class Assignment:
    """What one objective made of a problem: the pairs, who is left unmatched and why, and how good it is."""

    objective: str
    pairs: list[Pair] = field(default_factory=list)  # by mentee id
    unmatched: dict[int, str] = field(default_factory=dict)  # mentee id -> NO_ACCEPTABLE or NO_CAPACITY
    total: float = 0.0  # sum of fit over the pairs
    value: float = 0.0  # what the objectives weigh: total plus the favourite bonus for each shortlisted pair
    favourites: int = 0  # pairs the mentee had shortlisted
    blocking_pairs: int = 0  # pairs who would both rather have each other (see matching.stable)
    seconds: float = 0.0  # time the objective took

    @property
    def matched_fraction(self) -> float:
        mentees = len(self.pairs) + len(self.unmatched)
        return len(self.pairs) / mentees if mentees else 0.0


def solve(problem: PairingProblem, objective: str = "optimal") -> Assignment:
    """Pair the problem's mentees by one objective: "optimal", "stable" or "greedy"."""
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}; one of {', '.join(OBJECTIVES)}")
    started = time.perf_counter()
    mate = OBJECTIVES[objective](problem)
    return _assignment(problem, objective, mate, time.perf_counter() - started)


def compare(problem: PairingProblem) -> dict[str, Assignment]:
    """The optimal and the stable assignment of the same problem, for an admin to choose between."""
    return {objective: solve(problem, objective) for objective in ("optimal", "stable")}


def greedy(problem: PairingProblem) -> Assignment:
    """The greedy baseline, as an assignment."""
    return solve(problem, "greedy")


def blocking_pairs(problem: PairingProblem, assignment: Assignment) -> int:
    """How many allowed pairs would both rather have each other than what the assignment gives them."""
    return stable_pairing.blocking_pairs(problem, _mate(problem, assignment))


def reference_value(problem: PairingProblem) -> float:
    """The optimal value worked out by a different, slower route (dense `linear_sum_assignment`)."""
    return optimal_pairing.reference(problem)[1]


def _assignment(problem: PairingProblem, objective: str, mate: np.ndarray, seconds: float) -> Assignment:
    matched = np.flatnonzero(mate >= 0)
    columns = mate[matched]
    load = np.bincount(columns, minlength=problem.shape[1])
    if (load > problem.room).any() or not problem.acceptable[matched, columns].all():
        raise RuntimeError(f"the {objective} pairing broke a rule or a mentor's room")  # a bug, never a choice
    fit = problem.fit[matched, columns]
    favourite = problem.favourite[matched, columns]
    pairs = [Pair(mentee_id=problem.mentee_ids[row], mentor_id=problem.mentor_ids[column], fit=float(value),
                  favourite=bool(liked))
             for row, column, value, liked in zip(matched.tolist(), columns.tolist(), fit.tolist(), favourite.tolist())]
    pairs.sort(key=lambda pair: pair.mentee_id)
    left = np.flatnonzero(mate < 0)
    allowed = problem.acceptable[left].any(axis=1) if len(left) else np.zeros(0, dtype=bool)
    unmatched = {problem.mentee_ids[row]: NO_CAPACITY if ok else NO_ACCEPTABLE
                 for row, ok in zip(left.tolist(), allowed.tolist())}
    total = float(fit.astype(np.float64).sum())
    favourites = int(favourite.sum())
    return Assignment(
        objective=objective,
        pairs=pairs,
        unmatched=dict(sorted(unmatched.items())),
        total=total,
        value=total + problem.favourite_bonus * favourites,
        favourites=favourites,
        blocking_pairs=stable_pairing.blocking_pairs(problem, mate),
        seconds=seconds,
    )


def _mate(problem: PairingProblem, assignment: Assignment) -> np.ndarray:
    """An assignment's pairs as the mentor column of each mentee row (-1 for unmatched)."""
    row_of = {mentee: row for row, mentee in enumerate(problem.mentee_ids)}
    column_of = {mentor: column for column, mentor in enumerate(problem.mentor_ids)}
    mate = np.full(problem.shape[0], -1, dtype=np.intp)
    for pair in assignment.pairs:
        mate[row_of[pair.mentee_id]] = column_of[pair.mentor_id]
    return mate
