"""The home page: the programme at a glance and the visitor's next step."""
from __future__ import annotations

from flask import Blueprint, g, render_template
from flask_login import current_user

from portal import access, settings
from portal.models import Match, MatchRequest, Participant, Program
from portal.pairing import operations as pairing_operations
from portal.programme import operations as programme
from portal.programme.phases import DESCRIPTIONS, LABELS, PHASES, windows
from portal.questionnaire import operations as questionnaire

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
def index():
    """Landing page for visitors, dashboard for participants and admins."""
    program = g.get("program") or Program.current()
    timeline = []
    participations = []
    if program:
        opened = programme.open_phases(program)
        spans = windows(programme.dates_of(program))
        timeline = [
            {"phase": p, "label": LABELS[p], "text": DESCRIPTIONS[p], "start": spans[p][0], "open": p in opened}
            for p in PHASES
        ]
    if current_user.is_authenticated and program:
        participations = access.participations(program, current_user)
    progress = questionnaire.progress(program, current_user) if participations else None
    roles = {p.role for p in participations}
    pairing = {}
    if "mentee" in roles:
        pairing["match"] = pairing_operations.active_match_of_mentee(program, current_user)
        pairing["pending"] = pairing_operations.pending_request_of(program, current_user)
    if "mentor" in roles:
        pairing["inbox"] = MatchRequest.pending(program, mentor=current_user.id).count()
        pairing["mentees"] = list(
            Match.active().where(Match.program == program, Match.mentor == current_user.id)
        )
    return render_template(
        "home.html", timeline=timeline, participations=participations, progress=progress,
        registration={r: programme.registration_open_for(program, r) for r in Participant.ROLES} if program else {},
        ahead=programme.registration_ahead(program) if program else {},
        welcome=settings.get(program, "welcome_message") if program else "",
        pairing=pairing, roles=roles,
    )
