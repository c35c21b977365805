"""Fit components for the mentee who is looking, and the same figures behind the reasons on each card."""
from __future__ import annotations

import numpy as np
import pytest

from matching import FitWeights, Vocabulary
from matching import reasons as why
from matching.fit import SkillPhrases
from tests.matching.conftest import CATALOGUE, mentee, mentor


def test_skills_named_in_goals_longest_first_and_short_ones_only_in_capitals():
    phrases = SkillPhrases(Vocabulary.from_catalogue({**CATALOGUE, "Go": ("Technical", ["golang"]),
                                                      "Machine learning": ("Technical", ["ai", "ml"])}))
    goals = "I go quiet with stakeholders; I want to learn AI, give difficult feedback and manage up."
    assert phrases.named_in(goals) == ["Stakeholder management", "Machine learning", "Giving feedback"]
    assert phrases.named_in("Learn Go and presenting.") == ["Public speaking"]


def test_components_are_shares_and_unanswered_parts_do_not_count(build):
    directory = build([mentor(1, skills=("Python", "Coaching"), seniority=3, location="Virtual"),
                       mentor(2, seniority=0, location="In person", timezone="Asia/Tokyo")])
    scorer = directory._scorer(mentee(grow=("Python", "Coaching", "Leadership"), seniority=2), FitWeights())
    values = scorer.components(np.array([0, 1]))
    assert values["skills"].tolist() == [0.75, 0.0]  # a half for the first skill, a quarter for the second
    assert values["hours"].tolist() == [1.0, 0.0]
    assert values["location"].tolist() == [1.0, 0.0]
    assert values["seniority"].tolist() == pytest.approx([1.0, 0.0])
    assert scorer.weights["goals"] == 0 and scorer.weights["department"] == 0  # no goals given, department ignored
    fit = scorer.fit(np.array([0, 1]))
    assert 0 <= fit[1] < fit[0] <= 1


def test_the_reasons_use_the_same_figures_as_the_ranking(build):
    people = [mentor(n, skills=(("Python",), ("Coaching", "Python"), ())[n % 3], seniority=n % 7,
                     location=("Virtual", "In person", "Either", "")[n % 4],
                     timezone=("Europe/London", "America/New_York", "Asia/Kolkata")[n % 3],
                     department=("Engineering", "Sales")[n % 2], advises_on=("Rebuilt billing.", "")[n % 2])
              for n in range(1, 40)]
    directory = build(people)
    looking = mentee(grow=("Python", "Coaching"), seniority=1, goals="Rebuild billing and get better at coaching.")
    scorer = directory._scorer(looking, FitWeights(department=1, department_mode="different"))
    positions = np.arange(len(people))
    vectorised = scorer.components(positions)
    facts = why.facts(scorer, directory.columns, positions, directory.index.held_by(positions.tolist()))
    for i, known in enumerate(facts):
        for name, value in known.values.items():
            assert value == pytest.approx(float(vectorised[name][i]), abs=1e-6), (i, name)
