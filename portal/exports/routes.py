"""The exports page and its CSV downloads, for admins."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, render_template
from flask_login import current_user

from portal import downloads
from portal.access import admin_required, current_program
from portal.admin import registry
from portal.exports import operations, spreadsheet
from portal.exports.tables import EXPORTS

blueprint = Blueprint("exports", __name__, url_prefix="/admin/exports")
registry.page("Exports", "exports.index", order=105)


@blueprint.get("/")
@admin_required
def index():
    """Every export, with how many rows it holds now."""
    program = current_program()
    return render_template("exports/index.html", exports=[(e, e.count(program)) for e in EXPORTS.values()])


@blueprint.get("/<export>.csv")
@admin_required
def download(export: str):
    """One export as CSV, streamed as it is read; the download is written to the audit log."""
    chosen = EXPORTS.get(export)
    if chosen is None:
        abort(404)
    program = current_program()
    operations.record_download(current_user, program, chosen.name, chosen.count(program))
    chunks = spreadsheet.stream(chosen.columns(program), chosen.rows(program))
    return downloads.attachment(chunks, "text/csv", chosen.filename(program, dt.date.today()))
