"""Pairing pages: directory, mentor profile, shortlist, requests, the mentor's inbox, match page."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal import access, confirmation, paging, person_kept, settings
from portal.access import admin_required, current_program
from portal.admin import registry, settings_page
from portal.db import database
from portal.fragments import fragment_or_page
from portal.forms import plain_text
from portal.meetings import booking
from portal.meetings.panels import match_items
from portal.models import Match, MatchRequest, Program, User
from portal.prepared import Prepared
from portal.steady import rows_copy
from portal.pairing import directory as mentor_directory
from portal.pairing import operations
from portal.pairing import settings as pairing_settings
from portal.programme import operations as programme
from portal.questionnaire import operations as questionnaire

blueprint = Blueprint("pairing", __name__)
registry.page("To pair", "pairing.unpaired", order=60)


# Every full page's navigation asks: compiled once (portal/prepared.py).
_ACTIVE_MATCHES = Prepared(lambda user, program: (
    Match.of(user).where(Match.program == program, Match.ended_at.is_null()).order_by(Match.started_at, Match.id)
), 2)


def viewer_matches() -> list[Match]:
    """The viewer's active matches in the programme, oldest first, read once per request (navigation and pages)."""
    if not current_user.is_authenticated or database.is_closed():
        return []
    if "nav_matches" not in g:
        program = g.get("program") or Program.current()
        g.nav_matches = person_kept.kept(
            current_user.id, ("matches", program.id), lambda: _ACTIVE_MATCHES.rows(current_user.id, program.id),
            rows_copy) if program else []
    return g.nav_matches


def _match_as_mentee() -> Match | None:
    """The viewer's active match as mentee, from the matches the navigation reads anyway (read-only pages)."""
    return next((m for m in viewer_matches() if m.mentee_id == current_user.id), None)


@blueprint.app_context_processor
def match_navigation():
    """`nav_matches()` for the top navigation: the viewer's active matches in the programme, oldest first."""
    return {"nav_matches": viewer_matches}


PAGE_SIZE = 20
UNPAIRED_PAGE_SIZE = 50
LOCATIONS = {"virtual": "Virtual", "in-person": "In person"}
OVERLAPS = {"2": 2.0, "4": 4.0, "6": 6.0}


def _participant_or_admin(program: Program) -> None:
    """The directory is for people taking part, and for admins."""
    if not current_user.is_admin and not access.roles_in(program, current_user):
        abort(403)


def _is_mentee(program: Program) -> bool:
    return "mentee" in access.roles_in(program, current_user)


def _mentee_or_403(program: Program) -> None:
    if not _is_mentee(program):
        abort(403)


def _back(default: str) -> str:
    """Where a plain (no-JavaScript) form post returns to: the page it came from, if ours."""
    target = request.form.get("next") or request.referrer or ""
    parts = urlparse(target)
    if parts.netloc and parts.netloc != request.host:
        return default
    # "//host/..." (e.g. from http://ourhost//evil.example) and "/\host" are read by browsers as another site.
    if not parts.path.startswith("/") or parts.path.startswith("//") or "\\" in parts.path:
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _filters() -> dict:
    args = request.args
    return {
        "q": paging.search_text(),
        "department": args.get("department") or "",
        "location": args.get("location") if args.get("location") in LOCATIONS else "",
        "overlap": args.get("overlap") if args.get("overlap") in OVERLAPS else "",
        "room": args.get("room") == "1",
        "page": paging.page_number(),
    }


def _shortlisted(program: Program) -> list[int]:
    if not _is_mentee(program):
        return []
    return person_kept.kept(current_user.id, ("shortlisted", program.id), lambda: [
        entry.mentor_id for entry in operations.shortlist_of(program, current_user)], list, person_kept.SHORTLIST)


@blueprint.get("/mentors")
@login_required
def directory():
    """The mentor directory: fuzzy search, filters, ranked by fit for the mentee looking."""
    program = current_program()
    _participant_or_admin(program)
    filters = _filters()
    index = mentor_directory.directory(program)
    departments = mentor_directory.departments(program)
    ranking = index.rank(
        mentor_directory.mentee_profile(program, current_user),
        query=filters["q"],
        department=filters["department"] if filters["department"] in departments else None,
        location=LOCATIONS.get(filters["location"]),
        min_shared_hours=OVERLAPS.get(filters["overlap"]),
        has_room=filters["room"],
        weights=mentor_directory.weights(program),
        limit=PAGE_SIZE,
        offset=(filters["page"] - 1) * PAGE_SIZE,
    )
    is_mentee = _is_mentee(program)
    matched = _match_as_mentee() if is_mentee else None
    context = dict(
        ranking=ranking, filters=filters, departments=departments, locations=LOCATIONS, overlaps=OVERLAPS,
        pages=max(1, -(-ranking.total // PAGE_SIZE)), shortlisted=_shortlisted(program),
        # A matched mentee browses: shortlisting and requesting are over for them.
        is_mentee=is_mentee and matched is None, matched=matched,
    )
    return fragment_or_page("pairing/directory.html", "results", **context)


@blueprint.get("/mentors/<int:user_id>")
@login_required
def mentor(user_id: int):
    """A mentor's public profile: what they offer, what you have in common, room left."""
    program = current_program()
    _participant_or_admin(program)
    row = operations.mentor_with_user(program, user_id)
    if row is None:
        abort(404)
    person = row.user
    index = mentor_directory.directory(program)
    mentee = mentor_directory.mentee_profile(program, current_user)
    ranked = index.fit(mentee, user_id, weights=mentor_directory.weights(program))
    if ranked is None:
        abort(404)
    shortlisted = _shortlisted(program)
    alternatives = []
    if mentee and (ranked.full or ranked.popular):
        # One popular executive must not stall the programme: offer the best with room.
        alternatives = index.alternatives(
            mentee, exclude=[user_id, *shortlisted], weights=mentor_directory.weights(program), count=3
        )
    matched = _match_as_mentee() if mentee else None
    return render_template(
        "pairing/mentor.html", person=person, ranked=ranked, shortlisted=shortlisted,
        alternatives=[] if matched else alternatives, shown=questionnaire.directory_answers(person, program),
        is_mentee=mentee is not None and matched is None, matched=matched,
    )


def _shortlist_context(program: Program) -> dict:
    entries = operations.shortlist_of(program, current_user)
    index = mentor_directory.directory(program)
    mentee = mentor_directory.mentee_profile(program, current_user)
    weights = mentor_directory.weights(program)
    fits = {e.mentor_id: index.fit(mentee, e.mentor_id, weights=weights) for e in entries}
    requests = list(
        MatchRequest.select(MatchRequest, User)
        .join(User, on=(MatchRequest.mentor == User.id))
        .where(MatchRequest.program == program, MatchRequest.mentee == current_user.id)
        .order_by(MatchRequest.created_at.desc(), MatchRequest.id.desc())
    )
    pending = next((r for r in requests if r.is_pending), None)
    match = operations.active_match_of_mentee(program, current_user)
    exhausted = (not match and not pending and bool(requests)
                 and operations.next_mentor(program, current_user, entries) is None)
    alternatives = []
    if not match and not pending and (exhausted or not entries):
        exclude = [e.mentor_id for e in entries] + [r.mentor_id for r in requests]
        alternatives = index.alternatives(mentee, exclude=exclude, weights=mentor_directory.weights(program), count=3)
    return dict(
        entries=entries, fits=fits, requests=requests, pending=pending, match=match, exhausted=exhausted,
        alternatives=alternatives, limit=settings.get(program, "shortlist_size"),
        blocked=operations.can_request(program), mode=settings.get(program, "pairing_mode"),
        expiry_days=settings.get(program, "request_expiry_days"), shortlisted=[e.mentor_id for e in entries],
        about=questionnaire.introductions(program, [e.mentor_id for e in entries]),
    )


@blueprint.get("/shortlist")
@login_required
def shortlist():
    """The mentee's favourites, their request and, if the shortlist ran out, alternatives with room."""
    program = current_program()
    _mentee_or_403(program)
    return render_template("pairing/shortlist.html", **_shortlist_context(program))


@blueprint.post("/shortlist/<int:mentor_id>")
@login_required
def change_shortlist(mentor_id: int):
    """Add, remove or reorder a favourite; htmx gets the widget back, a plain post a redirect."""
    program = current_program()
    _mentee_or_403(program)
    action = request.form.get("action")
    try:
        if action == "add":
            operations.add_to_shortlist(program, current_user, mentor_id)
        elif action == "remove":
            operations.remove_from_shortlist(program, current_user, mentor_id)
        elif action in ("up", "down"):
            operations.move_in_shortlist(program, current_user, mentor_id, -1 if action == "up" else 1)
        else:
            abort(400, "Choose add, remove, up or down.")
        error = None
    except operations.PairingError as problem:
        if isinstance(problem, operations.NotAMentor) and not User.select().where(User.id == mentor_id).exists():
            abort(404)
        error = str(problem)
    if request.htmx:
        if request.htmx.target == "shortlist":
            return render_template("pairing/_shortlist.html", error=error, **_shortlist_context(program))
        return render_template(
            "pairing/_shortlist_button.html", mentor_id=mentor_id, shortlisted=_shortlisted(program), error=error
        )
    if error:
        flash(error, "error")
    return redirect(_back(url_for("pairing.shortlist")))


@blueprint.post("/requests")
@login_required
def send_request():
    """Send the request to the first favourite who can take it."""
    program = current_program()
    _mentee_or_403(program)
    message = plain_text(request.form.get("message"), 1000)
    try:
        sent = operations.send_request(program, current_user, message)
    except operations.PairingError as problem:
        flash(str(problem), "error")
        return redirect(url_for("pairing.shortlist"))
    if sent is None:
        flash("None of your favourites can take a request now. Here are mentors with room who fit you well.", "warning")
    elif sent.status == "approved":
        flash(f"You are matched with {sent.mentor.name}!", "success")
    else:
        flash(f"Request sent to {sent.mentor.name}. We will email you as soon as they answer.", "success")
    return redirect(url_for("pairing.shortlist"))


@blueprint.post("/requests/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    """The mentee takes back a request still waiting for an answer; the mentor is told."""
    program = current_program()
    _mentee_or_403(program)
    item = MatchRequest.get_or_none(MatchRequest.id == request_id)
    # Someone else's request looks like no request at all.
    if item is None or item.mentee_id != current_user.id:
        abort(404)
    try:
        operations.withdraw_request(item, current_user)
    except operations.PairingError as problem:
        flash(str(problem), "error")
    else:
        flash(f"Request to {item.mentor.name} withdrawn; we have told them. Your next request goes to the next "
              "favourite on your shortlist.", "info")
    return redirect(url_for("pairing.shortlist"))


@blueprint.get("/inbox")
@login_required
def inbox():
    """The mentor's requests to approve or decline."""
    program = current_program()
    row = access.row_in_role(program, current_user, "mentor")
    if row is None:
        abort(403)
    requests = list(
        MatchRequest.select(MatchRequest, User)
        .join(User, on=(MatchRequest.mentee == User.id))
        .where(MatchRequest.program == program, MatchRequest.mentor == current_user.id)
        .order_by(MatchRequest.created_at.desc())
    )
    matches = list(
        Match.active().select(Match, User).join(User, on=(Match.mentee == User.id))
        .where(Match.program == program, Match.mentor == current_user.id)
    )
    return render_template(
        "pairing/inbox.html", pending=[r for r in requests if r.is_pending],
        answered=[r for r in requests if not r.is_pending], matches=matches, capacity=row.capacity or 1,
        about=questionnaire.introductions(program, [r.mentee_id for r in requests] + [m.mentee_id for m in matches]),
    )


def _own_request(request_id: int) -> MatchRequest:
    # The programme and the mentee come in the same statement: approving and declining both read them.
    item = (MatchRequest.select(MatchRequest, Program, User).join(Program).switch(MatchRequest)
            .join(User, on=(MatchRequest.mentee == User.id)).where(MatchRequest.id == request_id).first())
    # Someone else's request looks like no request at all.
    if item is None or item.mentor_id != current_user.id:
        abort(404)
    return item


@blueprint.post("/requests/<int:request_id>/approve")
@login_required
def approve(request_id: int):
    """Approve a request: the pair is matched."""
    item = _own_request(request_id)
    try:
        match = operations.approve_request(item, current_user)
    except operations.PairingError as problem:
        flash(str(problem), "error")
        return redirect(url_for("pairing.inbox"))
    if settings.get(match.program, "first_contact") == "mentor":
        flash(f"You are now matched with {match.mentee.name}. Reach out to set up your first session.", "success")
    else:
        # The mentee was told to reach out first: do not tell the mentor the opposite.
        flash(f"You are now matched with {match.mentee.name}. {match.mentee.first_name} will reach out to set up "
              "your first session.", "success")
    return redirect(url_for("pairing.match", match_id=match.id))


@blueprint.post("/requests/<int:request_id>/decline")
@login_required
def decline(request_id: int):
    """Decline a request, with an optional private reason; it passes to the mentee's next favourite."""
    item = _own_request(request_id)
    if item.is_pending and not confirmation.confirmed():
        reason = " ".join((request.form.get("reason") or "").split())
        return confirmation.ask(confirmation.Question(
            title="Decline this request?", question=f"Decline {item.mentee.name}'s request?",
            details=[f"{item.mentee.first_name} is told you cannot take them on, and the request passes to their "
                     "next choice. You cannot approve it afterwards.",
                     f"Your reason, seen only by the programme team: {reason}" if reason else
                     "You gave no reason; the programme team sees none."],
            confirm_label=f"Decline {item.mentee.first_name}", back=url_for("pairing.inbox") + f"#request-{item.id}"))
    try:
        operations.decline_request(item, current_user, plain_text(request.form.get("reason"), 1000))
    except operations.PairingError as problem:
        flash(str(problem), "error")
    else:
        flash(f"Declined. {item.mentee.first_name}'s request passes to their next choice.", "info")
    return redirect(url_for("pairing.inbox"))


@blueprint.get("/matches/<int:match_id>")
@login_required
def match(match_id: int):
    """A pair's page: both profiles, what they share, who reaches out first."""
    item = Match.for_member_or_404(match_id, current_user)
    program = item.program
    index = mentor_directory.directory(program)
    mentee = mentor_directory.mentee_profile(program, item.mentee)
    ranked = index.fit(mentee, item.mentor_id, weights=mentor_directory.weights(program))
    viewer_role = "mentor" if current_user.id == item.mentor_id else "mentee" if current_user.id == item.mentee_id else None
    # Who reaches out first matters only until the pair has a session in the diary.
    first_contact_due = bool(viewer_role) and not item.ended_at and not booking.scheduled(booking.sessions_of(item))
    return render_template(
        "pairing/match.html", item=item, ranked=ranked,
        mentor_sections=questionnaire.profile_sections(item.mentor, program),
        mentee_sections=questionnaire.profile_sections(item.mentee, program),
        first_contact=settings.get(program, "first_contact"), viewer_role=viewer_role,
        first_contact_due=first_contact_due,
        **match_items(item),
    )


@blueprint.get("/admin/unpaired")
@admin_required
def unpaired():
    """Mentees still to pair: no mentor, no request waiting."""
    program = current_program()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = operations.still_to_pair_page(program, page, UNPAIRED_PAGE_SIZE)
    return render_template(
        "pairing/unpaired.html", rows=rows, page=page, total=total,
        pages=max(1, -(-total // UNPAIRED_PAGE_SIZE)), pairing_open=programme.is_open(program, "pairing"),
    )


@blueprint.post("/admin/settings/pairing")
@admin_required
def save_settings():
    """Save how pairs form: mode, shortlist size, request expiry, who reaches out first."""
    return settings_page.save_section(pairing_settings.SECTION.anchor)
