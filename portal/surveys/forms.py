"""The survey form, built from the survey's questions, and the admins' editor and settings forms."""
from __future__ import annotations

from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, IntegerField, RadioField, SelectField
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from portal.forms import PortalForm
from portal.surveys import defaults
from portal.surveys.editing import MAX_QUESTIONS

RATINGS = [(5, "5, excellent"), (4, "4, good"), (3, "3, all right"), (2, "2, not great"), (1, "1, poor")]
PICK_A_RATING = "Choose a rating from 1 to 5."


class RatingField(RadioField):
    """Radio buttons 1 to 5 that answer anything else with a plain message instead of WTForms' own."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(PICK_A_RATING) from None

    def pre_validate(self, form):
        if self.data is not None and self.data not in {value for value, _ in RATINGS}:
            raise ValidationError(PICK_A_RATING)


def field_name(key: str) -> str:
    # Prefixed, so a question key can never clash with the form's own attributes (data, errors, csrf_token).
    return f"answer_{key}"


def answer_form(survey, answers: dict | None = None) -> PortalForm:
    """A form with one field per question: ratings required, written answers optional."""

    class AnswerForm(PortalForm):
        pass

    for question in survey.questions:
        if question["kind"] == "rating":
            field = RatingField(question["text"], choices=RATINGS, coerce=int,
                                validators=[InputRequired(PICK_A_RATING)])
        else:
            field = TextAreaField(question["text"], validators=[
                Optional(), Length(max=2000, message="Please keep this under 2,000 characters.")])
        setattr(AnswerForm, field_name(question["key"]), field)
    data = {field_name(key): value for key, value in (answers or {}).items()}
    return AnswerForm(data=data)


def answers_of(survey, form) -> dict:
    """The answers typed into the form, by question key."""
    return {q["key"]: form[field_name(q["key"])].data for q in survey.questions}


class QuestionRow(Form):
    key = HiddenField()
    text = StringField("Question", validators=[Optional(), Length(max=300, message="Up to 300 characters.")])
    kind = SelectField("Kind of answer", choices=list(defaults.QUESTION_KINDS.items()), default="text")
    position = IntegerField("Order", validators=[Optional(), NumberRange(1, 99, "A number from 1 to 99.")])
    remove = BooleanField("Remove")


class QuestionsForm(PortalForm):
    questions = FieldList(FormField(QuestionRow), max_entries=MAX_QUESTIONS + 1)

    def validate_questions(self, field):
        # Each kept question needs its wording; the message goes on the row, next to what was typed.
        missing = False
        for row in field:
            if row.key.data and not row.remove.data and not (row.text.data or "").strip():
                row.text.errors = [*row.text.errors, "Give the question its wording, or tick Remove."]
                missing = True
        if missing:
            raise ValidationError("Some questions need attention.")

    def rows(self) -> list[dict]:
        return [row.data for row in self.questions]


class SurveySettingsForm(PortalForm):
    survey_midpoint_enabled = BooleanField("Send the mid-point survey on the mid-point date")
    survey_end_enabled = BooleanField("Send the end-of-programme survey on the end date")
    survey_reminder_days = IntegerField(
        "Remind those who have not answered after this many days",
        validators=[InputRequired("Enter a whole number."), NumberRange(1, 25, "Between 1 and 25 days.")],
    )
