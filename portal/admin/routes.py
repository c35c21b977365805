"""Admin pages: settings, phases, questionnaire editor, outbox, audit log, people."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN, fn

from portal import links
from portal import settings as portal_settings
from portal import skills as vocabulary
from portal.access import admin_required, current_program
from portal.agendas import store as agenda_store
from portal.fragments import fragment_or_page
from portal.admin import forms
from portal.calendars import microsoft
from portal.console import drafts
from portal.console import weights as matching_weights
from portal.models import AuditLog, Email, Participant, Program, Question, Skill, SkillAlias, User
from portal.programme import operations as programme
from portal.programme import phases
from portal.questionnaire import editing

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


def _question(question_id: int) -> Question:
    """A question of the current programme, or 404."""
    question = Question.get_or_none(Question.id == question_id, Question.program == current_program())
    if question is None:
        abort(404)
    return question


def _page() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


@blueprint.get("/")
@admin_required
def index():
    """The admin area starts at the dashboard."""
    return redirect(url_for("dashboard.index"))


def _settings_page(program: Program, programme_form=None, welcome_form=None, pairing_form=None, matching_form=None,
                   status: int = 200, calendars_form=None, sessions_form=None, reminders_form=None):
    programme_form = programme_form or forms.ProgrammeForm(obj=program)
    stored = portal_settings.get_all(program)
    welcome_form = welcome_form or forms.WelcomeForm(data=stored)
    pairing_form = pairing_form or forms.PairingForm(data=stored)
    matching_form = matching_form or forms.MatchingForm(data=matching_weights.current(program))
    calendars_form = calendars_form or forms.CalendarsForm(data=stored)
    sessions_form = sessions_form or forms.SessionsForm(data=stored)
    reminders_form = reminders_form or forms.RemindersForm(data=stored)
    dates = programme.dates_of(program)
    opened = programme.open_phases(program)
    spans = phases.windows(dates)
    phase_rows = [
        {
            "phase": p, "label": phases.LABELS[p], "start": spans[p][0], "end": spans[p][1],
            "open": p in opened, "override": (program.phase_overrides or {}).get(p),
        }
        for p in phases.PHASES
    ]
    counts = dict(
        Participant.select(Participant.role, fn.COUNT(Participant.id))
        .where(Participant.program == program, Participant.status != "exited")
        .group_by(Participant.role)
        .tuples()
    )
    return render_template(
        "admin/settings.html", form=programme_form, welcome_form=welcome_form, pairing_form=pairing_form,
        matching_form=matching_form, calendars_form=calendars_form, sessions_form=sessions_form,
        reminders_form=reminders_form, agendas=agenda_store.for_program(program),
        agendas_customised=agenda_store.customised(program), microsoft=_microsoft_status(),
        phase_rows=phase_rows, counts=counts,
        guidance=phases.length_guidance(dates), questions=Question.select().where(Question.program == program).count(),
    ), status


@blueprint.get("/settings")
@admin_required
def settings():
    """Programme settings: name, size, phase dates, phases opened or closed by hand."""
    return _settings_page(current_program())


@blueprint.post("/settings/programme")
@admin_required
def save_programme():
    """Save the programme section, or fill in suggested dates without saving."""
    program = current_program()
    form = forms.ProgrammeForm()
    if request.form.get("action") == "suggest":
        if form.pairing_opens.validate(form) and form.length_months.data and form.length_months.validate(form):
            suggested = phases.suggested_dates(form.pairing_opens.data, form.length_months.data)
            for name, value in suggested.__dict__.items():
                form[name].data = value
                form[name].raw_data = [value.isoformat()]
            flash("Dates suggested from the pairing date and length. Check them, then save.", "info")
            return _settings_page(program, form)
        form.length_months.errors = list(form.length_months.errors) or ["Enter a length to suggest dates."]
        return _settings_page(program, form, status=400)
    if not form.validate():
        return _settings_page(program, form, status=400)
    values = {name: form[name].data for name in ["name", "organisation_size", *programme.DATE_FIELDS]}
    problems = phases.order_problems(phases.PhaseDates(**{n: values[n] for n in programme.DATE_FIELDS}))
    if problems:
        for name, message in problems.items():
            form[name].errors = [message]
        return _settings_page(program, form, status=400)
    changes = programme.update_program(program, values, current_user)
    flash("Programme settings saved." if changes else "Nothing changed.", "success" if changes else "info")
    return redirect(url_for("admin.settings"))


@blueprint.post("/settings/welcome")
@admin_required
def save_welcome():
    """Save the message shown on the home page."""
    program = current_program()
    form = forms.WelcomeForm()
    if not form.validate():
        return _settings_page(program, welcome_form=form, status=400)
    changed = portal_settings.set(program, "welcome_message", (form.welcome_message.data or "").strip(), current_user)
    flash("Home page message saved." if changed else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("admin.settings") + "#welcome")


@blueprint.post("/settings/pairing")
@admin_required
def save_pairing():
    """Save how pairs form: mode, shortlist size, request expiry, who reaches out first."""
    program = current_program()
    form = forms.PairingForm()
    if not form.validate():
        return _settings_page(program, pairing_form=form, status=400)
    changed = [
        key for key in ("pairing_mode", "shortlist_size", "request_expiry_days", "first_contact")
        if portal_settings.set(program, key, form[key].data, current_user)
    ]
    flash("Pairing settings saved." if changed else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("admin.settings") + "#pairing")


@blueprint.post("/settings/matching")
@admin_required
def save_matching():
    """Matching weights: first a preview of how the open draft would change, then save on confirmation."""
    program = current_program()
    form = forms.MatchingForm()
    if not form.validate():
        return _settings_page(program, matching_form=form, status=400)
    values = {name: form[name].data for name in [*matching_weights.COMPONENTS, "department_mode", "favourite_bonus"]}
    if request.form.get("action") == "edit":
        return _settings_page(program, matching_form=form)
    if request.form.get("action") != "confirm":
        preview = drafts.preview(program, matching_weights.scoring_from(program, values))
        return render_template("admin/matching_preview.html", form=form, preview=preview,
                               current=matching_weights.current(program),
                               labels={k: label for k, (label, _) in matching_weights.COMPONENTS.items()})
    changed = matching_weights.save(program, values, current_user)
    flash("Matching weights saved; the next proposal uses them." if changed else "Nothing changed.",
          "success" if changed else "info")
    return redirect(url_for("admin.settings") + "#matching")


def _microsoft_status() -> dict:
    """What the Calendars section shows: whether the client secret is in the environment (never its value), whether
    Microsoft 365 is on, and the redirect addresses to register for the app."""
    return {
        "secret_env": microsoft.secret_env(), "secret_present": microsoft.secret_present(),
        "on": microsoft.setup() is not None,
        "redirects": [links.absolute_url("calendars.microsoft_callback"),
                      links.absolute_url("accounts.microsoft_login_callback")],
    }


@blueprint.post("/settings/calendars")
@admin_required
def save_calendars():
    """Save the Microsoft 365 tenant and application id (both empty: Microsoft 365 off)."""
    program = current_program()
    form = forms.CalendarsForm()
    if not form.validate():
        return _settings_page(program, calendars_form=form, status=400)
    changed = [key for key in ("microsoft_tenant", "microsoft_client_id")
               if portal_settings.set(program, key, form[key].data or "", current_user)]
    flash("Calendar settings saved." if changed else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("admin.settings") + "#calendars")


SESSION_SETTINGS = ("meeting_minutes", "meeting_buffer_minutes", "meeting_notice_hours", "meeting_horizon_days",
                    "mentees_can_book")


@blueprint.post("/settings/sessions")
@admin_required
def save_sessions():
    """Save how sessions are offered and who books them."""
    program = current_program()
    form = forms.SessionsForm()
    if not form.validate():
        return _settings_page(program, sessions_form=form, status=400)
    changed = [key for key in SESSION_SETTINGS if portal_settings.set(program, key, form[key].data, current_user)]
    flash("Session settings saved." if changed else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("admin.settings") + "#sessions")


REMINDER_SETTINGS = ("reminder_questionnaire_enabled", "reminder_questionnaire_days", "reminder_unpaired_enabled",
                     "reminder_unpaired_days", "reminder_first_meeting_enabled", "reminder_first_meeting_days",
                     "reminder_quiet_pair_enabled", "reminder_quiet_pair_days", "reminder_feedback_enabled",
                     "reminder_feedback_days", "feedback_request_enabled")


@blueprint.post("/settings/reminders")
@admin_required
def save_reminders():
    """Save which reminders go and after how many days, all together."""
    program = current_program()
    form = forms.RemindersForm()
    if not form.validate():
        return _settings_page(program, reminders_form=form, status=400)
    changed = [key for key in REMINDER_SETTINGS if portal_settings.set(program, key, form[key].data, current_user)]
    flash("Reminder settings saved." if changed else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("admin.settings") + "#reminders")


@blueprint.post("/settings/phases/<phase>")
@admin_required
def set_phase(phase: str):
    """Open or close a phase by hand, or return it to its dates."""
    if phase not in phases.PHASES:
        abort(404)
    state = {"open": True, "close": False, "auto": None}.get(request.form.get("state", ""), "invalid")
    if state == "invalid":
        abort(400, "Choose open, close or follow the dates.")
    programme.set_phase_override(current_program(), phase, state, current_user)
    verb = {True: "opened", False: "closed", None: "set to follow its dates"}[state]
    flash(f"{phases.LABELS[phase]} {verb}.", "success")
    return redirect(url_for("admin.settings") + "#phases")


@blueprint.get("/questionnaire")
@admin_required
def questionnaire():
    """The questionnaire editor."""
    program = current_program()
    questions = list(Question.select().where(Question.program == program).order_by(Question.position, Question.id))
    return render_template(
        "admin/questionnaire.html", questions=questions, kinds=forms.KIND_LABELS, audiences=forms.AUDIENCE_LABELS
    )


def _question_values(form) -> dict:
    return {
        "prompt": form.prompt.data.strip(),
        "help_text": (form.help_text.data or "").strip(),
        "kind": form.kind.data,
        "audience": form.audience.data,
        "options": forms.parse_options(form.options.data),
        "required": form.required.data,
        "weight": form.weight.data,
        "shown_in_directory": form.shown_in_directory.data,
    }


@blueprint.route("/questionnaire/new", methods=["GET", "POST"])
@admin_required
def new_question():
    """Add a question."""
    program = current_program()
    form = forms.QuestionForm()
    if form.validate_on_submit():
        question = editing.add_question(program, _question_values(form), current_user)
        flash(f"Question added: “{question.prompt}”.", "success")
        return redirect(url_for("admin.questionnaire") + f"#question-{question.id}")
    status = 400 if request.method == "POST" else 200
    return render_template("admin/question_form.html", form=form, question=None, editable=editing.editable_fields(None)), status


@blueprint.route("/questionnaire/<int:question_id>", methods=["GET", "POST"])
@admin_required
def edit_question(question_id: int):
    """Change a question."""
    question = _question(question_id)
    editable = editing.editable_fields(question)
    if request.method == "POST":
        form = forms.QuestionForm()
        for locked in {"kind", "audience", "options"} - editable:
            # Locked fields are shown disabled, so the browser does not send them back.
            form[locked].data = getattr(question, locked) if locked != "options" else "\n".join(question.options)
        if form.validate():
            changes = editing.update_question(question, _question_values(form), current_user)
            flash("Question saved." if changes else "Nothing changed.", "success" if changes else "info")
            return redirect(url_for("admin.questionnaire") + f"#question-{question.id}")
        status = 400
    else:
        form = forms.QuestionForm(obj=question, options="\n".join(question.options))
        status = 200
    return render_template("admin/question_form.html", form=form, question=question, editable=editable), status


@blueprint.post("/questionnaire/<int:question_id>/move")
@admin_required
def move_question(question_id: int):
    """Move a question up or down."""
    question = _question(question_id)
    editing.move_question(question, -1 if request.form.get("direction") == "up" else 1, current_user)
    return redirect(url_for("admin.questionnaire") + f"#question-{question.id}")


@blueprint.post("/questionnaire/<int:question_id>/active")
@admin_required
def set_question_active(question_id: int):
    """Archive a question or restore it."""
    question = _question(question_id)
    try:
        editing.set_active(question, request.form.get("active") == "1", current_user)
    except editing.EditError as error:
        flash(str(error), "error")
    else:
        flash("Question restored." if question.active else "Question archived; earlier answers are kept.", "success")
    return redirect(url_for("admin.questionnaire") + f"#question-{question.id}")


def _skills_page(skill_form=None, alias_forms=None, status: int = 200):
    skills = list(Skill.select().order_by(Skill.category, Skill.name))
    aliases: dict[int, list[str]] = {}
    for alias in SkillAlias.select().order_by(SkillAlias.alias):
        aliases.setdefault(alias.skill_id, []).append(alias.alias)
    return render_template(
        "admin/skills.html", skills=skills, aliases=aliases, skill_form=skill_form or forms.SkillForm(),
        alias_forms=alias_forms or {},
    ), status


def _split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


@blueprint.get("/skills")
@admin_required
def skills():
    """The skill vocabulary and its synonyms, which search and matching understand."""
    return _skills_page()


@blueprint.post("/skills")
@admin_required
def add_skill():
    """Add a skill to the vocabulary."""
    form = forms.SkillForm()
    if form.validate():
        try:
            skill = vocabulary.add_skill(form.name.data, _split(form.aliases.data), form.category.data or "", current_user)
        except vocabulary.VocabularyError as error:
            form.name.errors = [str(error)]
        else:
            flash(f"“{skill.name}” added to the vocabulary.", "success")
            return redirect(url_for("admin.skills") + f"#skill-{skill.id}")
    return _skills_page(skill_form=form, status=400)


@blueprint.post("/skills/<int:skill_id>/aliases")
@admin_required
def add_skill_aliases(skill_id: int):
    """Teach the vocabulary more words for a skill."""
    skill = Skill.get_or_none(Skill.id == skill_id)
    if skill is None:
        abort(404)
    form = forms.AliasForm()
    if form.validate():
        try:
            added = vocabulary.add_aliases(skill, _split(form.aliases.data), current_user)
        except vocabulary.VocabularyError as error:
            form.aliases.errors = [str(error)]
        else:
            flash(f"{skill.name} now also answers to: {', '.join(added)}.", "success")
            return redirect(url_for("admin.skills") + f"#skill-{skill.id}")
    return _skills_page(alias_forms={skill.id: form}, status=400)


@blueprint.get("/outbox")
@admin_required
def outbox():
    """Every email the portal sent or stored."""
    query = Email.select().order_by(Email.created_at.desc(), Email.id.desc())
    status = request.args.get("status")
    if status in ("queued", "sent", "stored", "failed"):
        query = query.where(Email.status == status)
    search = (request.args.get("q") or "").strip()
    if search:
        query = query.where(Email.to_address.contains(search) | Email.subject.contains(search))
    page = _page()
    total = query.count()
    return render_template(
        "admin/outbox.html", emails=list(query.paginate(page, PAGE_SIZE)), page=page, total=total,
        pages=max(1, -(-total // PAGE_SIZE)), status=status, q=search,
    )


@blueprint.get("/outbox/<int:email_id>")
@admin_required
def outbox_email(email_id: int):
    """One email as it was sent."""
    email = Email.get_or_none(Email.id == email_id)
    if email is None:
        abort(404)
    return render_template("admin/outbox_email.html", email=email)


@blueprint.get("/audit")
@admin_required
def audit_log():
    """Who changed what."""
    query = (
        AuditLog.select(AuditLog, User)
        .join(User, JOIN.LEFT_OUTER, on=(AuditLog.actor == User.id))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )
    page = _page()
    total = query.count()
    return render_template(
        "admin/audit.html", entries=list(query.paginate(page, PAGE_SIZE)), page=page, total=total,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


@blueprint.get("/people")
@admin_required
def people():
    """Everyone taking part, with their questionnaire progress."""
    program = current_program()
    query = (
        Participant.select(Participant, User)
        .join(User)
        .where(Participant.program == program)
        .order_by(User.name, Participant.role)
    )
    role = request.args.get("role")
    if role in Participant.ROLES:
        query = query.where(Participant.role == role)
    search = (request.args.get("q") or "").strip()
    if search:
        query = query.where(User.name.contains(search) | User.email.contains(search))
    page = _page()
    total = query.count()
    context = dict(
        participants=list(query.paginate(page, PAGE_SIZE)), page=page, total=total,
        pages=max(1, -(-total // PAGE_SIZE)), role=role, q=search,
    )
    return fragment_or_page("admin/people.html", "results", **context)
