"""Survey pages: answering from the emailed link or from /surveys; the admins' overview, editor and results."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal import confirmation, links, progress
from portal import settings as portal_settings
from portal.access import admin_required, current_program
from portal.admin import registry
from portal.admin.jobs import line_context
from portal.models import Survey
from portal.programme import operations as programme
from portal.surveys import defaults, editing, forms, operations, results, schedule, sending
from portal.surveys import settings as survey_settings

blueprint = Blueprint("surveys", __name__)
registry.page("Surveys", "surveys.admin_index", order=90)
progress.kind(sending.KIND, "Sending the survey", lambda job: url_for("surveys.admin_index", job=job.id))


# --- participants ---------------------------------------------------------------------------------------------


@blueprint.get("/surveys")
@login_required
def mine():
    """The surveys sent to the person, open ones first, and when the next one arrives."""
    program = current_program()
    rows = []
    for kind in defaults.KINDS:
        survey = Survey.get_or_none(Survey.program == program, Survey.kind == kind)
        if survey is not None and operations.may_answer(survey, current_user):
            rows.append({"survey": survey, "label": defaults.LABELS[kind], "is_open": operations.is_open(survey),
                         "closes_at": operations.closes_at(survey),
                         "response": operations.response_of(survey, current_user)})
    upcoming = [(defaults.LABELS[kind], operations.opens_on(program, kind)) for kind in defaults.KINDS
                if operations.opens_on(program, kind) > programme.today() and schedule.enabled(program, kind)]
    return render_template("surveys/mine.html", rows=rows, upcoming=upcoming)


def _answer(survey: Survey, person, here: str):
    """The survey form for one person: shown, checked, saved; their earlier answers can be changed while it is open."""
    label = defaults.LABELS[survey.kind]

    def closed():
        return render_template("surveys/closed.html", survey=survey, label=label, person=person,
                               closes_at=operations.closes_at(survey)), 410

    if not operations.is_open(survey):
        return closed()
    existing = operations.response_of(survey, person)
    form = forms.answer_form(survey, existing.answers if existing else None)
    if request.method == "POST" and form.validate():
        try:
            operations.save_response(survey, person, forms.answers_of(survey, form))
        except operations.SurveyClosed:
            return closed()
        flash(f"Thank you, {person.first_name}: your answers are saved. You can change them until "
              f"{operations.closes_at(survey):%-d %B}.", "success")
        return redirect(here)
    fields = [(question, form[forms.field_name(question["key"])]) for question in survey.questions]
    status = 400 if request.method == "POST" else 200
    role = operations.roles_of(survey.program, [person.id]).get(person.id)
    return render_template("surveys/answer.html", survey=survey, label=label, person=person, form=form, role=role,
                           fields=fields, existing=existing, closes_at=operations.closes_at(survey)), status


@blueprint.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@login_required
def answer(survey_id: int):
    """A logged-in participant answers a survey that was sent to them."""
    survey = Survey.get_or_none(Survey.id == survey_id)
    if survey is None or not operations.may_answer(survey, current_user):
        abort(404)
    return _answer(survey, current_user._get_current_object(), url_for("surveys.answer", survey_id=survey.id))


@blueprint.route("/surveys/answer/<token>", methods=["GET", "POST"])
def answer_link(token: str):
    """The survey opened from its email, no login needed: the signed link says whose answers these are."""
    try:
        survey, person = operations.read_link(token)
    except links.LinkExpired:
        return render_template("surveys/link_invalid.html", expired=True), 410
    except links.LinkInvalid:
        return render_template("surveys/link_invalid.html", expired=False), 404
    # Someone else's link opened while logged in: answers must never land on the wrong person.
    mismatch = links.opened_by_someone_else(person)
    if mismatch or not operations.may_answer(survey, person):
        return render_template("surveys/link_invalid.html", expired=False, someone_else=mismatch), 404
    return _answer(survey, person, url_for("surveys.answer_link", token=token))


# --- admins ---------------------------------------------------------------------------------------------------


def _survey_of_kind(kind: str) -> Survey:
    if kind not in defaults.KINDS:
        abort(404)
    return operations.survey_for(current_program(), kind)


def _admin_page(program, settings_form=None, status: int = 200):
    settings_form = settings_form or forms.SurveySettingsForm(data=portal_settings.get_all(program))
    shown = progress.of_program(program, request.args.get("job"), (sending.KIND,))
    running = [progress.active(program, f"{sending.KIND}:{kind}") for kind in defaults.KINDS]
    job_lines = [line_context(job) for job in {j.id: j for j in [shown, *running] if j}.values()]
    return render_template("surveys/admin.html", rows=results.overview(program), settings_form=settings_form,
                           open_days=operations.OPEN_DAYS, job_lines=job_lines), status


@blueprint.get("/admin/surveys")
@admin_required
def admin_index():
    """Both surveys: dates, sending switches, who was asked and who answered."""
    return _admin_page(current_program())


@blueprint.post("/admin/surveys/settings")
@admin_required
def save_settings():
    """Turn automatic sending on or off and set the reminder day."""
    program = current_program()
    form = forms.SurveySettingsForm()
    if not form.validate():
        return _admin_page(program, form, 400)
    changed = portal_settings.save(program, {key: form[key].data for key in survey_settings.KEYS}, current_user)
    flash("Survey settings saved." if changed else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("surveys.admin_index"))


@blueprint.post("/admin/surveys/<kind>/send")
@admin_required
def send_now(kind: str):
    """Send a survey today instead of on its date."""
    survey = _survey_of_kind(kind)
    if survey.sent_at is None and not confirmation.confirmed():
        label = defaults.LABELS[kind].lower()
        return confirmation.ask(confirmation.Question(
            title=f"Send the {label} now?", question=f"Send the {label} today instead of on its date?",
            details=[f"It is emailed now to {len(schedule.recipients(survey.program))} people taking part in a match, "
                     "with one reminder later.", "It goes out once: it is not sent again on its date."],
            confirm_label=f"Send the {label} now", back=url_for("surveys.admin_index")))
    if survey.sent_at is not None:
        flash(f"The {defaults.LABELS[kind].lower()} was already sent on {survey.sent_at:%-d %B %Y}.", "info")
        return redirect(url_for("surveys.admin_index"))
    try:
        job = sending.start_sending(survey, current_user)
    except progress.Busy:
        flash(f"The {defaults.LABELS[kind].lower()} is already being sent; wait for it to finish.", "error")
        return redirect(url_for("surveys.admin_index"))
    return redirect(url_for("surveys.admin_index", job=job.id))


def _editor_rows(survey: Survey) -> dict:
    rows = [{**q, "position": i, "remove": False} for i, q in enumerate(survey.questions, 1)]
    return {"questions": [*rows, {"key": "", "text": "", "kind": "text", "position": len(rows) + 1, "remove": False}]}


@blueprint.route("/admin/surveys/<kind>/questions", methods=["GET", "POST"])
@admin_required
def edit_questions(kind: str):
    """Reword, add, reorder and remove the survey's questions."""
    survey = _survey_of_kind(kind)
    form = forms.QuestionsForm(data=_editor_rows(survey))
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate():
            try:
                changed = editing.update_questions(survey, form.rows(), current_user)
            except editing.EditError as error:
                form.form_errors.append(str(error))
            else:
                flash("Questions saved." if changed else "Nothing changed.", "success" if changed else "info")
                return redirect(url_for("surveys.edit_questions", kind=kind))
    current = {q["key"]: q for q in survey.questions}
    answered = survey.responses.count()
    return render_template("surveys/questions.html", survey=survey, form=form, current=current, answered=answered,
                           label=defaults.LABELS[kind], kinds=defaults.QUESTION_KINDS, overall=defaults.OVERALL), status


@blueprint.get("/admin/surveys/<kind>/results")
@admin_required
def survey_results(kind: str):
    """Response rates by role, the ratings and every written answer."""
    survey = _survey_of_kind(kind)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    return render_template("surveys/results.html", survey=survey, label=defaults.LABELS[kind], kind=kind,
                           report=results.report(survey, page), kinds=defaults.QUESTION_KINDS)
