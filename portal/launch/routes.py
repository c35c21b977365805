"""The launch page (waves and funnel), the wave editor and preview, sending and scheduling; the unsubscribe page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import fn

from portal import confirmation, kept, links, paging, progress, redaction
from portal.access import admin_required, current_program
from portal.admin import registry
from portal.admin.jobs import line_context
from portal.fragments import fragment_or_page
from portal.launch import audience, forms, funnel, invitations, letters, operations, plan, tasks
from portal.models import Program, Wave, WaveInvitation

blueprint = Blueprint("launch", __name__)
registry.page("Launch", "launch.index", order=57, current=("launch.",))
progress.kind(tasks.KIND, "Sending invitations", lambda job: url_for("launch.index", job=job.id))

PAGE_SIZE = 50


def _wave_or_404(number: int) -> tuple[Program, Wave]:
    program = current_program()
    wave = plan.wave(program, number) if program else None
    if wave is None:
        abort(404)
    return program, wave


@blueprint.get("/admin/launch")
@admin_required
def index():
    """The waves with their dates, audiences and status, the job sending one, and the funnel."""
    program = current_program()
    if program is None:
        abort(404)
    waves = plan.waves(program)
    shown = progress.of_program(program, request.args.get("job"), (tasks.KIND,))
    running = [progress.active(program, f"{tasks.KIND}:{wave.number}") for wave in waves]
    job_lines = [line_context(job) for job in {j.id: j for j in [shown, *running] if j}.values()]
    # Who each wave reached: one GROUP BY; who it would still reach is counted on its preview, one wave at a time.
    counts = dict(WaveInvitation.select(WaveInvitation.wave, fn.COUNT(WaveInvitation.id))
                  .where(WaveInvitation.wave.in_([wave.id for wave in waves])).group_by(WaveInvitation.wave).tuples())
    found = kept.kept("funnel", program)
    return render_template("launch/index.html", waves=waves, counts=counts, titles=plan.TITLES,
                           audiences=plan.AUDIENCES, job_lines=job_lines, funnel=found.value, kept=found,
                           stages=funnel.STAGES, stage_labels=funnel.STAGE_LABELS, target_share=funnel.TARGET_SHARE,
                           target_ratio=funnel.TARGET_RATIO, rule_of_seven=funnel.RULE_OF_SEVEN)


def _editor(wave: Wave, form, status: int = 200):
    return render_template("launch/wave.html", wave=wave, form=form, title=plan.TITLES[wave.kind],
                           audience_text=plan.AUDIENCES[wave.kind], placeholders=plan.PLACEHOLDERS,
                           suggested=plan.suggested_dates(wave.program)[wave.kind]), status


@blueprint.get("/admin/launch/waves/<int:number>")
@admin_required
def edit(number: int):
    """A wave's date, subject, text, sender, Reply-To and (wave 1) its segment."""
    _, wave = _wave_or_404(number)
    return _editor(wave, forms.WaveForm.of(wave))


@blueprint.post("/admin/launch/waves/<int:number>")
@admin_required
def save(number: int):
    """Save a wave's changes, or show the form again with what was wrong."""
    _, wave = _wave_or_404(number)
    form = forms.WaveForm(segmented=wave.kind == "mentors")
    if not form.validate():
        return _editor(wave, form, 400)
    changed = operations.save_wave(wave, form.values(), current_user)
    flash(f"Wave {wave.number} saved." if changed else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("launch.preview", number=wave.number))


@blueprint.get("/admin/launch/waves/<int:number>/preview")
@admin_required
def preview(number: int):
    """How many the wave would email now, the email as the first of them gets it, and who they are (paginated)."""
    program, wave = _wave_or_404(number)
    listing = paging.page_of(audience.still_to_invite(wave), PAGE_SIZE)
    sample = listing.rows[0] if listing.rows else audience.eligible(wave).first()
    letter = letters.letter(wave, program, sample) if sample else None
    return fragment_or_page(
        "launch/preview.html", "people", wave=wave, title=plan.TITLES[wave.kind], total=listing.total,
        people=listing.rows, page=listing.number, pages=listing.pages, sample=sample,
        letter_text=links_hidden(letter.text) if letter else "", letter=letter, sender=letters.sender(wave, program))


def links_hidden(text: str) -> str:
    """The preview shows a person's links without their secret, as the outbox does."""
    return redaction.for_app(current_app).text(text)


@blueprint.post("/admin/launch/waves/<int:number>/send")
@admin_required
def send(number: int):
    """Send the wave now to everyone it has not reached yet, after asking."""
    program, wave = _wave_or_404(number)
    count = audience.still_to_invite(wave).count()
    if not count:
        flash(f"Wave {wave.number} has nobody left to invite.", "info")
        return redirect(url_for("launch.preview", number=wave.number))
    if not confirmation.confirmed():
        return confirmation.ask(confirmation.Question(
            title=f"Send wave {wave.number} now?",
            question=f"Email “{wave.subject}” to {count} {'person' if count == 1 else 'people'} now?",
            details=["Each person gets it once: sending the wave again reaches only people who became part of it "
                     "since.", "People who registered or opted out are left out."],
            confirm_label=f"Send to {count} {'person' if count == 1 else 'people'}",
            back=url_for("launch.preview", number=wave.number)))
    try:
        job = operations.send_now(wave, current_user)
    except progress.Busy:
        flash(f"Wave {wave.number} is already being sent; wait for it to finish.", "error")
        return redirect(url_for("launch.index"))
    return redirect(url_for("launch.index", job=job.id))


@blueprint.post("/admin/launch/waves/<int:number>/schedule")
@admin_required
def schedule(number: int):
    """Let the wave go out by itself on its date, or stop it from doing so."""
    _, wave = _wave_or_404(number)
    scheduled = wave.status != "scheduled"
    operations.set_scheduled(wave, scheduled, current_user)
    flash(f"Wave {wave.number} goes out by itself on {wave.send_on:%-d %B %Y}." if scheduled
          else f"Wave {wave.number} is no longer scheduled.", "success")
    return redirect(url_for("launch.index"))


# --- the person invited ----------------------------------------------------------------------------------------


def _unsubscribe_person(token: str):
    return links.read_or_refuse(lambda: invitations.person_to_unsubscribe(token), "launch/link_invalid.html",
                                kind="unsubscribe")


@blueprint.get("/unsubscribe/<token>")
def unsubscribe(token: str):
    """Ask the person to confirm they want no more invitations (a GET changes nothing: mail scanners open links)."""
    person = _unsubscribe_person(token)
    return render_template("launch/unsubscribe.html", person=person, done=person.status == "opted_out")


@blueprint.post("/unsubscribe/<token>")
def confirm_unsubscribe(token: str):
    """Opt the person out of every later invitation; no login needed, the signed link is the key."""
    person = _unsubscribe_person(token)
    invitations.opt_out(person)
    return render_template("launch/unsubscribe.html", person=person, done=True)
