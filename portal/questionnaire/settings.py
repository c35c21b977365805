"""The questionnaire section of the settings page: how many questions, with a link to the editor."""
from __future__ import annotations

from portal.admin import registry
from portal.models import Program, Question


def _questions(program: Program) -> dict:
    return {"questions": Question.select().where(Question.program == program).count()}


registry.section(anchor="questionnaire", title="Registration questionnaire", template="questionnaire/_settings.html",
                 order=90, context=_questions)
