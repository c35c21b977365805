"""A weight is offered only where matching reads the answers, and there it changes the fit."""
from __future__ import annotations

import pytest

from portal.console.weights import COMPONENTS
from portal.models import Question
from portal.pairing import directory as mentor_directory
from portal.questionnaire.defaults import MATCHED_KEYS
from tests.conftest import PortalClient


@pytest.fixture
def editor(app, admin) -> PortalClient:
    client = PortalClient(app.test_client())
    client.login(admin.email)
    return client


def test_a_new_question_offers_no_weight_and_stores_none(editor, program):
    page = editor.get("/admin/questionnaire/new").get_data(as_text=True)
    assert 'name="weight"' not in page and "Not used in matching" in page

    response = editor.submit("/admin/questionnaire/new", {
        "prompt": "Which languages do you speak?", "kind": "text", "audience": "both", "weight": "7", "options": "",
    })

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert Question.get(Question.prompt == "Which languages do you speak?").weight == 0


def test_a_custom_questions_weight_cannot_be_set_afterwards(editor, program):
    custom = Question.create(program=program, prompt="Favourite book?", kind="text", position=99)

    assert 'name="weight"' not in editor.get(f"/admin/questionnaire/{custom.id}").get_data(as_text=True)
    response = editor.submit(f"/admin/questionnaire/{custom.id}", {
        "prompt": "Favourite book?", "kind": "text", "audience": "both", "weight": "9", "options": "",
    })

    assert response.status_code == 302
    assert Question.get_by_id(custom.id).weight == 0


def test_a_built_in_question_matching_ignores_offers_no_weight(editor, program):
    longer = Question.get(Question.program == program, Question.key == "goals_long")

    page = editor.get(f"/admin/questionnaire/{longer.id}").get_data(as_text=True)

    assert 'name="weight"' not in page


def test_a_matched_questions_weight_changes_the_fit(editor, program, app):
    seniority = Question.get(Question.program == program, Question.key == "seniority")
    assert 'name="weight"' in editor.get(f"/admin/questionnaire/{seniority.id}").get_data(as_text=True)

    response = editor.submit(f"/admin/questionnaire/{seniority.id}", {
        "prompt": seniority.prompt, "help_text": seniority.help_text, "weight": "4",
        "options": "\n".join(seniority.options),
    })

    assert response.status_code == 302
    with app.app_context():
        assert mentor_directory.weights(program).seniority == 4


def test_every_weight_the_console_sets_is_a_matched_question():
    assert {key for _, keys in COMPONENTS.values() for key in keys} == MATCHED_KEYS
