"""The form for leaving the programme."""
from __future__ import annotations

from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.forms import PortalForm
from portal.leaving.operations import REASONS


class LeaveForm(PortalForm):
    reason = RadioField("What is the main reason?", choices=list(REASONS.items()),
                        validators=[InputRequired("Choose the reason closest to yours.")])
    feedback = TextAreaField("Anything you would like the programme team to know?", validators=[
        Optional(), Length(max=5000)], description="Only the programme team reads this. It helps the next programme.")
    confirm = BooleanField("I understand that my match ends and our upcoming sessions are cancelled", validators=[
        DataRequired("Tick this to confirm; nothing changes until you do.")])
