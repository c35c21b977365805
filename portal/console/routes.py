"""The admin pairing console: propose, review, edit and publish pairs; re-match and unpair one person."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import audit, confirmation, ids, paging, progress, settings
from portal.access import admin_required, current_program
from portal.admin import registry, settings_page
from portal.admin.jobs import line_context
from portal.console import drafts, jobs, rematch, weights
from portal.console import pool as pools
from portal.console import settings as console_settings
from portal.console.forms import MatchingForm
from portal.db import database
from portal.forms import plain_text
from portal.fragments import fragment_or_page
from portal.models import DraftPair, Match, PairingDraft, PairingExclusion, Participant, Program, User
from portal.pairing import directory as mentor_directory
from portal.pairing import operations
from portal.programme import operations as programme

blueprint = Blueprint("console", __name__)
registry.page("Pairing console", "console.console", order=70)
progress.kind(jobs.MATCHING, "Proposing pairs", lambda job: url_for("console.console", job=job.id))
progress.kind(jobs.WEIGHTS, "Previewing matching weights", lambda job: url_for("console.weights_preview", job_id=job.id))

PAGE_SIZE = 50
# The lists beside the draft's pairs, each paged by its own query parameter.
LIST_SIZE = 50
REASONS = {"no_acceptable": "No acceptable mentor (hard rules rule out everyone)",
           "no_capacity": "No place left with an acceptable mentor", "removed": "Taken out of the draft by an admin"}
MentorUser = User.alias()
SORTS = {"fit": DraftPair.fit, "mentee": User.name, "mentor": MentorUser.name}


def _pair(pair_id: int) -> DraftPair:
    """A pair of the programme's open draft, or 404."""
    draft = drafts.open_draft(current_program())
    pair = None if draft is None else DraftPair.get_or_none(DraftPair.id == pair_id, DraftPair.draft == draft)
    if pair is None:
        abort(404)
    return pair


def _participant(program: Program, user_id: int, role: str) -> Participant:
    row = Participant.get_or_none(Participant.program == program, Participant.user == user_id, Participant.role == role)
    if row is None:
        abort(404)
    return row


def _table_args() -> dict:
    sort = request.args.get("sort", "fit")
    sort = sort if sort in SORTS else "fit"
    default = "desc" if sort == "fit" else "asc"
    direction = request.args.get("dir", default)
    return {"sort": sort, "dir": direction if direction in ("asc", "desc") else default,
            "page": paging.page_number()}


def _rows(draft: PairingDraft, args: dict) -> tuple[list[DraftPair], int]:
    """One page of the draft's pairs in the chosen order, mentee and mentor names joined."""
    column = SORTS[args["sort"]]
    order = column.desc() if args["dir"] == "desc" else column.asc()
    query = (
        DraftPair.select(DraftPair, User, MentorUser)
        .join(User, on=(DraftPair.mentee == User.id))
        .switch(DraftPair).join(MentorUser, on=(DraftPair.mentor == MentorUser.id))
        .where(DraftPair.draft == draft)
        .order_by(order, DraftPair.id)
    )
    return list(query.paginate(args["page"], PAGE_SIZE)), query.count()


def _explained(program: Program, draft: PairingDraft, rows: list[DraftPair]) -> dict[int, object]:
    """Reasons for the pairs on the page only: explaining thousands of pairs at once would be wasted work."""
    if not rows:
        return {}
    scoring = drafts.Scoring.from_json(draft.weights)
    index = mentor_directory.directory(program)
    profiles = {p.id: p for p in mentor_directory.mentee_profiles(program, [r.mentee_id for r in rows])}
    # explain() is None for a mentor no longer in the directory: that row shows no reasons.
    return {
        r.id: index.explain(profiles[r.mentee_id], r.mentor_id, scoring.weights, drafts.for_admins(profiles[r.mentee_id]))
        for r in rows if r.mentee_id in profiles
    }


@blueprint.get("/admin/pairing")
@admin_required
def console():
    """The console: what is left to pair, the draft with its figures, and its pairs."""
    program = current_program()
    draft = drafts.open_draft(program)
    args = _table_args()
    rows, total = _rows(draft, args) if draft else ([], 0)
    last = None
    if draft is None:
        last = (PairingDraft.select().where(PairingDraft.program == program, PairingDraft.status == "published")
                .order_by(PairingDraft.published_at.desc()).first())
    job = progress.of_program(program, request.args.get("job"), (jobs.MATCHING,)) or progress.active(
        program, jobs.MATCHING)
    context = dict(
        job_line=line_context(job) if job else None,
        program=program, draft=draft, rows=rows, total=total, args=args, page_size=PAGE_SIZE,
        explained=_explained(program, draft, rows) if draft else {},
        now=drafts.totals(draft) if draft else None, objectives=drafts.OBJECTIVES, reasons=REASONS,
        unmatched=_unmatched(draft), ready=operations.count_to_pair(program),
        places=drafts.mentor_places(program), waiting=pools.waiting_count(program), last=last,
        skipped=_skipped(last),
        last_matched=last.pairs.where(DraftPair.outcome == "matched").count() if last else 0,
        exclusions=paging.page_of(
            PairingExclusion.select(PairingExclusion, User, MentorUser)
            .join(User, on=(PairingExclusion.mentee == User.id))
            .switch(PairingExclusion).join(MentorUser, on=(PairingExclusion.mentor == MentorUser.id))
            .where(PairingExclusion.program == program)
            .order_by(PairingExclusion.created_at.desc(), PairingExclusion.id.desc()),
            LIST_SIZE, "exclusions_page"),
    )
    return fragment_or_page("console/console.html", "pairs", target="pairs", **context)


def _unmatched(draft: PairingDraft | None) -> paging.Page:
    """One page of the mentees the draft leaves unpaired, with why, by name."""
    left = {}
    if draft is not None and draft.unmatched:
        paired = {p.mentee_id for p in draft.pairs.select(DraftPair.mentee)}
        left = {int(i): reason for i, reason in draft.unmatched.items() if int(i) not in paired}
    users = User.select().where(User.id.in_(list(left))).order_by(User.name, User.id)
    found = paging.page_of(users if left else [], LIST_SIZE, "unmatched_page")
    found.rows = [(user, left[user.id]) for user in found.rows]
    return found


def _skipped(last: PairingDraft | None) -> paging.Page:
    """One page of the pairs the last published draft could not make."""
    pairs = (DraftPair.select(DraftPair, User, MentorUser)
             .join(User, on=(DraftPair.mentee == User.id))
             .switch(DraftPair).join(MentorUser, on=(DraftPair.mentor == MentorUser.id))
             .where(DraftPair.draft == last, DraftPair.outcome != "matched").order_by(User.name, DraftPair.id))
    return paging.page_of(pairs if last else [], LIST_SIZE, "skipped_page")


def _done(message: str, category: str = "success"):
    flash(message, category)
    return redirect(url_for("console.console"))


@blueprint.post("/admin/pairing/run")
@admin_required
def run():
    """Propose pairs for everyone still to pair (pinned pairs stay)."""
    try:
        job = jobs.start_matching(current_program(), current_user, request.form.get("objective", "optimal"))
    except drafts.DraftError as error:
        return _done(str(error), "error")
    return redirect(url_for("console.console", job=job.id))


@blueprint.post("/admin/pairing/pairs/<int:pair_id>/remove")
@admin_required
def remove(pair_id: int):
    pair = _pair(pair_id)
    try:
        drafts.remove(pair, current_user)
    except drafts.DraftError as error:
        return _done(str(error), "error")
    return _done(f"Removed {pair.mentee.name} and {pair.mentor.name} from the draft.")


@blueprint.post("/admin/pairing/pairs/<int:pair_id>/pin")
@admin_required
def pin(pair_id: int):
    pair = _pair(pair_id)
    pinned = request.form.get("pinned") == "1"
    try:
        drafts.set_pinned(pair, pinned, current_user)
    except drafts.DraftError as error:
        return _done(str(error), "error")
    verb = "Pinned" if pinned else "Unpinned"
    return _done(f"{verb} {pair.mentee.name} and {pair.mentor.name}.")


@blueprint.post("/admin/pairing/swap")
@admin_required
def swap():
    """Exchange the mentors of the two pairs ticked in the table."""
    chosen = [pair_id for pair_id in map(ids.id_or_none, request.form.getlist("pair")) if pair_id]
    if len(chosen) != 2:
        return _done("Tick exactly two pairs to swap their mentors.", "error")
    first, second = (_pair(pair_id) for pair_id in chosen)
    try:
        drafts.swap(first, second, current_user)
    except drafts.DraftError as error:
        return _done(str(error), "error")
    return _done(f"Swapped: {first.mentee.name} now with {second.mentor.name}, "
                 f"{second.mentee.name} with {first.mentor.name}.")


def _publish_question(program: Program, draft: PairingDraft) -> confirmation.Question:
    """What publishing sends, and a warning while mentees can still request mentors themselves."""
    pairs = drafts.totals(draft)["pairs"]
    warning = None
    if settings.get(program, "pairing_mode") != "admin" and programme.is_open(program, "pairing"):
        waiting = pools.waiting_count(program)
        warning = (f"Mentee-led pairing is still open: mentees can still send requests, and {waiting} "
                   "wait on a mentor's answer. A pair that a request makes impossible before publishing finishes "
                   "is skipped and listed afterwards.")
    return confirmation.Question(
        title="Publish the draft?", question=f"Publish {pairs} pairs and send {2 * pairs} emails?",
        details=[f"{pairs} matches are made at once, each through the same checks as a mentor's approval.",
                 "Every mentee and mentor in them gets the match email straight away."],
        warning=warning, confirm_label=f"Publish {pairs} pairs and send the emails", back=url_for("console.console"))


@blueprint.post("/admin/pairing/publish")
@admin_required
def publish():
    """Publish the open draft, once the admin has confirmed what it sends."""
    program = current_program()
    draft = drafts.open_draft(program)
    if draft is None:
        return _done("There is no draft to publish.", "error")
    if not confirmation.confirmed():
        return confirmation.ask(_publish_question(program, draft))
    try:
        jobs.start_publishing(draft, current_user)
    except drafts.DraftError as error:
        return _done(str(error), "error")
    draft = PairingDraft.get_by_id(draft.id)
    if draft.status == "published":
        made = draft.pairs.where(DraftPair.outcome == "matched").count()
        return _done(f"Published: {made} matches made; everyone has been emailed.")
    return _done("Publishing: matches are being made and emails sent.", "info")


@blueprint.post("/admin/pairing/discard")
@admin_required
def discard():
    """Throw the open draft away, once the admin has confirmed."""
    draft = drafts.open_draft(current_program())
    if draft is None:
        return _done("There is no draft to discard.", "error")
    if not confirmation.confirmed():
        return confirmation.ask(confirmation.Question(
            title="Discard the draft?", question=f"Discard the draft and its {drafts.totals(draft)['pairs']} pairs?",
            details=["Pinned pairs and changes made by hand are lost; nobody is emailed."],
            confirm_label="Discard the draft", back=url_for("console.console")))
    try:
        drafts.discard(draft, current_user)
    except drafts.DraftError as error:
        return _done(str(error), "error")
    return _done("Draft discarded; nothing was published.", "info")


# --- one mentee: re-match, pair by hand, unpair ------------------------------------------------------------------


def _chosen_mentor(program: Program, value) -> User | None:
    mentor_id = ids.id_or_none(value)
    if mentor_id is None:
        return None
    row = Participant.get_or_none(Participant.program == program, Participant.user == mentor_id,
                                  Participant.role == "mentor")
    return row.user if row else None


def _mentee_page(program: Program, mentee: User, status: int = 200, **extra):
    options, choices = rematch.offer(program, mentee.id)
    active = operations.active_match_of_mentee(program, mentee)
    chosen = _chosen_mentor(program, request.values.get("mentor"))
    fit = drafts.fit_of(program, drafts.Scoring.of(program), mentee.id, chosen.id) if chosen else None
    draft = drafts.open_draft(program)
    in_draft = draft.pairs.where(DraftPair.mentee == mentee).first() if draft else None
    ended = list(Match.select().where(Match.program == program, Match.mentee == mentee, Match.ended_at.is_null(False))
                 .order_by(Match.ended_at.desc()))
    return render_template(
        "console/mentee.html", mentee=mentee, options=options, choices=choices, active=active, chosen=chosen,
        fit=fit, forbidden=pools.why_forbidden(program, mentee.id, chosen.id) if chosen else None,
        in_draft=in_draft, ended=ended, draft=draft, **extra,
    ), status


@blueprint.get("/admin/pairing/mentees/<int:user_id>")
@admin_required
def mentee(user_id: int):
    """One mentee: their match or the best mentors with a free place, and a mentor chosen by hand with its fit."""
    program = current_program()
    row = _participant(program, user_id, "mentee")
    return _mentee_page(program, row.user)


@blueprint.get("/admin/pairing/mentees/<int:user_id>/fit")
@admin_required
def fit(user_id: int):
    """The compatibility of the mentor chosen in the form, as a fragment (htmx) or the whole page."""
    program = current_program()
    row = _participant(program, user_id, "mentee")
    chosen = _chosen_mentor(program, request.args.get("mentor"))
    if not request.htmx:
        return _mentee_page(program, row.user)
    explained = drafts.fit_of(program, drafts.Scoring.of(program), user_id, chosen.id) if chosen else None
    return render_template("console/_fit.html", mentee=row.user, chosen=chosen, fit=explained,
                           forbidden=pools.why_forbidden(program, user_id, chosen.id) if chosen else None)


@blueprint.post("/admin/pairing/mentees/<int:user_id>/draft")
@admin_required
def add_to_draft(user_id: int):
    """Put the mentee with this mentor in the draft, pinned."""
    program = current_program()
    row = _participant(program, user_id, "mentee")
    mentor = _chosen_mentor(program, request.form.get("mentor"))
    if mentor is None:
        flash("Choose a mentor.", "error")
        return _mentee_page(program, row.user, status=400)
    try:
        drafts.pin(program, current_user, user_id, mentor.id)
    except drafts.DraftError as error:
        flash(str(error), "error")
        return _mentee_page(program, row.user, status=400)
    return _done(f"{row.user.name} and {mentor.name} are pinned in the draft.")


@blueprint.post("/admin/pairing/mentees/<int:user_id>/match")
@admin_required
def match_now(user_id: int):
    """Pair the mentee with this mentor straight away; the same emails as any match."""
    program = current_program()
    row = _participant(program, user_id, "mentee")
    mentor = _chosen_mentor(program, request.form.get("mentor"))
    problem = "Choose a mentor." if mentor is None else pools.why_forbidden(program, user_id, mentor.id)
    if problem:
        flash(problem, "error")
        return _mentee_page(program, row.user, status=400)
    if not confirmation.confirmed():
        return confirmation.ask(confirmation.Question(
            title="Match them now?", question=f"Match {row.user.name} with {mentor.name} now?",
            details=["The match is made at once, outside any draft, and both are emailed straight away."],
            confirm_label="Match them and send the emails", back=url_for("console.mentee", user_id=user_id)))
    try:
        made = operations.create_match(program, mentor, row.user, made_by="admin", actor=current_user)
    except operations.PairingError as error:
        flash(str(error), "error")
        return _mentee_page(program, row.user, status=409)
    flash(f"{row.user.name} is now matched with {mentor.name}; both have been emailed.", "success")
    return redirect(url_for("pairing.match", match_id=made.id))


@blueprint.post("/admin/pairing/mentees/<int:user_id>/exclude")
@admin_required
def exclude(user_id: int):
    """Never propose this mentor for this mentee."""
    program = current_program()
    row = _participant(program, user_id, "mentee")
    mentor = _chosen_mentor(program, request.form.get("mentor"))
    reason = " ".join(plain_text(request.form.get("reason"), 2000).split())[:300]
    if mentor is None:
        flash("Choose a mentor.", "error")
        return _mentee_page(program, row.user, status=400)
    with database.atomic():
        PairingExclusion.insert(program=program, mentee=user_id, mentor=mentor.id, reason=reason,
                                created_by=current_user.id).on_conflict_ignore().execute()
        audit.record(current_user, "pairing.exclude", f"programme:{program.id}", mentee=user_id, mentor=mentor.id,
                     reason=reason)
    flash(f"{mentor.name} will not be proposed for {row.user.name}.", "success")
    return redirect(url_for("console.mentee", user_id=user_id))


@blueprint.post("/admin/pairing/exclusions/<int:exclusion_id>/delete")
@admin_required
def delete_exclusion(exclusion_id: int):
    program = current_program()
    exclusion = PairingExclusion.get_or_none(PairingExclusion.id == exclusion_id,
                                             PairingExclusion.program == program)
    if exclusion is None:
        abort(404)
    exclusion.delete_instance()
    audit.record(current_user, "pairing.include", f"programme:{program.id}", mentee=exclusion.mentee_id,
                 mentor=exclusion.mentor_id)
    return _done(f"{exclusion.mentor.name} may be proposed for {exclusion.mentee.name} again.")


@blueprint.post("/admin/pairing/matches/<int:match_id>/end")
@admin_required
def end_match(match_id: int):
    """Unpair with a reason: the match ends, the mentor's place frees up, the mentee can be matched again."""
    program = current_program()
    found = Match.get_or_none(Match.id == match_id, Match.program == program)
    if found is None:
        abort(404)
    # A missing reason is the operation's to report on the mentee's page; a reason given is confirmed first.
    if (request.form.get("reason") or "").strip() and not confirmation.confirmed():
        return confirmation.ask(confirmation.Question(
            title="End this match?", question=f"End the match of {found.mentee.name} and {found.mentor.name}?",
            details=["Both are emailed that the match has ended; the reason is not in the email.",
                     f"{found.mentor.first_name}'s place frees up and {found.mentee.first_name} can be matched again."],
            confirm_label="End the match", back=url_for("console.mentee", user_id=found.mentee_id)))
    try:
        operations.end_match(found, plain_text(request.form.get("reason"), 2000), current_user)
    except operations.PairingError as error:
        flash(str(error), "error")
        return _mentee_page(program, found.mentee, status=400, reason_error=str(error),
                            reason=request.form.get("reason") or "")
    flash(f"The match of {found.mentee.name} and {found.mentor.name} has ended; both have been emailed.", "success")
    return redirect(url_for("console.mentee", user_id=found.mentee_id))


# --- matching weights, from the settings page --------------------------------------------------------------------


@blueprint.post("/admin/settings/matching")
@admin_required
def save_weights():
    """Matching weights: first a preview of how the open draft would change, then save on confirmation."""
    program = current_program()
    anchor = console_settings.SECTION.anchor
    form = MatchingForm()
    if not form.validate():
        return settings_page.render(program, anchor, form, status=400)
    values = {name: form[name].data for name in [*weights.COMPONENTS, "department_mode", "favourite_bonus"]}
    if request.form.get("action") == "edit":
        return settings_page.render(program, anchor, form)
    if request.form.get("action") != "confirm":
        try:
            job = jobs.start_preview(program, current_user, values)
        except drafts.DraftError as error:
            flash(str(error), "error")
            return settings_page.render(program, anchor, form, status=409)
        return redirect(url_for("console.weights_preview", job_id=job.id))
    changed = weights.save(program, values, current_user)
    settings_page.flash_saved(anchor, "Matching weights saved; the next proposal uses them." if changed
                              else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("admin.settings") + f"#{anchor}")


@blueprint.get("/admin/settings/matching/preview/<int:job_id>")
@admin_required
def weights_preview(job_id: int):
    """The preview job's result with the form to save those weights, or its progress until it is done."""
    program = current_program()
    job = progress.of_program(program, job_id, (jobs.WEIGHTS,))
    if job is None:
        abort(404)
    if job.state != "done":
        return render_template("admin/job.html", line=line_context(job))
    form = MatchingForm(formdata=None, data=job.result["values"])
    return render_template("console/weights_preview.html", form=form, preview=job.result["preview"],
                           current=weights.current(program),
                           labels={k: label for k, (label, _) in weights.COMPONENTS.items()})
