"""Profile pages."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.models import MatchRequest, Participant, Program, User
from portal.people import journey
from portal.questionnaire import operations as questionnaire

blueprint = Blueprint("people", __name__)


@blueprint.get("/profile")
@login_required
def profile():
    """Your own profile."""
    return redirect(url_for("people.show", user_id=current_user.id))


@blueprint.get("/people/<int:user_id>")
@login_required
def show(user_id: int):
    """A person's profile and answers: for them, their match and admins only."""
    subject = User.get_or_none(User.id == user_id)
    program = Program.current()
    # Someone without access gets the same answer as for a missing person: no hint who exists.
    if subject is None or program is None or not questionnaire.can_view_answers(current_user, subject, program):
        abort(404)
    participations = list(Participant.select().where(Participant.user == subject, Participant.program == program))
    history, steps = [], []
    if current_user.is_admin:
        steps = journey.journey(subject, program)
        # Admins follow up on pairing: every request with its outcome and the mentor's private reason.
        history = list(
            MatchRequest.select()
            .where(MatchRequest.program == program,
                   (MatchRequest.mentee == subject.id) | (MatchRequest.mentor == subject.id))
            .order_by(MatchRequest.created_at.desc())
        )
    return render_template(
        "people/show.html",
        subject=subject,
        participations=participations,
        sections=questionnaire.profile_sections(subject, program),
        progress=questionnaire.progress(program, subject),
        own=subject.id == current_user.id,
        history=history,
        steps=steps,
    )
