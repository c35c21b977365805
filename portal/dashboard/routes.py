"""The admin dashboard and what admins do with follow-ups."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import followups
from portal.access import admin_required, current_program
from portal.admin import registry
from portal.dashboard import figures
from portal.forms import plain_text
from portal.models import FollowUp
from portal.programme import operations as programme
from portal.programme import phases

blueprint = Blueprint("dashboard", __name__, url_prefix="/admin")
registry.page("Dashboard", "dashboard.index", order=10)


@blueprint.get("/dashboard")
@admin_required
def index():
    """Figures, the follow-ups still open and pairs that have gone quiet."""
    program = current_program()
    resolved = (FollowUp.select().where(FollowUp.program == program, FollowUp.resolved_at.is_null(False))
                .order_by(FollowUp.resolved_at.desc()).limit(10))
    return render_template("dashboard/index.html", program=program, figures=figures.gather(program),
                           open_follow_ups=list(followups.open_ones(program)), resolved=list(resolved),
                           reasons=followups.REASONS, phase=programme.current_phase(program),
                           phase_labels=phases.LABELS, quiet_days=figures.QUIET_DAYS)


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
