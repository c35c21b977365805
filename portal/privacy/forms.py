"""The form that confirms deleting a person."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class EraseForm(FlaskForm):
    confirm = BooleanField("I understand that this cannot be undone", validators=[
        DataRequired("Tick this to confirm; nothing is deleted until you do.")])
