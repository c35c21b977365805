"""Fixtures for the matching library: a small vocabulary, a fixed moment and profile factories. No Flask."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from matching import MenteeProfile, MentorDirectory, MentorProfile, Vocabulary

# Mid-January: London is on UTC, New York on UTC-5.
WINTER = datetime(2025, 1, 15, 12, tzinfo=UTC)

CATALOGUE = {
    "Python": ("Technical", ["py", "python3"]),
    "JavaScript": ("Technical", ["js", "typescript"]),
    "DevOps": ("Technical", ["ci/cd", "sre"]),
    "Stakeholder management": ("Collaboration", ["stakeholders", "managing stakeholders", "stakeholder mgmt",
                                                 "managing up"]),
    "People management": ("Leadership", ["managing people", "line management", "management"]),
    "Public speaking": ("Communication", ["presenting", "presentations", "speaking", "talks"]),
    "Giving feedback": ("Leadership", ["feedback", "difficult feedback"]),
    "Coaching": ("Leadership", ["mentoring"]),
    "Leadership": ("Leadership", ["leading", "leader"]),
    "Change management": ("Leadership", ["reorganisation", "reorg"]),
    "Financial acumen": ("Business", ["p&l", "budgeting"]),
}


@pytest.fixture
def vocabulary() -> Vocabulary:
    return Vocabulary.from_catalogue(CATALOGUE)


def mentor(id: int, name: str = "", **fields) -> MentorProfile:
    """A mentor with sensible defaults: London office hours, room for one, meets either way."""
    defaults = {"title": "Engineer", "department": "Engineering", "location": "Either",
                "timezone": "Europe/London", "hours": (9 * 60, 17 * 60), "capacity": 1}
    return MentorProfile(id=id, name=name or f"Mentor {id}", **{**defaults, **fields})


def mentee(**fields) -> MenteeProfile:
    """The mentee who is looking: London office hours, prefers virtual meetings."""
    defaults = {"id": 999, "name": "Lucas Ferreira", "department": "Engineering", "location": "Virtual",
                "timezone": "Europe/London", "hours": (9 * 60, 17 * 60)}
    return MenteeProfile(**{**defaults, **fields})


@pytest.fixture
def build(vocabulary):
    """Build a directory from mentors, at the fixed winter moment unless told otherwise."""

    def make(mentors, reference=WINTER, words=None):
        return MentorDirectory.build(mentors, words or vocabulary, reference=reference)

    return make
