"""Building the questionnaire form from the programme's questions; the admins' question editor and skill
vocabulary forms."""
from __future__ import annotations

import datetime as dt

from wtforms import (
    BooleanField,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.accounts.forms import TimezoneField
from portal.forms import FiniteDecimalField, PortalForm
from portal.models import Question

MAX_SKILLS = 12
MAX_SKILL_LENGTH = 60
MAX_ALIASES_TEXT = 500  # words for one skill, comma-separated
MAX_SKILLS_TEXT = MAX_SKILLS * (MAX_SKILL_LENGTH + 2)  # every skill at its longest, with ", " between


def field_name(question) -> str:
    return f"q{question.id}"


def split_skills(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class HoursForm(Form):
    start = TimeField("From", validators=[InputRequired("Enter a start time.")])
    end = TimeField("To", validators=[InputRequired("Enter an end time.")])

    def validate_end(self, field):
        if self.start.data and field.data:
            start = dt.datetime.combine(dt.date.today(), self.start.data)
            end = dt.datetime.combine(dt.date.today(), field.data)
            if end - start < dt.timedelta(hours=1):
                raise ValidationError("The end must be at least an hour after the start.")


class OptionalHoursForm(HoursForm):
    start = TimeField("From", validators=[Optional()])
    end = TimeField("To", validators=[Optional()])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Checked on the form: Optional() stops the field's own checks when it is empty.
        if bool(self.start.data) != bool(self.end.data):
            missing = self.end if self.start.data else self.start
            missing.errors = [*missing.errors, "Enter both times, or leave both empty."]
            return False
        return valid


def _skills_validator(required: bool):
    def check(form, field):
        entries = split_skills(field.data)
        if required and not entries:
            raise ValidationError("Name at least one skill.")
        if len(entries) > MAX_SKILLS:
            raise ValidationError(f"Name at most {MAX_SKILLS} skills: pick the ones that matter most.")
        long = [e for e in entries if len(e) > MAX_SKILL_LENGTH]
        if long:
            raise ValidationError(f"Keep each skill under {MAX_SKILL_LENGTH} characters (\"{long[0][:20]}…\").")

    return check


def _one_of(options):
    """For optional radio buttons: WTForms' own choice check would also refuse no choice at all."""

    def check(form, field):
        if field.data not in options:
            raise ValidationError("Not a valid choice.")

    return check


def _field_for(question):
    presence = InputRequired("Please answer this question.") if question.required else Optional()
    label, description = question.prompt, question.help_text
    kind = question.kind
    # Spaces alone are no answer to a text question.
    written = DataRequired("Please answer this question.") if question.required else Optional()
    if kind == "text":
        return StringField(label, validators=[written, Length(max=200)], description=description)
    if kind == "paragraph":
        return TextAreaField(label, validators=[written, Length(max=2000)], description=description)
    if kind == "choice":
        choices = [(o, o) for o in question.options]
        if len(choices) > 6:
            return SelectField(
                label,
                choices=[("", "Choose…")] + choices,
                validators=[presence] if question.required else [Optional()],
                description=description,
            )
        return RadioField(label, choices=choices,
                          validators=[presence] if question.required else [Optional(), _one_of(question.options)],
                          description=description, validate_choice=question.required)
    if kind == "multi_choice":
        return CheckboxesField(
            label, choices=[(o, o) for o in question.options],
            validators=[InputRequired("Choose at least one.")] if question.required else [Optional()],
            description=description,
        )
    if kind == "skills":
        return StringField(label, validators=[Length(max=MAX_SKILLS_TEXT), _skills_validator(question.required)],
                           description=description)
    if kind == "timezone":
        return TimezoneField(label, validators=[presence], description=description)
    if kind == "working_hours":
        return FormField(HoursForm if question.required else OptionalHoursForm, label, description=description)
    raise ValueError(f"Unknown question kind {kind!r}")


def _initial(question, value):
    """A stored answer as the form field's data."""
    if value is None:
        return None
    if question.kind == "skills":
        return ", ".join(value)
    if question.kind == "working_hours":
        return {k: dt.time.fromisoformat(v) for k, v in value.items() if v}
    return value


def build_form(questions, answers: dict, formdata=None):
    """A form with one field per question, filled with the stored answers when not submitted."""

    class QuestionnaireForm(PortalForm):
        pass

    for question in questions:
        setattr(QuestionnaireForm, field_name(question), _field_for(question))
    data = {field_name(q): _initial(q, answers.get(q.id)) for q in questions if q.id in answers}
    return QuestionnaireForm(formdata=formdata, data=data)


def values_from(form, questions) -> dict:
    """question id -> answer to store, from a validated form (empty answers left out)."""
    values = {}
    for question in questions:
        data = form[field_name(question)].data
        if question.kind == "skills":
            data = split_skills(data)
        elif question.kind == "working_hours":
            data = {k: v.strftime("%H:%M") for k, v in (data or {}).items() if v}
            data = data if len(data) == 2 else None
        elif isinstance(data, str):
            data = data.strip()
        if data not in (None, "", [], {}):
            values[question.id] = data
    return values


KIND_LABELS = {
    "text": "Short text",
    "paragraph": "Paragraph",
    "choice": "Single choice",
    "multi_choice": "Multiple choice",
    "skills": "Skills (vocabulary, free entry allowed)",
    "timezone": "Time zone",
    "working_hours": "Working hours",
}
AUDIENCE_LABELS = {"both": "Mentors and mentees", "mentor": "Mentors only", "mentee": "Mentees only"}


def parse_options(text: str) -> list[str]:
    seen, result = set(), []
    for line in (text or "").splitlines():
        option = " ".join(line.split())
        if option and option.lower() not in seen:
            seen.add(option.lower())
            result.append(option)
    return result


class QuestionForm(PortalForm):
    prompt = StringField("Question", validators=[DataRequired("Write the question."), Length(max=200)])
    help_text = TextAreaField("Help text", validators=[Optional(), Length(max=500)],
                              description="Shown under the question; optional.")
    kind = SelectField("Kind of answer", choices=list(KIND_LABELS.items()))
    audience = SelectField("Asked of", choices=list(AUDIENCE_LABELS.items()))
    options = TextAreaField("Choices, one per line", validators=[Optional(), Length(max=4000)],
                            description="For single and multiple choice questions.")
    required = BooleanField("An answer is required")
    weight = FiniteDecimalField(
        "Weight in matching", places=1, default=0,
        validators=[InputRequired("Enter a weight (0 means not used)."), NumberRange(0, 10, "Between 0 and 10.")],
        description="0 leaves the answer out of matching; higher counts more.",
    )
    shown_in_directory = BooleanField("Mentors' answers are shown in the mentor directory")

    def validate_options(self, field):
        options = parse_options(field.data)
        if self.kind.data in ("choice", "multi_choice") and len(options) < 2:
            raise ValidationError("A choice question needs at least two choices.")
        if any(len(o) > 100 for o in options):
            raise ValidationError("Keep each choice under 100 characters.")

    def validate_kind(self, field):
        if field.data not in Question.KINDS:
            raise ValidationError("Choose a kind of answer.")


class SkillForm(PortalForm):
    name = StringField("Skill", validators=[DataRequired("Name the skill."), Length(max=60)])
    category = StringField("Category", validators=[Optional(), Length(max=40)], description="For example Leadership.")
    aliases = StringField(
        "Also known as", validators=[Optional(), Length(max=MAX_ALIASES_TEXT)],
        description="Other words people type for it, separated by commas (abbreviations, synonyms).",
    )


class AliasForm(PortalForm):
    aliases = StringField("Add words that mean this skill",
                          validators=[DataRequired("Type at least one."), Length(max=MAX_ALIASES_TEXT)])
