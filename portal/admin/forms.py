"""Admin forms."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation,
                                ValidationError)

from portal.models import Question
from portal.settings import DEPARTMENT_MODES, FIRST_CONTACT, PAIRING_MODES
from portal.programme.phases import FIELD_LABELS

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


def _date(name: str):
    return DateField(FIELD_LABELS[name], validators=[InputRequired("Enter a date (YYYY-MM-DD).")])


class ProgrammeForm(FlaskForm):
    # DataRequired, not InputRequired: a name or question of spaces only is as empty as none.
    name = StringField("Programme name", validators=[DataRequired("Give the programme a name."), Length(max=120)])
    organisation_size = IntegerField(
        "People in the organisation",
        validators=[InputRequired("Enter a whole number."), NumberRange(1, 1_000_000, "Between 1 and 1,000,000.")],
        description="Used to show sign-up against the 10–15 % that successful programmes reach.",
    )
    length_months = IntegerField(
        "Length in months", validators=[Optional(), NumberRange(1, 24, "Between 1 and 24 months.")],
        description="Guidance: 6 to 8 months. Used by “Suggest dates”.",
    )
    mentor_registration_opens = _date("mentor_registration_opens")
    mentee_registration_opens = _date("mentee_registration_opens")
    pairing_opens = _date("pairing_opens")
    pairing_closes = _date("pairing_closes")
    midpoint = _date("midpoint")
    ends = _date("ends")


class WelcomeForm(FlaskForm):
    welcome_message = TextAreaField(
        "Message on the home page", validators=[Optional(), Length(max=2000, message="Keep it under 2,000 characters.")],
        description="Shown to everyone on the home page; leave empty for none.",
    )


class PairingForm(FlaskForm):
    pairing_mode = RadioField("How pairs form", choices=list(PAIRING_MODES.items()),
                              validators=[InputRequired("Choose how pairs form.")])
    shortlist_size = IntegerField(
        "Favourites a mentee can shortlist",
        validators=[InputRequired("Enter a whole number."), NumberRange(1, 10, "Between 1 and 10.")],
    )
    request_expiry_days = IntegerField(
        "Days a mentor has to answer a request",
        validators=[InputRequired("Enter a whole number."), NumberRange(1, 21, "Between 1 and 21 days.")],
        description="Then the request passes to the mentee's next favourite.",
    )
    first_contact = RadioField("Who reaches out first after a match", choices=list(FIRST_CONTACT.items()),
                               validators=[InputRequired("Choose who reaches out first.")])


def _weight(label: str):
    return DecimalField(label, places=None, validators=[
        InputRequired("Enter a weight from 0 to 10."), NumberRange(0, 10, "Between 0 and 10."),
    ])


class MatchingForm(FlaskForm):
    skills = _weight("Skills to grow against skills mentored on")
    goals = _weight("Goals against goals the mentor can advise on")
    hours = _weight("Shared working hours across time zones")
    location = _weight("How they want to meet")
    seniority = _weight("Seniority")
    department = _weight("Department")
    department_mode = RadioField("Departments", choices=list(DEPARTMENT_MODES.items()),
                                 validators=[InputRequired("Choose how departments count.")],
                                 description="The department weight counts only when a preference is chosen.")
    favourite_bonus = DecimalField(
        "Bonus for a mentor on the mentee's shortlist", places=None,
        validators=[InputRequired("Enter a bonus from 0 to 1."), NumberRange(0, 1, "Between 0 and 1.")],
        description="Added to the pair's fit (0 to 1) when the algorithm pairs; 0.15 honours most favourites.",
    )


class SessionsForm(FlaskForm):
    meeting_minutes = IntegerField("Session length, minutes", validators=[
        InputRequired("Enter a whole number."), NumberRange(15, 240, "Between 15 and 240 minutes.")])
    meeting_buffer_minutes = IntegerField(
        "Free time kept before and after, minutes",
        validators=[InputRequired("Enter a whole number."), NumberRange(0, 120, "Between 0 and 120 minutes.")])
    meeting_notice_hours = IntegerField(
        "Book at least this many hours ahead",
        validators=[InputRequired("Enter a whole number."), NumberRange(0, 336, "Between 0 and 336 hours.")])
    meeting_horizon_days = IntegerField(
        "Offer times up to this many days ahead",
        validators=[InputRequired("Enter a whole number."), NumberRange(1, 90, "Between 1 and 90 days.")])
    mentees_can_book = BooleanField("Mentees may book sessions too (by default the mentor books)")


def _one_message(form, field):
    # A word or a fraction is already reported as not a whole number; "between 1 and 365" on top would repeat it.
    if field.process_errors:
        raise StopValidation()


def _reminder_days(label: str, description: str):
    return IntegerField(label, description=description, invalid_value_message="Enter a whole number of days.",
                        validators=[_one_message, InputRequired("Enter a whole number of days."),
                                    NumberRange(1, 365, "Between 1 and 365 days.")])


class RemindersForm(FlaskForm):
    reminder_questionnaire_enabled = BooleanField("Remind people to finish the questionnaire")
    reminder_questionnaire_days = _reminder_days("Days after registering", "Sent while registration is open.")
    reminder_unpaired_enabled = BooleanField("Remind mentees still without a mentor")
    reminder_unpaired_days = _reminder_days(
        "Days into pairing",
        "Points them at the directory and their shortlist; the team pairs the rest (the second wave).")
    reminder_first_meeting_enabled = BooleanField("Remind pairs with no first session")
    reminder_first_meeting_days = _reminder_days(
        "Days after the match", "Whoever reaches out first is asked to book; the other gets a lighter note.")
    reminder_quiet_pair_enabled = BooleanField("Remind pairs that have stopped meeting")
    reminder_quiet_pair_days = _reminder_days(
        "Days since their last session", "With none booked. Pairs do best meeting 1 to 1.5 times a month.")
    reminder_feedback_enabled = BooleanField("Remind people who have not given feedback")
    reminder_feedback_days = _reminder_days("Days after the session", "Only to whoever has not given it.")
    feedback_request_enabled = BooleanField(
        "Ask both people for feedback when a session ends",
        description="The feedback link is in the invite as well; this email arrives as the session ends.")


class SkillForm(FlaskForm):
    name = StringField("Skill", validators=[DataRequired("Name the skill."), Length(max=60)])
    category = StringField("Category", validators=[Optional(), Length(max=40)], description="For example Leadership.")
    aliases = StringField(
        "Also known as", validators=[Optional(), Length(max=500)],
        description="Other words people type for it, separated by commas (abbreviations, synonyms).",
    )


class AliasForm(FlaskForm):
    aliases = StringField("Add words that mean this skill", validators=[DataRequired("Type at least one."), Length(max=500)])


def parse_options(text: str) -> list[str]:
    seen, result = set(), []
    for line in (text or "").splitlines():
        option = " ".join(line.split())
        if option and option.lower() not in seen:
            seen.add(option.lower())
            result.append(option)
    return result


class QuestionForm(FlaskForm):
    prompt = StringField("Question", validators=[DataRequired("Write the question."), Length(max=200)])
    help_text = TextAreaField("Help text", validators=[Optional(), Length(max=500)],
                              description="Shown under the question; optional.")
    kind = SelectField("Kind of answer", choices=list(KIND_LABELS.items()))
    audience = SelectField("Asked of", choices=list(AUDIENCE_LABELS.items()))
    options = TextAreaField("Choices, one per line", validators=[Optional(), Length(max=4000)],
                            description="For single and multiple choice questions.")
    required = BooleanField("An answer is required")
    weight = DecimalField(
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


GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DOMAIN = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _lower_stripped(value):
    return value.strip().lower() if isinstance(value, str) else value


class CalendarsForm(FlaskForm):
    microsoft_tenant = StringField(
        "Microsoft 365 tenant", filters=[_lower_stripped], validators=[Optional(), Length(max=253)],
        description="The directory (tenant) id, or the tenant's domain such as contoso.onmicrosoft.com.",
    )
    microsoft_client_id = StringField(
        "Application (client) id", filters=[_lower_stripped], validators=[Optional(), Length(max=36)],
        description="From the portal's app registration in Microsoft Entra ID. Leave both empty to turn Microsoft 365 "
                    "calendars and sign-in off.",
    )

    def validate_microsoft_tenant(self, field):
        if not (GUID.match(field.data) or DOMAIN.match(field.data)):
            raise ValidationError("Enter the tenant id (like 72f988bf-86f1-41af-91ab-2d7cd011db47) or a domain "
                                  "(like contoso.onmicrosoft.com).")

    def validate_microsoft_client_id(self, field):
        if not GUID.match(field.data):
            raise ValidationError("Enter the application id as shown in Entra ID, like "
                                  "0a1b2c3d-4e5f-6789-abcd-ef0123456789.")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and bool(self.microsoft_tenant.data) != bool(self.microsoft_client_id.data):
            missing = self.microsoft_client_id if self.microsoft_tenant.data else self.microsoft_tenant
            missing.errors = ["Enter both the tenant and the application id, or leave both empty."]
            return False
        return valid
