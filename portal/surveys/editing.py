"""The admins' survey editor: reword, add, reorder and remove questions; the overall rating always stays."""
from __future__ import annotations

import secrets

from portal import audit
from portal.db import database
from portal.models import Survey
from portal.surveys import defaults

MAX_QUESTIONS = 20


class EditError(Exception):
    """A change the editor cannot make, with a message for the admin."""


STALE = "The questions changed since this page was opened; reload it and make your changes again."


def _new_key(taken: set[str]) -> str:
    # Random, never reused: answers stored under a removed question's key must not turn up under a new question.
    while (key := f"q{secrets.token_hex(4)}") in taken:
        pass
    return key


def _in_order(rows: list[tuple[int, int, dict]]) -> list[dict]:
    """(position, index, question) rows in order: renumbered ones at their new number, the rest around them as listed.

    "Put this one at 2" means it becomes the second question, not that it ties with the one already second.
    """
    staying = [question for position, index, question in rows if position == index + 1]
    moved = sorted((position, index, question) for position, index, question in rows if position != index + 1)
    for position, _, question in moved:
        staying.insert(min(position - 1, len(staying)), question)
    return staying


def update_questions(survey: Survey, rows: list[dict], actor) -> bool:
    """Apply the editor's rows ({key, text, kind, position, remove}; no key = a new question); False if unchanged.

    A row whose number was changed ends up at that number; the others keep their order around it. The kind of an
    existing question stays as it is, so answers already given keep their meaning.
    """
    current = {q["key"]: q for q in survey.questions}
    seen: set[str] = set()
    kept = []
    for index, row in enumerate(rows):
        key = (row.get("key") or "").strip()
        text = " ".join((row.get("text") or "").split())
        position = row.get("position") or index + 1  # left empty: stays where it was
        if key:
            if key not in current or key in seen:
                raise EditError(STALE)
            seen.add(key)
            if row.get("remove"):
                if key == defaults.OVERALL:
                    raise EditError("The overall rating stays: the reports and follow-ups rely on it. "
                                    "Reword it instead.")
                continue
            if not text:
                raise EditError("Every question needs its wording; tick Remove to drop one.")
            kept.append((position, index, {"key": key, "text": text, "kind": current[key]["kind"]}))
        elif text and not row.get("remove"):
            kind = row.get("kind") or "text"
            if kind not in defaults.QUESTION_KINDS:
                raise EditError("Choose a written answer or a rating.")
            kept.append((position, index, {"key": _new_key(set(current)), "text": text, "kind": kind}))
    if seen != set(current):
        raise EditError(STALE)
    if len(kept) > MAX_QUESTIONS:
        raise EditError(f"A survey has at most {MAX_QUESTIONS} questions; shorter surveys get more answers.")
    questions = _in_order(kept)
    if questions == survey.questions:
        return False
    with database.atomic():
        before = survey.questions
        Survey.update(questions=questions).where(Survey.id == survey.id).execute()
        survey.questions = questions
        audit.record(actor, "survey.questions", f"survey:{survey.id}", kind=survey.kind, before=before, after=questions)
    return True

