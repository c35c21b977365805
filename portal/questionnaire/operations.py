"""Questionnaire reads and writes: who is asked what, saving answers, who may read them."""
from __future__ import annotations

import copy

from peewee import EXCLUDED

from portal import access, audit, events, per_request, person_kept, skills, steady
from portal.db import database, on_write
from portal.models import Answer, Match, MatchRequest, Participant, Program, Question, User, utcnow
from portal.prepared import Prepared
from portal.questionnaire.defaults import DEFAULT_QUESTIONS


def seed_questions(program: Program) -> int:
    """Give a programme the default questions it does not have yet."""
    have = {q.key for q in Question.select(Question.key).where(Question.program == program)}
    added = 0
    with database.atomic():
        for position, (key, prompt, help_text, kind, audience, required, options, weight, shown) in enumerate(
            DEFAULT_QUESTIONS
        ):
            if key in have:
                continue
            Question.create(
                program=program, key=key, prompt=prompt, help_text=help_text, kind=kind, audience=audience,
                required=required, options=options, weight=weight, shown_in_directory=shown, position=position,
            )
            added += 1
    return added


def questions_for(program: Program, roles) -> list[Question]:
    """The active questions asked of someone in these roles, in order."""
    return [q for q in _active_questions(program) if q.asked_of(roles)]


# Profile and match pages read both: compiled once (portal/prepared.py).
_ACTIVE_QUESTIONS = Prepared(lambda program: Question.select().where(Question.program == program, Question.active)
                             .order_by(Question.position, Question.id), 1)
_ANSWERS_OF = Prepared(lambda user, program: Answer.select(Answer.question, Answer.value).where(
    Answer.user == user, Answer.program == program), 2)


def _active_questions(program: Program) -> list[Question]:
    """The programme's active questions in order, read once per request (or job) and again after an edit."""
    def read() -> list[Question]:
        program_id = getattr(program, "id", program)
        return steady.kept(("active_questions", program_id), lambda: _ACTIVE_QUESTIONS.rows(program_id),
                           steady.rows_copy)

    return per_request.read_once("active_questions", getattr(program, "id", program), read)


@events.questions_changed.connect
def _forget_questions(program=None, **extra) -> None:
    """A question was added, changed, archived or restored: read them again."""
    per_request.forget("active_questions")


def answers_of(user, program: Program) -> dict[int, object]:
    """Someone's answers by question id, read once per request (or job) until something is written."""
    user_id, program_id = getattr(user, "id", user), getattr(program, "id", program)

    def read() -> dict[int, object]:
        return {a.question_id: a.value for a in _ANSWERS_OF.rows(user_id, program_id)}

    return dict(per_request.read_once("answers", (user_id, program_id), lambda: person_kept.kept(
        user_id, ("answers", program_id), read, copy.deepcopy)))


@on_write
def _written() -> None:
    """A write may change answers read earlier in this request: read them again."""
    per_request.forget("answers")


def save_answers(user: User, program: Program, questions: list[Question], values: dict[int, object]) -> bool:
    """Store answers (skills normalised), clear emptied ones, and mark the questionnaire complete when it is."""
    table = skills.lookup()
    asked = {q.id: q for q in questions}
    now = utcnow()
    given, emptied = {}, []
    for question_id, question in asked.items():
        value = values.get(question_id)
        if question.kind == "skills" and value:
            value = skills.normalise(value, table)
        if value in (None, "", [], {}):
            emptied.append(question_id)
        else:
            given[question_id] = value
    with database.atomic():
        # One statement for the emptied answers and one for the rest, however many questions there are.
        if emptied:
            Answer.delete().where(Answer.user == user.id, Answer.question.in_(emptied)).execute()
        if given:
            Answer.insert_many([
                {Answer.program: program, Answer.user: user.id, Answer.question: question_id, Answer.value: value,
                 Answer.updated_at: now} for question_id, value in given.items()
            ]).on_conflict(
                conflict_target=[Answer.user, Answer.question],
                update={Answer.value: EXCLUDED.value, Answer.updated_at: EXCLUDED.updated_at},
            ).execute()
        for question_id, value in given.items():
            _apply_side_effects(user, program, asked[question_id], value)
        complete = _mark_completion(user, program)
        audit.record(user, "questionnaire.save", f"user:{user.id}", complete=complete)
    events.answers_saved.send(program, user=user, complete=complete)
    return complete


def skill_readings(questions: list[Question], values: dict[int, object]) -> list[skills.Reading]:
    """How the skills typed into every skills question were read against the vocabulary."""
    table = skills.lookup()
    return [reading for q in questions if q.kind == "skills" and values.get(q.id)
            for reading in skills.readings(values[q.id], table)]


def introductions(program: Program, user_ids) -> dict[int, str]:
    """"Job title · department" per person, from their answers, so people with the same name can be told apart."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    keys = ("role_title", "department")
    query = (Answer.select(Answer.user, Question.key, Answer.value).join(Question)
             .where(Answer.program == program, Answer.user.in_(ids), Question.key.in_(keys)).tuples())
    found: dict[int, dict[str, str]] = {}
    for user_id, key, value in query:
        if isinstance(value, str) and value.strip():
            found.setdefault(user_id, {})[key] = value.strip()
    return {user_id: " · ".join(parts[k] for k in keys if k in parts) for user_id, parts in found.items()}


def _apply_side_effects(user: User, program: Program, question: Question, value) -> None:
    """Answers that other parts of the portal read from their own columns."""
    if question.key == "timezone" and user.timezone != value:
        user.timezone = value
        user.save(only=[User.timezone])
    elif question.key == "capacity":
        Participant.update(capacity=int(value)).where(
            Participant.user == user.id, Participant.program == program, Participant.role == "mentor"
        ).execute()


def _mark_completion(user: User, program: Program) -> bool:
    answered = set(answers_of(user, program))
    all_complete = True
    for participant in Participant.select().where(Participant.user == user.id, Participant.program == program):
        required = {q.id for q in questions_for(program, [participant.role]) if q.required}
        complete = required <= answered
        all_complete &= complete
        _set_completion(participant, complete)
    return all_complete


def _set_completion(participant: Participant, complete: bool) -> None:
    if complete and participant.questionnaire_completed_at is None:
        participant.questionnaire_completed_at = utcnow()
        if participant.status == "registered":
            participant.status = "ready"
        participant.save()
    elif not complete and participant.questionnaire_completed_at is not None:
        # A new required question appeared: ask again rather than pretend it is done.
        participant.questionnaire_completed_at = None
        if participant.status == "ready":
            participant.status = "registered"
        participant.save()


def refresh_completion(program: Program) -> None:
    """Re-check everyone's questionnaire after the questions changed (added, made required, archived)."""
    _forget_questions()
    required = {role: {q.id for q in questions_for(program, [role]) if q.required} for role in Participant.ROLES}
    answered: dict[int, set[int]] = {}
    wanted = set().union(*required.values())
    if wanted:
        query = Answer.select(Answer.user, Answer.question).where(Answer.program == program, Answer.question.in_(wanted))
        for user_id, question_id in query.tuples():
            answered.setdefault(user_id, set()).add(question_id)
    for participant in Participant.select().where(Participant.program == program):
        _set_completion(participant, required[participant.role] <= answered.get(participant.user_id, set()))


def progress(program: Program | None, user) -> dict | None:
    """How far the user is with the questionnaire."""
    if program is None:
        return None
    roles = access.roles_in(program, user)
    if not roles:
        return None
    required = [q.id for q in questions_for(program, roles) if q.required]
    answered = answers_of(user, program)
    done = sum(1 for qid in required if qid in answered)
    return {"required": len(required), "answered": done, "complete": done == len(required)}


def can_view_answers(viewer, subject: User, program: Program) -> bool:
    """Answers are private: the person, their current or past match, a mentor they asked, and admins."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.id == subject.id or viewer.is_admin:
        return True
    pair = (
        ((Match.mentor == viewer.id) & (Match.mentee == subject.id))
        | ((Match.mentee == viewer.id) & (Match.mentor == subject.id))
    )
    if Match.select().where(Match.program == program, pair).exists():
        return True
    # A mentor decides on a request with the mentee's answers in front of them.
    return MatchRequest.select().where(
        MatchRequest.program == program, MatchRequest.mentor == viewer.id, MatchRequest.mentee == subject.id
    ).exists()


def profile_sections(subject: User, program: Program) -> list[tuple[str, list[tuple[Question, object]]]]:
    """The subject's answers grouped as the questionnaire groups them."""
    roles = access.roles_in(program, subject)
    answers = answers_of(subject, program)
    questions = questions_for(program, roles)
    groups = []
    for title, audience in (("About", "both"), ("As a mentee", "mentee"), ("As a mentor", "mentor")):
        items = [(q, answers[q.id]) for q in questions if q.audience == audience and q.id in answers]
        if items:
            groups.append((title, items))
    return groups


def directory_answers(subject: User, program: Program) -> list[tuple[Question, object]]:
    """The answers a mentor shares with everyone browsing the directory."""
    answers = answers_of(subject, program)
    shown = [q for q in _active_questions(program) if q.shown_in_directory and q.audience != "mentee"]
    return [(q, answers[q.id]) for q in shown if q.id in answers]
