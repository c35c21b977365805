"""Matching weights as admins see them: one per part of the fit, stored on the questions that feed it."""
from __future__ import annotations

from dataclasses import replace

from portal import audit, settings
from portal.console.drafts import Scoring
from portal.db import database
from portal.models import Program, Question
from portal.pairing import directory as mentor_directory

# Part of the fit -> (label, the questions whose weight it is).
COMPONENTS = {
    "skills": ("Skills to grow against skills mentored on", ("grow", "strengths")),
    "goals": ("Goals against goals the mentor can advise on", ("goals_6m", "goals_achieved")),
    "hours": ("Shared working hours across time zones", ("working_hours",)),
    "location": ("How they want to meet", ("location",)),
    "seniority": ("Seniority (a step or two ahead is best)", ("seniority",)),
    "department": ("Department", ("department",)),
}


def current(program: Program) -> dict:
    """Today's weights, department preference and shortlist bonus, as form data."""
    fit = mentor_directory.weights(program)
    values = {name: getattr(fit, name) for name in COMPONENTS}
    values["department_mode"] = fit.department_mode
    values["favourite_bonus"] = settings.get(program, "favourite_bonus")
    return values


def scoring_from(program: Program, values: dict) -> Scoring:
    """The scoring these form values would give."""
    fit = replace(mentor_directory.weights(program), department_mode=values["department_mode"],
                  **{name: float(values[name]) for name in COMPONENTS})
    return Scoring(fit, float(values["favourite_bonus"]))


def save(program: Program, values: dict, actor) -> list[str]:
    """Store the weights on their questions and the two settings; audited. Returns what changed."""
    changed = []
    with database.atomic():
        for name, (_, keys) in COMPONENTS.items():
            weight = float(values[name])
            for question in Question.select().where(Question.program == program, Question.key.in_(keys)):
                if float(question.weight) != weight:
                    audit.record(actor, "question.weight", f"question:{question.id}", before=question.weight,
                                 after=weight)
                    question.weight = weight
                    question.save()
                    changed.append(name)
        changed += settings.save(program, {key: values[key] for key in ("department_mode", "favourite_bonus")}, actor)
    return sorted(set(changed))
