"""Console forms: the matching weights admins set."""
from __future__ import annotations

from wtforms import RadioField
from wtforms.validators import InputRequired, NumberRange

from portal.forms import FiniteDecimalField, PortalForm

DEPARTMENT_MODES = {
    "ignore": "Ignore departments",
    "same": "Prefer the same department",
    "different": "Prefer a different department (a view from outside)",
}


def _weight(label: str):
    return FiniteDecimalField(label, places=None, validators=[
        InputRequired("Enter a weight from 0 to 10."), NumberRange(0, 10, "Between 0 and 10."),
    ])


class MatchingForm(PortalForm):
    skills = _weight("Skills to grow against skills mentored on")
    goals = _weight("Goals against goals the mentor can advise on")
    hours = _weight("Shared working hours across time zones")
    location = _weight("How they want to meet")
    seniority = _weight("Seniority")
    department = _weight("Department")
    department_mode = RadioField("Departments", choices=list(DEPARTMENT_MODES.items()),
                                 validators=[InputRequired("Choose how departments count.")],
                                 description="The department weight counts only when a preference is chosen.")
    favourite_bonus = FiniteDecimalField(
        "Bonus for a mentor on the mentee's shortlist", places=None,
        validators=[InputRequired("Enter a bonus from 0 to 1."), NumberRange(0, 1, "Between 0 and 1.")],
        description="Added to the pair's fit (0 to 1) when the algorithm pairs; 0.15 honours most favourites.",
    )
