"""Leaving the programme, by the person or recorded for them by an admin."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.access import admin_required, current_program
from portal.leaving import operations
from portal.leaving.forms import LeaveForm
from portal.models import Participant, User

blueprint = Blueprint("leaving", __name__)


def _page(program, person: User, form: LeaveForm, *, by_admin: bool):
    matches, upcoming = operations.what_ends(person, program)
    status = 400 if form.is_submitted() else 200
    return render_template("leaving/leave.html", form=form, person=person, matches=matches, upcoming=upcoming,
                           by_admin=by_admin), status


def _left(form: LeaveForm, program, person: User) -> bool:
    """Take the person out when the form is valid; False with the errors on the form otherwise."""
    if not form.validate_on_submit():
        return False
    try:
        operations.leave(program, person, form.reason.data, form.feedback.data, current_user)
    except operations.LeavingError as error:
        form.reason.errors = [str(error)]
        return False
    return True


@blueprint.route("/leave", methods=["GET", "POST"])
@login_required
def leave():
    """Leave the programme: a reason, a word for the team, and a clear view of what happens."""
    program = current_program()
    if not Participant.roles_of(current_user, program):
        return render_template("leaving/left.html", by_admin=False, person=current_user)
    form = LeaveForm()
    if _left(form, program, current_user):
        return redirect(url_for("leaving.leave"))
    return _page(program, current_user, form, by_admin=False)


@blueprint.route("/admin/people/<int:user_id>/leave", methods=["GET", "POST"])
@admin_required
def leave_for(user_id: int):
    """An admin records that someone has left (they told the team, or left the organisation)."""
    program = current_program()
    person = User.get_or_none(User.id == user_id)
    if person is None:
        abort(404)
    if not Participant.roles_of(person, program):
        flash(f"{person.name} is not taking part in this programme.", "info")
        return redirect(url_for("admin.people"))
    form = LeaveForm()
    if _left(form, program, person):
        flash(f"{person.name} has left the programme; the other person in each match has been told.", "success")
        return redirect(url_for("admin.people"))
    return _page(program, person, form, by_admin=True)
