"""Reminder settings: each reminder switchable, each with its delay in days (every one goes at most once); the
reminders section of the settings page."""
from __future__ import annotations

from portal import settings
from portal.admin import registry
from portal.reminders.forms import RemindersForm

settings.define(
    "reminder_questionnaire_enabled", True, bool,
    "Remind people who registered but have not finished the questionnaire, while registration is open.",
)
settings.define("reminder_questionnaire_days", 3, int, "Days after registering before that reminder goes.")
settings.define(
    "reminder_unpaired_enabled", True, bool,
    "Point mentees still without a mentor into pairing at the directory and their shortlist.",
)
settings.define(
    "reminder_unpaired_days", 7, int,
    "Days after pairing opens (or after a later joiner finishes the questionnaire) before that reminder goes.",
)
settings.define(
    "reminder_first_meeting_enabled", True, bool,
    "Remind a pair with no session booked: whoever reaches out first, with a lighter note to the other.",
)
settings.define("reminder_first_meeting_days", 14, int, "Days after the match before that reminder goes.")
settings.define(
    "reminder_quiet_pair_enabled", True, bool,
    "Remind both people of a pair whose last session is long past and with none booked.",
)
settings.define(
    "reminder_quiet_pair_days", 45, int,
    "Days since the pair's last session before that reminder goes (pairs should meet 1 to 1.5 times a month).",
)
settings.define("reminder_feedback_enabled", True, bool, "Remind whoever has not given feedback after a session.")
settings.define("reminder_feedback_days", 2, int, "Days after the session before that reminder goes.")
settings.define(
    "feedback_request_enabled", True, bool,
    "Ask both people for feedback by email when a session ends (the link is in the invite as well).",
)

SECTION = registry.section(
    anchor="reminders", title="Reminders", template="reminders/_settings.html", order=60, form=RemindersForm,
    endpoint="reminders.save_settings",
    keys=("reminder_questionnaire_enabled", "reminder_questionnaire_days", "reminder_unpaired_enabled",
          "reminder_unpaired_days", "reminder_first_meeting_enabled", "reminder_first_meeting_days",
          "reminder_quiet_pair_enabled", "reminder_quiet_pair_days", "reminder_feedback_enabled",
          "reminder_feedback_days", "feedback_request_enabled"),
    saved="Reminder settings saved.",
)
