"""Admins edit, reorder, hide and add the programme's session agendas."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import confirmation, paging
from portal.access import admin_required, current_program
from portal.admin import registry
from portal.agendas import store
from portal.agendas.forms import AgendaForm
from portal.models import Agenda

blueprint = Blueprint("agendas", __name__, url_prefix="/admin/agendas")
registry.page("Agendas", "agendas.index", order=40, current=("agendas.",))
PAGE_SIZE = 50


def _row(agenda_id: int) -> Agenda:
    row = Agenda.get_or_none(Agenda.id == agenda_id, Agenda.program == current_program())
    if row is None:
        abort(404)
    return row


@blueprint.get("/")
@admin_required
def index():
    """The agendas in the order sessions use them."""
    program = current_program()
    listed = paging.page_of(store.ordered(program), PAGE_SIZE) if store.customised(program) else None
    if listed is not None:
        listed.rows = [(row, store.in_use(row)) for row in listed.rows]
    return render_template("agendas/index.html", listed=listed,
                           defaults=store.for_program(program) if listed is None else [])


def _listed_at(agenda_id: int) -> str:
    """The page of the list that shows this agenda, scrolled to it."""
    page = paging.page_with(store.ordered(current_program()), agenda_id, PAGE_SIZE)
    return url_for("agendas.index", page=page, _anchor=f"agenda-{agenda_id}")


@blueprint.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    form = AgendaForm()
    if form.validate_on_submit():
        row = store.add(current_program(), form.values(), current_user)
        flash(f"Agenda added: “{row.title}”. It is last in the list; move it where it belongs.", "success")
        return redirect(_listed_at(row.id))
    return render_template("agendas/edit.html", form=form, row=None), 400 if request.method == "POST" else 200


@blueprint.route("/<int:agenda_id>", methods=["GET", "POST"])
@admin_required
def edit(agenda_id: int):
    row = _row(agenda_id)
    if request.method == "POST":
        form = AgendaForm()
        if form.validate():
            store.save(row, form.values(), current_user)
            flash(f"Agenda saved: “{form.title.data.strip()}”.", "success")
            return redirect(_listed_at(row.id))
        status = 400
    else:
        form = AgendaForm(obj=row, before="\n".join(row.before), during="\n".join(row.during),
                          after="\n".join(row.after))
        status = 200
    return render_template("agendas/edit.html", form=form, row=row), status


@blueprint.post("/customise")
@admin_required
def customise():
    """Start editing: the default agendas become the programme's own."""
    store.customise(current_program())
    return redirect(url_for("agendas.index"))


@blueprint.post("/<int:agenda_id>/move")
@admin_required
def move(agenda_id: int):
    row = _row(agenda_id)
    store.move(row, -1 if request.form.get("direction") == "up" else 1, current_user)
    return redirect(_listed_at(row.id))


@blueprint.post("/<int:agenda_id>/active")
@admin_required
def set_active(agenda_id: int):
    """Hide an agenda from booking, or offer it again."""
    row = _row(agenda_id)
    active = request.form.get("active") == "1"
    if not active and Agenda.select().where(Agenda.program == row.program, Agenda.active).count() <= 1:
        flash("Keep at least one agenda for sessions to use.", "error")
    else:
        store.set_active(row, active, current_user)
        flash(f"“{row.title}” is {'offered again' if active else 'hidden from booking'}.", "success")
    return redirect(_listed_at(row.id))


@blueprint.post("/reset")
@admin_required
def reset():
    """Back to the default agendas, once the admin has confirmed (portal.js asks in the browser when it can)."""
    if not confirmation.confirmed():
        return confirmation.ask(confirmation.Question(
            title="Restore the default agendas?", question="Restore the six default agendas?",
            details=["Your edits to them are lost, and agendas you added are removed."],
            confirm_label="Restore the default agendas", back=url_for("agendas.index")))
    store.reset(current_program(), current_user)
    flash("The default agendas are back, in their first order.", "success")
    return redirect(url_for("agendas.index"))
