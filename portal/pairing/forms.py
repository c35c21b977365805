"""Pairing forms: the admins' pairing settings."""
from __future__ import annotations

from wtforms import IntegerField, RadioField
from wtforms.validators import InputRequired, NumberRange

from portal.forms import PortalForm

PAIRING_MODES = {
    "approval": "Mentees request, mentors approve (recommended)",
    "mentee": "Mentees choose: a request is a match",
    "admin": "The programme team pairs; mentees browse and shortlist",
}
FIRST_CONTACT = {"mentor": "The mentor reaches out first (recommended)", "mentee": "The mentee reaches out first"}


class PairingSettingsForm(PortalForm):
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
