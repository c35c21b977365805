"""Hard rules of pairing: no one mentors themselves, forbidden pairs stay apart, and the two must be able to meet."""
from __future__ import annotations

import numpy as np

from matching import FitWeights
from matching.assignment import PairingProblem
from matching.columns import EITHER, IN_PERSON, UNKNOWN, VIRTUAL
from matching.rules import acceptable
from tests.matching.conftest import mentee, mentor

LOCATIONS = [VIRTUAL, IN_PERSON, EITHER, UNKNOWN]


def test_in_person_only_and_virtual_only_never_meet_whoever_says_which():
    allowed = acceptable([1, 2, 3, 4], np.array(LOCATIONS), [11, 12, 13, 14], np.array(LOCATIONS))
    #                        mentor: virtual, in person, either, unknown
    assert allowed.tolist() == [[True, False, True, True],  # mentee virtual
                                [False, True, True, True],  # mentee in person
                                [True, True, True, True],  # mentee either
                                [True, True, True, True]]  # mentee unknown


def test_no_one_mentors_themselves_and_forbidden_pairs_stay_apart():
    everywhere = np.full(3, EITHER)
    allowed = acceptable([1, 2, 3], everywhere, [3, 1, 9], everywhere,
                         forbidden=[(2, 9), (3, 1), (7, 9), (2, 8)])  # unknown ids are ignored
    assert allowed.tolist() == [[True, False, True],  # mentee 1 is mentor 1
                                [True, True, False],  # 2 declined 9
                                [False, False, True]]  # 3 is mentor 3, and ended with 1


def test_a_problem_built_from_the_directory_applies_the_rules_whatever_the_room(build):
    directory = build([mentor(1, location="Virtual"), mentor(2, location="In person"), mentor(3, location="Either"),
                       mentor(4, location="")])
    mentees = [mentee(id=1, location="In person"), mentee(id=5, location="Virtual"), mentee(id=6, location="")]
    problem = PairingProblem.build(directory, mentees, weights=FitWeights(), room={1: 0, 2: 2},
                                   forbidden=[(6, 3)], favourites=[(5, 1), (5, 4), (6, 99), (99, 1)])
    assert problem.mentee_ids == (1, 5, 6) and problem.mentor_ids == (1, 2, 3, 4)
    assert problem.acceptable.tolist() == [[False, True, True, True],  # in person: not virtual, not themselves
                                           [True, False, True, True],  # virtual: not in person
                                           [True, True, False, True]]  # no preference; declined mentor 3
    assert problem.room.tolist() == [0, 2, 0, 0]  # mentors left out of `room` have none
    assert problem.favourite.tolist() == [[False] * 4, [True, False, False, True], [False] * 4]
    assert problem.fit.shape == (3, 4) and problem.fit.dtype == np.float32
