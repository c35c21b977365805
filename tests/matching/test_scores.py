"""The fit matrix for pairing: the same figures as the directory's per-mentee scorer, and one pair explained."""
from __future__ import annotations

import random

import numpy as np
import pytest

from matching import FitWeights, MenteeProfile, MentorProfile
from matching.explanation import LABELS
from matching.scores import score_matrix
from tests.matching.conftest import CATALOGUE, mentee, mentor

SKILLS = [*CATALOGUE, "Kubernetes", "Negotiation", "kubernetes"]  # free entries too, in two spellings
STORY = ("billing platform outage migration hiring roadmap budget reorganisation launch pricing onboarding "
         "analytics compliance partnership retention warehouse mobile payments security audit").split()
DEPARTMENTS = ["Engineering", "Sales", "Finance", "People", ""]
LOCATIONS = ["Virtual", "In person", "Either", "", "online"]
ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "Nowhere/Unknown"]


def _hours(rng: random.Random) -> tuple[int, int] | None:
    if rng.random() < 0.15:
        return None
    start = rng.choice([6, 8, 9, 10, 13, 22]) * 60
    return start, (start + rng.choice([4, 8, 9]) * 60) % (24 * 60)


def people(mentors: int, mentees: int, seed: int) -> tuple[list[MentorProfile], list[MenteeProfile]]:
    """Random profiles covering every kind of answer, unanswered ones included."""
    rng = random.Random(seed)
    found = [MentorProfile(
        id=100 + n, name=f"Mentor {n}", title=rng.choice(["Engineer", "Head of Sales", "Analyst"]),
        department=rng.choice(DEPARTMENTS), seniority=rng.choice([None, 0, 1, 2, 3, 4, 5, 7, 12]),
        skills=tuple(rng.sample(SKILLS, rng.randint(0, 5))),
        advises_on=" ".join(rng.sample(STORY, rng.randint(0, 6))),
        location=rng.choice(LOCATIONS), timezone=rng.choice(ZONES), hours=_hours(rng), capacity=rng.randint(1, 3),
    ) for n in range(mentors)]
    looking = [MenteeProfile(
        id=n, name=f"Mentee {n}", department=rng.choice(DEPARTMENTS + ["Legal"]),
        seniority=rng.choice([None, 0, 1, 2, 6, 15]),
        grow=tuple(rng.sample(SKILLS + ["presenting", "py", "Unknown skill"], rng.randint(0, 4))),
        goals=" ".join(rng.sample(STORY + list(CATALOGUE) + ["JS", "go", "and"], rng.randint(0, 8))),
        location=rng.choice(LOCATIONS), timezone=rng.choice(ZONES), hours=_hours(rng),
    ) for n in range(mentees)]
    return found, looking


WEIGHTS = [
    FitWeights(),
    FitWeights(department=1.0, department_mode="same"),
    FitWeights(department=2.0, department_mode="different"),
    FitWeights(department=2.0, department_mode="ignore"),
    FitWeights(skills=0.0, goals=0.0, hours=3.0, location=0.0, seniority=1.0),
    FitWeights(skills=1.0, goals=5.0, hours=0.0, location=2.0, seniority=0.0, department=1.0, department_mode="same"),
    FitWeights(skills=0.0, goals=0.0, hours=0.0, location=0.0, seniority=0.0),
]


@pytest.mark.parametrize("size", [60, 600])  # 600: common story words are dropped from the index
@pytest.mark.parametrize("weights", WEIGHTS, ids=lambda w: f"{w.department_mode}-{w.skills}-{w.hours}")
def test_every_row_is_the_directory_scorer_over_all_mentors(build, size, weights):
    mentors, mentees = people(size, 40, seed=size)
    directory = build(mentors)
    matrix = score_matrix(directory, mentees, weights)
    assert matrix.shape == (40, size) and matrix.dtype == np.float32
    for row, looking in enumerate(mentees):
        expected = directory._scorer(looking, weights).fit(np.arange(size))
        np.testing.assert_allclose(matrix[row], expected, atol=1e-5, rtol=0, err_msg=f"mentee {row}")
    assert matrix.min() >= 0 and matrix.max() <= 1 + 1e-6


def test_a_matrix_row_sees_what_the_mentee_asked_for(build):
    directory = build([mentor(1, skills=("Python", "Coaching")), mentor(2, skills=("Python",)), mentor(3)])
    looking = [mentee(id=1, grow=("Python", "Coaching")), mentee(id=2, grow=("Python",)), mentee(id=3)]
    matrix = score_matrix(directory, looking, FitWeights())
    assert matrix[0, 0] > matrix[0, 1] > matrix[0, 2]  # two wanted skills beat one, one beats none
    assert matrix[1, 0] == pytest.approx(matrix[1, 1])
    assert matrix[2, 0] == pytest.approx(matrix[2, 2])  # asked for no skills: skills do not count


def test_no_mentees_or_no_mentors_give_an_empty_matrix(build):
    directory = build([mentor(1), mentor(2)])
    assert score_matrix(directory, [], FitWeights()).shape == (0, 2)
    assert score_matrix(build([]), [mentee()], FitWeights()).shape == (1, 0)


def test_an_explanation_has_the_matrix_score_the_profile_reasons_and_its_parts(build):
    mentors, mentees = people(80, 12, seed=3)
    directory = build(mentors)
    weights = FitWeights(department=1.0, department_mode="different")
    matrix = score_matrix(directory, mentees, weights)
    for row, looking in enumerate(mentees):
        for column in (0, 17, 79):
            said = directory.explain(looking, mentors[column].id, weights)
            assert said.score == pytest.approx(float(matrix[row, column]), abs=1e-6)
            assert said.reasons == directory.fit(looking, mentors[column].id, weights).reasons
            shares = [share for _, share in said.terms]
            assert shares == sorted(shares, reverse=True) and all(share > 0 for share in shares)
            assert sum(shares) == pytest.approx(said.score, abs=1e-5)
            assert {label for label, _ in said.terms} <= set(LABELS.values())


def test_an_explanation_names_the_parts(build):
    directory = build([mentor(1, "Sam Okafor", skills=("Python",), seniority=3, location="Virtual")])
    said = directory.explain(mentee(grow=("Python", "Coaching"), seniority=2), 1)
    terms = dict(said.terms)
    # Weights 3 skills, 1 hours, 1 location, 0.5 seniority (goals unanswered, department ignored): 5.5 in all.
    assert terms["Skills to grow"] == pytest.approx(3 / 5.5 * 0.5)  # one of two wanted skills
    assert terms["Working hours"] == pytest.approx(1 / 5.5)
    assert terms["How to meet"] == pytest.approx(1 / 5.5)
    assert terms["Seniority"] == pytest.approx(0.5 / 5.5)
    assert "Goals" not in terms and "Department" not in terms
    assert [label for label, _ in said.terms][0] == "Skills to grow"
    assert said.reasons[0] == "You want to grow Python; Sam mentors on it"
    assert directory.explain(mentee(), 99) is None


def test_reasons_for_a_third_person_name_the_mentee(build):
    from matching.reasons import Voice

    directory = build([mentor(1, "Sam Okafor", skills=("Python",), seniority=3, location="Virtual")])
    said = directory.explain(mentee(grow=("Python",), seniority=2), 1, voice=Voice.about("Lea"))
    assert said.reasons[0] == "Lea wants to grow Python; Sam mentors on it"
    assert "One step ahead of Lea in seniority" in said.reasons
    assert not any("you" in reason.lower().split() for reason in said.reasons)
