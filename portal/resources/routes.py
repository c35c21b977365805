"""The resource library pages."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import login_required

from portal import content
from portal.agendas import store as agenda_store
from portal.models import Program

blueprint = Blueprint("resources", __name__, url_prefix="/resources")


@blueprint.get("/")
@login_required
def index():
    """Handbooks by audience, and the six session agendas."""
    groups: dict[str, list] = {}
    for document in content.handbooks():
        groups.setdefault(document.meta.get("audience", "everyone"), []).append(document)
    ordered = [(content.AUDIENCES.get(a, a), groups[a]) for a in content.AUDIENCES if a in groups]
    return render_template("resources/index.html", groups=ordered, agendas=_agendas())


@blueprint.get("/handbooks/<slug>")
@login_required
def handbook(slug: str):
    """One handbook."""
    return render_template("resources/handbook.html", document=_document("handbooks", slug))


@blueprint.get("/agendas/<slug>")
@login_required
def agenda(slug: str):
    """One session agenda with its guiding questions before, during and after."""
    program = Program.current()
    document = agenda_store.find(program, slug) if program else content.find("agendas", slug)
    if document is None:
        abort(404)
    return render_template("resources/agenda.html", document=document)


def _agendas() -> list[content.Document]:
    """The running programme's agendas, or the defaults when there is none."""
    program = Program.current()
    return agenda_store.for_program(program) if program else content.agendas()


def _document(collection: str, slug: str) -> content.Document:
    document = content.find(collection, slug)
    if document is None:
        abort(404)
    return document
