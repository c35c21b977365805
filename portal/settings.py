"""Programme settings that admins change: one defaults mapping, typed reads, audited writes."""
from __future__ import annotations

from dataclasses import dataclass

from portal import audit
from portal.db import database
from portal.models import Program, Setting


@dataclass(frozen=True)
class Definition:
    default: object
    kind: type
    help: str


# Every setting, its default and what it means. Later features add their own keys here.
DEFINITIONS: dict[str, Definition] = {
    "welcome_message": Definition(
        "", str, "A message from the programme team, shown to everyone on the home page (plain text)."
    ),
    "pairing_mode": Definition(
        "approval", str,
        "How pairs form: 'approval' (mentees request, mentors approve), 'mentee' (a request is a match) "
        "or 'admin' (mentees browse and shortlist, the programme team pairs).",
    ),
    "shortlist_size": Definition(3, int, "How many favourite mentors a mentee can shortlist."),
    "request_expiry_days": Definition(
        3, int, "Days a mentor has to answer a request before it passes to the mentee's next favourite."
    ),
    "first_contact": Definition(
        "mentor", str, "Who reaches out first after a match: 'mentor' (recommended) or 'mentee'."
    ),
    "department_mode": Definition(
        "ignore", str,
        "Whether matching prefers mentors from the mentee's own department ('same'), from another ('different'), "
        "or does not look at departments ('ignore').",
    ),
    "microsoft_tenant": Definition(
        "", str, "Microsoft 365 tenant (directory) id or domain; empty turns Microsoft calendars and sign-in off."
    ),
    "microsoft_client_id": Definition("", str, "The application (client) id registered for the portal in that tenant."),
    "meeting_minutes": Definition(60, int, "How long a mentoring session lasts, in minutes."),
    "meeting_buffer_minutes": Definition(15, int, "Free time kept before and after a session, in minutes."),
    "meeting_notice_hours": Definition(24, int, "The earliest a session can be booked: this many hours ahead."),
    "meeting_horizon_days": Definition(21, int, "How far ahead sessions are offered, in days."),
    "mentees_can_book": Definition(False, bool, "Mentees may book sessions too (by default the mentor books)."),
    "favourite_bonus": Definition(
        0.15, float, "How much a mentor on the mentee's shortlist adds to a pair's score in matching (0 to 1)."
    ),
    # Reminders (portal/reminders): each switchable, each with its delay in days; every one goes at most once.
    "reminder_questionnaire_enabled": Definition(
        True, bool, "Remind people who registered but have not finished the questionnaire, while registration is open."
    ),
    "reminder_questionnaire_days": Definition(3, int, "Days after registering before that reminder goes."),
    "reminder_unpaired_enabled": Definition(
        True, bool, "Point mentees still without a mentor into pairing at the directory and their shortlist."
    ),
    "reminder_unpaired_days": Definition(
        7, int,
        "Days after pairing opens (or after a later joiner finishes the questionnaire) before that reminder goes.",
    ),
    "reminder_first_meeting_enabled": Definition(
        True, bool, "Remind a pair with no session booked: whoever reaches out first, with a lighter note to the other."
    ),
    "reminder_first_meeting_days": Definition(14, int, "Days after the match before that reminder goes."),
    "reminder_quiet_pair_enabled": Definition(
        True, bool, "Remind both people of a pair whose last session is long past and with none booked."
    ),
    "reminder_quiet_pair_days": Definition(
        45, int,
        "Days since the pair's last session before that reminder goes (pairs should meet 1 to 1.5 times a month).",
    ),
    "reminder_feedback_enabled": Definition(
        True, bool, "Remind whoever has not given feedback after a session."
    ),
    "reminder_feedback_days": Definition(2, int, "Days after the session before that reminder goes."),
    "feedback_request_enabled": Definition(
        True, bool, "Ask both people for feedback by email when a session ends (the link is in the invite as well)."
    ),
    "survey_midpoint_enabled": Definition(
        True, bool, "Email the mid-point survey, by itself, on the mid-point date to everyone in a mentoring match."
    ),
    "survey_end_enabled": Definition(
        True, bool, "Email the end-of-programme survey, by itself, on the end date to everyone in a mentoring match."
    ),
    "survey_reminder_days": Definition(
        5, int, "Days after a survey goes out before the one reminder goes to those who have not answered."
    ),
}

PAIRING_MODES = {
    "approval": "Mentees request, mentors approve (recommended)",
    "mentee": "Mentees choose: a request is a match",
    "admin": "The programme team pairs; mentees browse and shortlist",
}
DEPARTMENT_MODES = {
    "ignore": "Ignore departments",
    "same": "Prefer the same department",
    "different": "Prefer a different department (a view from outside)",
}
FIRST_CONTACT = {"mentor": "The mentor reaches out first (recommended)", "mentee": "The mentee reaches out first"}


def get(program: Program, key: str):
    """The setting's stored value, or its default."""
    definition = DEFINITIONS[key]
    row = Setting.get_or_none(Setting.program == program, Setting.key == key)
    return definition.kind(row.value) if row else definition.default


def get_all(program: Program) -> dict:
    stored = {s.key: s.value for s in Setting.select().where(Setting.program == program)}
    return {key: d.kind(stored[key]) if key in stored else d.default for key, d in DEFINITIONS.items()}


def set(program: Program, key: str, value, actor) -> bool:
    """Store a setting (typed by its definition) and audit the change; False when nothing changed."""
    definition = DEFINITIONS[key]
    value = definition.kind(value)
    before = get(program, key)
    if before == value:
        return False
    with database.atomic():
        Setting.insert(program=program, key=key, value=value).on_conflict(
            conflict_target=[Setting.program, Setting.key], update={Setting.value: value}
        ).execute()
        audit.record(actor, "setting.update", f"programme:{program.id}", key=key, before=before, after=value)
    return True
