"""Console fixtures: people with questionnaire answers, so the algorithm has something to score."""
from __future__ import annotations

import pytest

from portal.models import Answer, Question
from tests.pairing.conftest import (  # noqa: F401  (fixtures shared with the pairing tests)
    _complete,
    _fresh_directory_cache,
    browser,
    pairing_open,
    set_setting,
    within,
)

MENTEE = {"department": "Engineering", "location": "Virtual", "timezone": "Europe/London",
          "working_hours": {"start": "09:00", "end": "17:00"}, "goals_6m": "Get better at public speaking."}
MENTOR = {"department": "Engineering", "location": "Either", "timezone": "Europe/London",
          "working_hours": {"start": "09:00", "end": "17:00"}, "goals_achieved": "Led teams and spoke at events."}


def give_answers(program, user, role: str, answers: dict, capacity: int | None = None) -> None:
    """Store answers by question key and mark the questionnaire finished."""
    questions = {q.key: q for q in Question.select().where(Question.program == program, Question.key.is_null(False))}
    for key, value in answers.items():
        Answer.delete().where(Answer.user == user, Answer.question == questions[key]).execute()
        Answer.create(program=program, user=user, question=questions[key], value=value)
    _complete(user, program, role, capacity)


@pytest.fixture
def mentee_with(create_user, program):
    """mentee_with(email, name, grow=[...], **answers) -> User with a finished questionnaire."""

    def make(email: str, name: str, grow=(), **answers):
        user = create_user(email, roles=("mentee",), name=name)
        give_answers(program, user, "mentee", {**MENTEE, "grow": list(grow), **answers})
        return user

    return make


@pytest.fixture
def mentor_with(create_user, program):
    """mentor_with(email, name, strengths=[...], capacity=1, **answers) -> User with a finished questionnaire."""

    def make(email: str, name: str, strengths=(), capacity: int = 1, **answers):
        user = create_user(email, roles=("mentor",), name=name)
        give_answers(program, user, "mentor", {**MENTOR, "strengths": list(strengths), "capacity": str(capacity),
                                               **answers}, capacity=capacity)
        return user

    return make


@pytest.fixture
def admin_client(admin, browser):
    return browser(admin.email)
