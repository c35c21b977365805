"""Pairing's settings: how pairs form, shortlists, request expiry, who reaches out first; its settings section."""
from __future__ import annotations

from portal import settings
from portal.admin import registry
from portal.pairing.forms import PairingSettingsForm

settings.define(
    "pairing_mode", "approval", str,
    "How pairs form: 'approval' (mentees request, mentors approve), 'mentee' (a request is a match) "
    "or 'admin' (mentees browse and shortlist, the programme team pairs).",
)
settings.define("shortlist_size", 3, int, "How many favourite mentors a mentee can shortlist.")
settings.define(
    "request_expiry_days", 3, int, "Days a mentor has to answer a request before it passes to the mentee's next favourite."
)
settings.define("first_contact", "mentor", str, "Who reaches out first after a match: 'mentor' (recommended) or 'mentee'.")

SECTION = registry.section(
    anchor="pairing", title="Pairing", template="pairing/_settings.html", order=30, form=PairingSettingsForm,
    endpoint="pairing.save_settings", keys=("pairing_mode", "shortlist_size", "request_expiry_days", "first_contact"),
    saved="Pairing settings saved.",
)
