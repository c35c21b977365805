"""The admins' reminder settings form."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired, NumberRange, StopValidation

from portal.forms import PortalForm


def _one_message(form, field):
    # A word or a fraction is already reported as not a whole number; "between 1 and 365" on top would repeat it.
    if field.process_errors:
        raise StopValidation()


def _reminder_days(label: str, description: str):
    return IntegerField(label, description=description, invalid_value_message="Enter a whole number of days.",
                        validators=[_one_message, InputRequired("Enter a whole number of days."),
                                    NumberRange(1, 365, "Between 1 and 365 days.")])


class RemindersForm(PortalForm):
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
