"""Admin forms: the programme and the home page message."""
from __future__ import annotations

from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.forms import CalendarDateField, PortalForm
from portal.programme.phases import FIELD_LABELS


def _stripped(value):
    return (value or "").strip()


def _date(name: str):
    return CalendarDateField(FIELD_LABELS[name], validators=[InputRequired("Enter a date (YYYY-MM-DD).")])


class ProgrammeForm(PortalForm):
    # DataRequired, not InputRequired: a name or question of spaces only is as empty as none.
    name = StringField("Programme name", validators=[DataRequired("Give the programme a name."), Length(max=120)])
    organisation_size = IntegerField(
        "People in the organisation",
        validators=[InputRequired("Enter a whole number."), NumberRange(1, 1_000_000, "Between 1 and 1,000,000.")],
        description="Used to show sign-up against the 10–15 % that successful programmes reach. Set by each people "
                    "import until you change it here.",
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


class WelcomeForm(PortalForm):
    welcome_message = TextAreaField(
        "Message on the home page", validators=[Optional(), Length(max=2000, message="Keep it under 2,000 characters.")],
        description="Shown to everyone on the home page; leave empty for none.", filters=[_stripped],
    )
