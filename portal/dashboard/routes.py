"""The admin dashboard and what admins do with follow-ups."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import followups, kept, paging
from portal.access import admin_required, current_program
from portal.admin import registry
from portal.dashboard import figures
from portal.forms import plain_text
from portal.leaving.operations import REASONS
from portal.models import FollowUp
from portal.programme import operations as programme
from portal.programme import phases

blueprint = Blueprint("dashboard", __name__, url_prefix="/admin")
registry.page("Dashboard", "dashboard.index", order=10)
registry.page("Follow-ups", "dashboard.follow_ups", order=45, current=("dashboard.resolve", "dashboard.reopen"))
OPEN_SHOWN = 20  # the newest open follow-ups; the count says how many there are
PAGE_SIZE = 25
NOTE_LENGTH = 2000


@blueprint.get("/dashboard")
@admin_required
def index():
    """Figures with their charts, the newest open follow-ups and pairs that may need a nudge."""
    program = current_program()
    found = kept.kept("dashboard", program)
    numbers, charts = found.value
    return render_template("dashboard/index.html", program=program, figures=numbers, charts=charts, kept=found,
                           open_follow_ups=figures.open_follow_ups(program, OPEN_SHOWN),
                           open_count=followups.open_ones(program).count(), resolved=figures.resolved(program),
                           reasons=followups.REASONS, exit_reasons=REASONS, phase=programme.current_phase(program),
                           phase_labels=phases.LABELS, targets=figures,
                           launch=kept.kept("funnel", program).value)


@blueprint.get("/figures/<name>/newer")
@admin_required
def newer_figures(name: str):
    """For a page showing stale figures (htmx polls it): reload once figures counted after `than` are stored."""
    if name not in kept.names():
        abort(404)
    try:
        than = dt.datetime.fromtimestamp(float(request.args.get("than", "")), dt.UTC)
    except (ValueError, OverflowError, OSError):
        return "Give the time the figures shown were counted, in seconds since 1970 (than=…).", 400
    if not kept.is_newer(current_program(), name, than):
        return "", 204
    return "", 200, {"HX-Refresh": "true"}


@blueprint.get("/follow-ups")
@admin_required
def follow_ups():
    """Every red flag, newest first, by kind and by open or followed up, a page at a time."""
    return _list_page(current_program(), _filters(request.args))


@blueprint.post("/follow-ups/<int:follow_up_id>/resolve")
@admin_required
def resolve(follow_up_id: int):
    """Mark a follow-up handled, with a note on what was done."""
    program = current_program()
    found = _follow_up_or_404(program, follow_up_id)
    typed = request.form.get("resolution") or ""
    note = plain_text(typed, len(typed))  # NUL dropped; the length is checked below, with what was typed kept
    if len(note) > NOTE_LENGTH:
        error = f"Keep the note to {NOTE_LENGTH} characters; it has {len(note)}."
        if "from_list" not in request.form:
            flash(error, "error")
            return redirect(url_for("dashboard.index") + "#follow-ups")
        return _answer(program, found, errors={found.id: error}, typed={found.id: note}, status=400)
    done = followups.resolve(found, current_user, note)
    if not _for_row(found):
        flash("Follow-up marked as handled." if done else "Someone already handled that follow-up.",
              "success" if done else "info")
    if "from_list" not in request.form:
        return redirect(url_for("dashboard.index") + "#follow-ups")
    return _answer(program, found)


@blueprint.post("/follow-ups/<int:follow_up_id>/reopen")
@admin_required
def reopen(follow_up_id: int):
    """Open a followed-up flag again, when the check-in did not settle it."""
    program = current_program()
    found = _follow_up_or_404(program, follow_up_id)
    done = followups.reopen(found, current_user)
    if not _for_row(found):
        flash("Follow-up opened again." if done else "That follow-up is open already.", "success" if done else "info")
    return _answer(program, found)


def _for_row(found: FollowUp) -> bool:
    """True when htmx asked for the follow-up's row alone (the answer then says it all, no message kept)."""
    return bool(request.htmx) and request.htmx.target == f"follow-up-{found.id}"


def _follow_up_or_404(program, follow_up_id: int) -> FollowUp:
    found = FollowUp.get_or_none(FollowUp.id == follow_up_id, FollowUp.program == program)
    if found is None:
        abort(404)
    return found


def _filters(values) -> dict:
    """The list's kind, state and page as asked, anything unknown read as its default."""
    reason = values.get("kind", "")
    state = values.get("state", "open")
    page = paging.page_number(values=values)
    return {"kind": reason if reason in followups.REASONS else "",
            "state": state if state in followups.STATES else "open", "page": max(1, page)}


def _list_page(program, chosen: dict, *, errors=None, typed=None, status: int = 200):
    query = followups.listed(program, chosen["kind"] or None, chosen["state"])
    total = query.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(chosen["page"], pages)
    rows = list(figures.with_handler(query).paginate(page, PAGE_SIZE))
    return render_template("dashboard/follow_ups.html", follow_ups=rows, total=total, page=page, pages=pages,
                           filters={**chosen, "page": page}, reasons=followups.REASONS, states=followups.STATES,
                           errors=errors or {}, typed=typed or {}), status


def _answer(program, found: FollowUp, *, errors=None, typed=None, status: int = 200):
    """The row again for htmx; otherwise back to the list where the form was (or the page with the error)."""
    chosen = _filters(request.form)
    if _for_row(found):
        row = figures.with_handler(FollowUp.select()).where(FollowUp.id == found.id).get()
        return render_template("dashboard/_follow_up_row.html", f=row, reasons=followups.REASONS,
                               filters=chosen, errors=errors or {}, typed=typed or {}), status
    if status != 200:
        return _list_page(program, chosen, errors=errors, typed=typed, status=status)
    kept = {key: value for key, value in chosen.items() if value}
    return redirect(url_for("dashboard.follow_ups", **kept) + f"#follow-up-{found.id}")
