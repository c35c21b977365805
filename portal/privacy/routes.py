"""Data rights pages: a person's own data to download, and an admin deleting a person."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal import downloads
from portal.access import admin_required
from portal.models import User
from portal.privacy import erasure, export
from portal.privacy.forms import EraseForm

blueprint = Blueprint("privacy", __name__)


def _download(chunks, mimetype: str, extension: str) -> Response:
    return downloads.attachment(chunks, mimetype, f"my-mentoring-data-{dt.date.today():%Y-%m-%d}.{extension}")


@blueprint.get("/profile/data.json")
@login_required
def download_json():
    """Everything the portal stores about you, as one JSON document."""
    return _download(export.as_json(current_user._get_current_object()), "application/json", "json")


@blueprint.get("/profile/data.zip")
@login_required
def download_csv():
    """Everything the portal stores about you, as a zip of CSV files, one per kind."""
    return _download(export.as_csv_zip(current_user._get_current_object()), "application/zip", "zip")


def _person_or_404(user_id: int) -> User:
    person = User.get_or_none(User.id == user_id)
    if person is None or person.is_erased:
        abort(404)
    return person


@blueprint.route("/admin/people/<int:user_id>/delete", methods=["GET", "POST"])
@admin_required
def erase(user_id: int):
    """Delete a person: the page says what will happen, and nothing happens before the admin confirms."""
    person = _person_or_404(user_id)
    form = EraseForm()
    if form.validate_on_submit():
        try:
            erasure.erase(person, current_user)
        except erasure.ErasureError as error:
            form.confirm.errors = [str(error)]
        else:
            flash("The account has been deleted. What remains for the programme's figures is anonymous.", "success")
            return redirect(url_for("admin.people"))
    status = 400 if form.is_submitted() else 200
    return render_template("privacy/erase.html", form=form, person=person, preview=erasure.preview(person),
                           own=person.id == current_user.id), status
