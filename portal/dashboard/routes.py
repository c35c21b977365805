"""The admin dashboard and what admins do with follow-ups."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import followups
from portal.access import admin_required, current_program
from portal.admin import registry
from portal.dashboard import figures, panels
from portal.forms import plain_text
from portal.leaving.operations import REASONS
from portal.models import FollowUp
from portal.programme import operations as programme
from portal.programme import phases

blueprint = Blueprint("dashboard", __name__, url_prefix="/admin")
registry.page("Dashboard", "dashboard.index", order=10)
OPEN_SHOWN = 20  # the newest open follow-ups; the count says how many there are


@blueprint.get("/dashboard")
@admin_required
def index():
    """Figures with their charts, the newest open follow-ups and pairs that may need a nudge."""
    program = current_program()
    numbers = figures.gather(program)
    return render_template("dashboard/index.html", program=program, figures=numbers, charts=panels.charts(numbers),
                           open_follow_ups=figures.open_follow_ups(program, OPEN_SHOWN),
                           open_count=followups.open_ones(program).count(), resolved=figures.resolved(program),
                           reasons=followups.REASONS, exit_reasons=REASONS, phase=programme.current_phase(program),
                           phase_labels=phases.LABELS, targets=figures)


@blueprint.post("/follow-ups/<int:follow_up_id>/resolve")
@admin_required
def resolve(follow_up_id: int):
    """Mark a follow-up handled, with a line on what was done."""
    found = FollowUp.get_or_none(FollowUp.id == follow_up_id, FollowUp.program == current_program())
    if found is None:
        abort(404)
    note = plain_text(request.form.get("resolution"), 2000)
    if followups.resolve(found, current_user, note):
        flash("Follow-up marked as handled.", "success")
    else:
        flash("Someone already handled that follow-up.", "info")
    return redirect(url_for("dashboard.index") + "#follow-ups")
