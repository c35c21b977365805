"""The console's settings: how departments and the shortlist count in matching; the matching weights section."""
from __future__ import annotations

from portal import settings
from portal.admin import registry
from portal.console import weights
from portal.console.forms import MatchingForm

settings.define(
    "department_mode", "ignore", str,
    "Whether matching prefers mentors from the mentee's own department ('same'), from another ('different'), "
    "or does not look at departments ('ignore').",
)
settings.define(
    "favourite_bonus", 0.15, float, "How much a mentor on the mentee's shortlist adds to a pair's score in matching (0 to 1)."
)

# The weights themselves are stored on the questions that feed each part of the fit (portal/console/weights.py).
SECTION = registry.section(
    anchor="matching", title="Matching weights", template="console/_weights_settings.html", order=40,
    form=MatchingForm, endpoint="console.save_weights", keys=("department_mode", "favourite_bonus"),
    initial=weights.current,
)
