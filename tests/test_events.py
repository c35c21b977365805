"""Domain events: the signals themselves, and that the accounts, questionnaire and vocabulary operations send theirs.

The other senders are tested beside their feature: tests/pairing/test_directory_events.py (matches, the directory),
tests/meetings/test_session_events.py (sessions, feedback), tests/meetings/test_leaving.py (leaving) and
tests/surveys/test_answering.py (surveys).
"""
from __future__ import annotations

import ast
from pathlib import Path

import blinker
import pytest

from portal import events, skills
from portal.accounts import operations as accounts
from portal.models import Participant, Question, Skill
from portal.questionnaire import editing
from portal.questionnaire import operations as questionnaire
from tests.conftest import PASSWORD

SIGNALS = {name: value for name, value in vars(events).items() if isinstance(value, blinker.NamedSignal)}


def test_every_signal_is_named_after_its_variable_and_says_who_sends_what():
    assert {"participant_joined", "participant_left", "answers_saved", "vocabulary_changed", "match_created",
            "match_ended", "session_booked", "session_cancelled", "feedback_given"} <= set(SIGNALS)
    for name, signal in SIGNALS.items():
        assert signal.name == name.replace("_", "-")
        assert signal.__doc__ and ":" in signal.__doc__, f"{name} does not say who sends it with what"


def test_the_events_module_imports_nothing_from_the_portal():
    tree = ast.parse(Path(events.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"__future__", "blinker"}


def test_joining_sends_participant_joined_once_per_new_role(app, program, create_user, heard):
    program.phase_overrides = {"mentor_registration": True, "mentee_registration": True}
    program.save()
    user = create_user("sam@example.org", roles=())
    joined = heard(events.participant_joined)

    with app.test_request_context():
        accounts.join_programme(user, program, ["mentor", "mentee"])
        accounts.join_programme(user, program, ["mentor"])  # already a mentor: nothing new

    assert [(sender.id, kw["user"].id, kw["participant"].role) for sender, kw in joined] == [
        (program.id, user.id, "mentor"), (program.id, user.id, "mentee")]
    assert all(isinstance(kw["participant"], Participant) for _, kw in joined)


def test_registering_through_the_page_sends_participant_joined(client, program, heard):
    program.phase_overrides = {"mentee_registration": True}
    program.save()
    joined = heard(events.participant_joined)

    response = client.submit("/register", {"name": "Jo Doe", "email": "jo@example.org", "password": PASSWORD,
                                           "confirm": PASSWORD, "role": "mentee", "timezone": "UTC"})

    assert response.status_code == 200
    assert [(kw["user"].email, kw["participant"].role) for _, kw in joined] == [("jo@example.org", "mentee")]


def test_saving_answers_sends_answers_saved_with_whether_they_are_complete(app, program, create_user, heard):
    user = create_user("sam@example.org", roles=("mentor",))
    questions = questionnaire.questions_for(program, ["mentor"])
    role_title = next(q for q in questions if q.key == "role_title")
    saved = heard(events.answers_saved)

    with app.test_request_context():
        questionnaire.save_answers(user, program, questions, {role_title.id: "Engineer"})

    [(sender, kw)] = saved
    assert sender.id == program.id and kw["user"].id == user.id and kw["complete"] is False


def test_editing_the_questions_sends_questions_changed(app, program, admin, heard):
    changed = heard(events.questions_changed)

    with app.test_request_context():
        added = editing.add_question(program, {"prompt": "Favourite book?", "kind": "text", "audience": "both"},
                                     admin)
        editing.update_question(added, {"prompt": "Favourite book, and why?"}, admin)
        editing.update_question(added, {"prompt": "Favourite book, and why?"}, admin)  # no change: no event
        editing.set_active(added, False, admin)

    assert [(sender.id, kw["question"].id, kw["actor"].id) for sender, kw in changed] == [
        (program.id, added.id, admin.id)] * 3
    assert Question.get_by_id(added.id).active is False


def test_changing_the_vocabulary_sends_vocabulary_changed_with_the_skill(app, db, admin, heard):
    changed = heard(events.vocabulary_changed)

    with app.test_request_context():
        skill = skills.add_skill("Kubernetes", ["k8s"], "Technical", admin)
        skills.add_aliases(skill, ["kube"], admin)
        with pytest.raises(skills.VocabularyError):
            skills.add_aliases(skill, ["k8s"], admin)  # taken already: nothing changes, nothing is sent

    assert [(sender.id, kw["aliases"]) for sender, kw in changed] == [(skill.id, ["k8s"]), (skill.id, ["kube"])]
    assert isinstance(changed[0][0], Skill)
