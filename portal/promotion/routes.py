"""The promotion kit page and its poster download."""
from __future__ import annotations

from flask import Blueprint, Response, render_template

from portal.access import admin_required, current_program
from portal.admin import registry
from portal.chat.messages import registration_address
from portal.promotion import poster as posters
from portal.promotion import texts

blueprint = Blueprint("promotion", __name__)


@blueprint.get("/admin/promotion")
@admin_required
def index():
    """Texts to paste into email, chat and the intranet, and the poster to print."""
    program = current_program()
    address = registration_address()
    return render_template("promotion/index.html", program=program, address=address,
                           texts=texts.all_texts(program, address))


@blueprint.get("/admin/promotion/poster.pdf")
@admin_required
def poster():
    """The A4 poster with a QR code to the registration page, made now (it takes a fraction of a second)."""
    program = current_program()
    return Response(posters.make(program, registration_address()), mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="programme-poster.pdf"'})


registry.page("Promotion kit", "promotion.index", order=58, current=("promotion.",))
