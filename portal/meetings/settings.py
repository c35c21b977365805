"""Session settings: length, buffers, notice, how far ahead, who books; their settings section."""
from __future__ import annotations

from portal import settings
from portal.admin import registry
from portal.meetings.forms import SessionsForm

settings.define("meeting_minutes", 60, int, "How long a mentoring session lasts, in minutes.")
settings.define("meeting_buffer_minutes", 15, int, "Free time kept before and after a session, in minutes.")
settings.define("meeting_notice_hours", 24, int, "The earliest a session can be booked: this many hours ahead.")
settings.define("meeting_horizon_days", 21, int, "How far ahead sessions are offered, in days.")
settings.define("mentees_can_book", False, bool, "Mentees may book sessions too (by default the mentor books).")

SECTION = registry.section(
    anchor="sessions", title="Sessions", template="meetings/_settings.html", order=50, form=SessionsForm,
    endpoint="meetings.save_settings",
    keys=("meeting_minutes", "meeting_buffer_minutes", "meeting_notice_hours", "meeting_horizon_days",
          "mentees_can_book"),
    saved="Session settings saved.",
)
