"""Irreversible actions ask first: the action's form posts, this page asks, and its own form posts again to do it."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template, request

# The field the confirmation page adds; without it an irreversible action only asks.
FIELD = "confirmed"


@dataclass(frozen=True)
class Question:
    """What the confirmation page says: the question, what follows, a warning, the button and the way back."""

    title: str
    question: str
    confirm_label: str
    back: str
    details: list[str] = field(default_factory=list)
    warning: str | None = None


def confirmed() -> bool:
    """True once the person has said yes on the confirmation page."""
    return request.form.get(FIELD) == "yes"


def ask(question: Question):
    """The confirmation page, posting back to the same address with what was typed and the yes."""
    carried = [(key, value) for key, value in request.form.items(multi=True) if key not in ("csrf_token", FIELD)]
    return render_template("confirm.html", ask=question, action=request.path, carried=carried, field=FIELD)
