"""Questionnaire pages: answer it, join the programme, skill suggestions; the admins' questionnaire editor and skill
vocabulary."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from rapidfuzz import fuzz, process
from wtforms import RadioField
from wtforms.validators import InputRequired

from portal import access, paging, skills
from portal.access import admin_required, current_program
from portal.accounts import operations as accounts
from portal.accounts.forms import ROLE_CHOICES
from portal.admin import registry
from portal.forms import PortalForm
from portal.models import Participant, Program, Question, Skill, SkillAlias
from portal.programme import operations as programme
from portal.questionnaire import editing, forms, operations
from portal.questionnaire.defaults import MATCHED_KEYS

blueprint = Blueprint("questionnaire", __name__)
registry.page("Questionnaire", "questionnaire.editor", order=30,
              current=("questionnaire.new_question", "questionnaire.edit_question"))
registry.page("Skills", "questionnaire.skill_vocabulary", order=100)

EDITOR_PAGE_SIZE = 50
SECTIONS = (("About you", "both"), ("As a mentee", "mentee"), ("As a mentor", "mentor"))


@blueprint.route("/questionnaire", methods=["GET", "POST"])
@login_required
def edit():
    """Answer or update the registration questionnaire."""
    program = Program.current()
    roles = access.roles_in(program, current_user)
    if not roles:
        return redirect(url_for("questionnaire.join"))
    if programme.current_phase(program) == "ended":
        flash("The programme has ended, so answers can no longer change.", "info")
        return redirect(url_for("people.profile"))
    questions = operations.questions_for(program, roles)
    answers = operations.answers_of(current_user, program)
    form = forms.build_form(questions, answers, request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.validate():
            values = forms.values_from(form, questions)
            complete = operations.save_answers(current_user, program, questions, values)
            flash("Your answers are saved." if complete else "Saved. A few required answers are still missing.",
                  "success" if complete else "warning")
            note = skills.describe(operations.skill_readings(questions, values))
            if note:
                flash(note, "info")
            return redirect(url_for("people.profile"))
        status = 400
    sections = [
        (title, [(q, form[forms.field_name(q)]) for q in questions if q.audience == audience])
        for title, audience in SECTIONS
    ]
    return render_template(
        "questionnaire/edit.html", form=form, sections=[s for s in sections if s[1]], roles=roles,
        first_time=not answers,
    ), status


class JoinForm(PortalForm):
    role = RadioField("Join as", choices=ROLE_CHOICES, validators=[InputRequired("Choose how you are joining.")])


@blueprint.route("/join", methods=["GET", "POST"])
@login_required
def join():
    """Join the current programme with an existing account."""
    program = Program.current()
    open_roles = [r for r in Participant.ROLES if program and programme.registration_open_for(program, r)]
    have = access.roles_in(program, current_user)
    form = JoinForm()
    form.role.choices = [
        (value, label)
        for value, label in ROLE_CHOICES
        if all(r in open_roles for r in accounts.roles_for(value)) and not set(accounts.roles_for(value)) <= set(have)
    ]
    if form.role.choices and form.validate_on_submit():
        try:
            accounts.join_programme(current_user, program, accounts.roles_for(form.role.data))
        except accounts.AccountError as error:
            form.role.errors.append(str(error))
        else:
            return redirect(url_for("questionnaire.edit"))
    status = 400 if request.method == "POST" else 200
    return render_template("questionnaire/join.html", form=form, have=have, open_roles=open_roles), status


@blueprint.get("/skills/suggest")
@login_required
def suggest_skills():
    """Vocabulary skills close to the last term typed in a skills field (htmx)."""
    target = request.args.get("field", "")
    text = request.args.get(target, "") if target else ""
    typed = forms.split_skills(text)
    term = typed[-1] if typed and not text.rstrip().endswith(",") else ""
    suggestions = []
    if len(term) >= 2:
        table = skills.lookup()
        chosen = {t.lower() for t in typed[:-1]}
        hits = process.extract(term.lower(), list(table), scorer=fuzz.WRatio, limit=15, score_cutoff=60)
        for key, _score, _ in hits:
            name = table[key]
            if name.lower() not in chosen and name not in suggestions:
                suggestions.append(name)
    return render_template("questionnaire/_skill_suggestions.html", suggestions=suggestions[:6], field=target)


# --- admins: the questionnaire editor ------------------------------------------------------------------------


def _question(question_id: int) -> Question:
    """A question of the current programme, or 404."""
    question = Question.get_or_none(Question.id == question_id, Question.program == current_program())
    if question is None:
        abort(404)
    return question


@blueprint.get("/admin/questionnaire")
@admin_required
def editor():
    """The questionnaire editor."""
    questions = paging.page_of(_ordered_questions(), EDITOR_PAGE_SIZE)
    return render_template(
        "questionnaire/editor.html", questions=questions, kinds=forms.KIND_LABELS, audiences=forms.AUDIENCE_LABELS,
        matched_keys=MATCHED_KEYS,
    )


def _ordered_questions():
    return Question.select().where(Question.program == current_program()).order_by(Question.position, Question.id)


def _editor_at(question: Question) -> str:
    """The editor's page that shows this question, scrolled to it."""
    page = paging.page_with(_ordered_questions(), question.id, EDITOR_PAGE_SIZE)
    return url_for("questionnaire.editor", page=page, _anchor=f"question-{question.id}")


def _question_values(form) -> dict:
    return {
        "prompt": form.prompt.data.strip(),
        "help_text": (form.help_text.data or "").strip(),
        "kind": form.kind.data,
        "audience": form.audience.data,
        "options": forms.parse_options(form.options.data),
        "required": form.required.data,
        "weight": form.weight.data if "weight" in form else None,
        "shown_in_directory": form.shown_in_directory.data,
    }


@blueprint.route("/admin/questionnaire/new", methods=["GET", "POST"])
@admin_required
def new_question():
    """Add a question."""
    program = current_program()
    form = forms.QuestionForm()
    del form["weight"]  # a new question is a custom one: matching does not read it
    if form.validate_on_submit():
        question = editing.add_question(program, _question_values(form), current_user)
        flash(f"Question added: “{question.prompt}”.", "success")
        return redirect(_editor_at(question))
    status = 400 if request.method == "POST" else 200
    return render_template("questionnaire/question_form.html", form=form, question=None,
                           editable=editing.editable_fields(None)), status


@blueprint.route("/admin/questionnaire/<int:question_id>", methods=["GET", "POST"])
@admin_required
def edit_question(question_id: int):
    """Change a question."""
    question = _question(question_id)
    editable = editing.editable_fields(question)
    if request.method == "POST":
        form = forms.QuestionForm()
    else:
        form = forms.QuestionForm(obj=question, options="\n".join(question.options))
    if "weight" not in editable:
        del form["weight"]  # matching does not read this question's answers
    status = 200
    if request.method == "POST":
        for locked in {"kind", "audience", "options"} - editable:
            # Locked fields are shown disabled, so the browser does not send them back.
            form[locked].data = getattr(question, locked) if locked != "options" else "\n".join(question.options)
        if form.validate():
            changes = editing.update_question(question, _question_values(form), current_user)
            flash("Question saved." if changes else "Nothing changed.", "success" if changes else "info")
            return redirect(_editor_at(question))
        status = 400
    return render_template("questionnaire/question_form.html", form=form, question=question, editable=editable), status


@blueprint.post("/admin/questionnaire/<int:question_id>/move")
@admin_required
def move_question(question_id: int):
    """Move a question up or down."""
    question = _question(question_id)
    editing.move_question(question, -1 if request.form.get("direction") == "up" else 1, current_user)
    return redirect(_editor_at(question))


@blueprint.post("/admin/questionnaire/<int:question_id>/active")
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
    return redirect(_editor_at(question))


# --- admins: the skill vocabulary, understood by skills questions, search and matching ----------------------------


def _skills_page(skill_form=None, alias_forms=None, status: int = 200):
    rows = list(Skill.select().order_by(Skill.category, Skill.name))
    aliases: dict[int, list[str]] = {}
    for alias in SkillAlias.select().order_by(SkillAlias.alias):
        aliases.setdefault(alias.skill_id, []).append(alias.alias)
    return render_template(
        "questionnaire/skills.html", skills=rows, aliases=aliases, skill_form=skill_form or forms.SkillForm(),
        alias_forms=alias_forms or {}, alias_max=forms.MAX_ALIASES_TEXT,
    ), status


def _split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


@blueprint.get("/admin/skills")
@admin_required
def skill_vocabulary():
    """The skill vocabulary and its synonyms, which search and matching understand."""
    return _skills_page()


@blueprint.post("/admin/skills")
@admin_required
def add_skill():
    """Add a skill to the vocabulary."""
    form = forms.SkillForm()
    if form.validate():
        try:
            skill = skills.add_skill(form.name.data, _split(form.aliases.data), form.category.data or "", current_user)
        except skills.VocabularyError as error:
            form.name.errors = [str(error)]
        else:
            flash(f"“{skill.name}” added to the vocabulary.", "success")
            return redirect(url_for("questionnaire.skill_vocabulary") + f"#skill-{skill.id}")
    return _skills_page(skill_form=form, status=400)


@blueprint.post("/admin/skills/<int:skill_id>/aliases")
@admin_required
def add_skill_aliases(skill_id: int):
    """Teach the vocabulary more words for a skill."""
    skill = Skill.get_or_none(Skill.id == skill_id)
    if skill is None:
        abort(404)
    form = forms.AliasForm()
    if form.validate():
        try:
            added = skills.add_aliases(skill, _split(form.aliases.data), current_user)
        except skills.VocabularyError as error:
            form.aliases.errors = [str(error)]
        else:
            flash(f"{skill.name} now also answers to: {', '.join(added)}.", "success")
            return redirect(url_for("questionnaire.skill_vocabulary") + f"#skill-{skill.id}")
    return _skills_page(alias_forms={skill.id: form}, status=400)
