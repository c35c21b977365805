"""Survey settings: sending each survey by itself, and the one reminder; the surveys section of the settings page,
which points at the surveys page where these are changed."""
from __future__ import annotations

from portal import settings
from portal.admin import registry

settings.define(
    "survey_midpoint_enabled", True, bool,
    "Email the mid-point survey, by itself, on the mid-point date to everyone in a mentoring match.",
)
settings.define(
    "survey_end_enabled", True, bool,
    "Email the end-of-programme survey, by itself, on the end date to everyone in a mentoring match.",
)
settings.define(
    "survey_reminder_days", 5, int, "Days after a survey goes out before the one reminder goes to those who have not answered."
)

KEYS = ("survey_midpoint_enabled", "survey_end_enabled", "survey_reminder_days")

registry.section(anchor="surveys", title="Mid-point and end surveys", template="surveys/_settings.html", order=110)
