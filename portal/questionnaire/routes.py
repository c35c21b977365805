"""Questionnaire pages: answer it, join the programme, skill suggestions."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from rapidfuzz import fuzz, process
from wtforms import RadioField
from wtforms.validators import InputRequired

from portal import skills
from portal.accounts import operations as accounts
from portal.accounts.forms import ROLE_CHOICES
from portal.models import Participant, Program
from portal.programme import operations as programme
from portal.questionnaire import forms, operations

blueprint = Blueprint("questionnaire", __name__)

SECTIONS = (("About you", "both"), ("As a mentee", "mentee"), ("As a mentor", "mentor"))


@blueprint.route("/questionnaire", methods=["GET", "POST"])
@login_required
def edit():
    """Answer or update the registration questionnaire."""
    program = Program.current()
    roles = Participant.roles_of(current_user, program)
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
            complete = operations.save_answers(current_user, program, questions, forms.values_from(form, questions))
            flash("Your answers are saved." if complete else "Saved. A few required answers are still missing.",
                  "success" if complete else "warning")
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


class JoinForm(FlaskForm):
    role = RadioField("Join as", choices=ROLE_CHOICES, validators=[InputRequired("Choose how you are joining.")])


@blueprint.route("/join", methods=["GET", "POST"])
@login_required
def join():
    """Join the current programme with an existing account."""
    program = Program.current()
    open_roles = [r for r in Participant.ROLES if program and programme.registration_open_for(program, r)]
    have = Participant.roles_of(current_user, program)
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
