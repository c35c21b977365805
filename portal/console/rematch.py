"""Re-matching one mentee: the best mentors with a free place, with their fit explained."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.problem import PairingProblem
from portal.console import pool as pools
from portal.console.drafts import Scoring, for_admins, open_draft
from portal.models import DraftPair, Program
from portal.pairing import directory as mentor_directory

OPTIONS = 5
CHOICES = 200  # mentors offered in the pick-by-hand list, best fit first


@dataclass
class Option:
    """A mentor who could take the mentee now, and why they fit."""

    mentor: object  # matching.profiles.MentorProfile
    explanation: object  # matching's Explanation: score, reasons, terms
    room: int
    favourite: bool


@dataclass
class Choice:
    """A mentor in the pick-by-hand list: fit only, no explanation."""

    mentor: object
    fit: float
    room: int


def _room_beside_draft(program: Program, mentee_id: int) -> dict[int, int]:
    """Free places less those the open draft already gives to other mentees: what is offered must fit the draft."""
    free = pools.room(program)
    draft = open_draft(program)
    if draft is not None:
        taken = draft.pairs.select(DraftPair.mentor).where(DraftPair.mentee != mentee_id)
        for pair in taken:
            if pair.mentor_id in free:
                free[pair.mentor_id] = max(0, free[pair.mentor_id] - 1)
    return free


def _ranked(program: Program, mentee_id: int):
    """The mentee's profile, the directory, the problem for them alone, and open mentor columns best fit first."""
    profiles = mentor_directory.mentee_profiles(program, [mentee_id])
    if not profiles:
        return None
    scoring = Scoring.of(program)
    index = mentor_directory.directory(program)
    favourites = pools.favourites(program, [mentee_id])
    problem = PairingProblem.build(
        index, profiles, weights=scoring.weights, room=_room_beside_draft(program, mentee_id),
        forbidden=pools.forbidden_pairs(program, [mentee_id]), favourites=favourites,
        favourite_bonus=scoring.favourite_bonus,
    )
    candidates = np.flatnonzero(problem.acceptable[0] & (problem.room > 0))
    # Best fit first; the lower id breaks ties, as everywhere in matching.
    order = candidates[np.lexsort((candidates, -problem.fit[0, candidates]))]
    return profiles[0], index, problem, order, scoring, favourites


def offer(program: Program, mentee_id: int, best: int = OPTIONS,
          more: int = CHOICES) -> tuple[list[Option], list[Choice]]:
    """The `best` mentors for a mentee with their fit explained, and `more` to pick from by hand, best fit first,
    among those with a free place the hard rules allow (one problem built for both)."""
    found = _ranked(program, mentee_id)
    if found is None:
        return [], []
    mentee, index, problem, order, scoring, favourites = found
    options = [
        Option(
            mentor=index.get(problem.mentor_ids[i]),
            explanation=index.explain(mentee, problem.mentor_ids[i], scoring.weights, for_admins(mentee)),
            room=int(problem.room[i]), favourite=(mentee_id, problem.mentor_ids[i]) in favourites,
        )
        for i in order[:best]
    ]
    choices = [Choice(index.get(problem.mentor_ids[i]), float(problem.fit[0, i]), int(problem.room[i]))
               for i in order[:more]]
    return options, choices
