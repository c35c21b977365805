"""The admin's questionnaire editor: add, change, reorder and archive questions."""
from __future__ import annotations

from peewee import fn

from portal import audit, events
from portal.db import database
from portal.models import Program, Question
from portal.questionnaire.defaults import MATCHED_KEYS
from portal.questionnaire.operations import refresh_completion

# Built-in answers that other features read: their kind and audience stay as they are.
LOCKED_OPTIONS = {"location", "capacity"}


class EditError(Exception):
    pass


def editable_fields(question: Question | None) -> set[str]:
    """What an admin may change on this question (None: a new one); a weight only where matching reads it."""
    every = {"prompt", "help_text", "kind", "audience", "options", "required", "shown_in_directory"}
    if question is None or question.key is None:
        return every
    locked = {"kind", "audience"} | ({"options"} if question.key in LOCKED_OPTIONS else set())
    return (every - locked) | ({"weight"} if counts_in_matching(question) else set())


def counts_in_matching(question: Question) -> bool:
    """Whether matching reads this question's answers, so its weight means something."""
    return question.key in MATCHED_KEYS


def _clean(values: dict, question: Question | None) -> dict:
    allowed = editable_fields(question)
    values = {k: v for k, v in values.items() if k in allowed}
    kind = values.get("kind", question.kind if question else None)
    if "options" in values and kind not in ("choice", "multi_choice"):
        values["options"] = []
    if "weight" in values:
        values["weight"] = float(values["weight"])
    return values


def add_question(program: Program, values: dict, actor) -> Question:
    """A new question at the end of the questionnaire."""
    values = _clean(values, None)
    with database.atomic():
        last = Question.select(fn.MAX(Question.position)).where(Question.program == program).scalar() or 0
        question = Question.create(program=program, position=last + 1, **values)
        audit.record(actor, "question.add", f"question:{question.id}", prompt=question.prompt)
        refresh_completion(program)
    events.questions_changed.send(program, question=question, actor=actor)
    return question


def update_question(question: Question, values: dict, actor) -> dict:
    """Change a question; returns what changed."""
    values = _clean(values, question)
    changes = {}
    for field, new in values.items():
        old = getattr(question, field)
        if old != new:
            changes[field] = (old, new)
            setattr(question, field, new)
    if changes:
        with database.atomic():
            question.save()
            audit.record(actor, "question.update", f"question:{question.id}", changes=changes)
            refresh_completion(question.program)
        events.questions_changed.send(question.program, question=question, actor=actor)
    return changes


def move_question(question: Question, direction: int, actor) -> None:
    """Swap a question with its neighbour above (-1) or below (+1), passing over archived ones."""
    ordered = list(
        Question.select().where(Question.program == question.program_id).order_by(Question.position, Question.id)
    )
    index = next(i for i, q in enumerate(ordered) if q.id == question.id)
    other = index + direction
    # An active question swaps with the next active one, or participants would see no change.
    while question.active and 0 <= other < len(ordered) and not ordered[other].active:
        other += direction
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    with database.atomic():
        # Renumber everything so earlier ties in position cannot make a swap a no-op.
        for position, item in enumerate(ordered):
            if item.position != position:
                Question.update(position=position).where(Question.id == item.id).execute()
        audit.record(actor, "question.move", f"question:{question.id}", direction=direction)


def set_active(question: Question, active: bool, actor) -> None:
    """Archive a question (answers are kept) or bring it back. Built-in questions stay."""
    if question.key is not None and not active:
        raise EditError("Built-in questions can be made optional but not archived: other features use them.")
    with database.atomic():
        question.active = active
        question.save(only=[Question.active])
        audit.record(actor, "question.archive" if not active else "question.restore", f"question:{question.id}")
        refresh_completion(question.program)
    events.questions_changed.send(question.program, question=question, actor=actor)
