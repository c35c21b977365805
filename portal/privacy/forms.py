"""The form that confirms deleting a person."""
from __future__ import annotations

from wtforms import BooleanField
from wtforms.validators import DataRequired

from portal.forms import PortalForm


class EraseForm(PortalForm):
    confirm = BooleanField("I understand that this cannot be undone", validators=[
        DataRequired("Tick this to confirm; nothing is deleted until you do.")])
