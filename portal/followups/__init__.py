"""Pairs and people the programme team should look at: raised by answers, cleared by an admin.

What raises one is decided here, by the receivers at the end of this module (low feedback after a session, a low
survey rating, someone leaving, a broken calendar connection, a session that could not reach a calendar), and by the
periodic sweep in `sweep.py` for what time raises (no first session, a quiet pair, a mentee still unpaired).
Each has a source unique per kind and subject, so the same event never flags twice.
"""
from __future__ import annotations

from peewee import IntegrityError

from portal import audit, events
from portal.db import database
from portal.models import FollowUp, Match, Participant, Program, User, utcnow
from portal.surveys.defaults import LABELS as SURVEY_LABELS

REASONS = {
    "low_rating": "Low session rating",
    "low_fit": "Pairing may not fit",
    "exit": "Left the programme",
    "survey": "Low survey rating",
    "no_first_session": "No first session",
    "quiet": "Pair not meeting",
    "calendar_sync": "Calendar failed to sync",
    "calendar_broken": "Calendar connection broken",
    "unpaired": "Mentee still unpaired",
}
STATES = {"open": "Open", "done": "Followed up", "all": "All"}
LOW = 2  # a rating of 2 or less out of 5 asks for a follow-up


def flag(program: Program, reason: str, source: str, *, match: Match | None = None, user: User | None = None,
         details: str = "") -> FollowUp | None:
    """Raise a follow-up once per source (e.g. "feedback:12:rating"); None when that source already raised one."""
    if reason not in REASONS:
        raise ValueError(f"unknown follow-up reason {reason!r}")
    try:
        with database.atomic():
            return FollowUp.create(program=program, match=match, user=user, reason=reason, source=source,
                                   details=details)
    except IntegrityError:
        return None


def withdraw(source: str) -> None:
    """Drop an open follow-up whose answer was changed so that it no longer asks for one."""
    FollowUp.delete().where(FollowUp.source == source, FollowUp.resolved_at.is_null()).execute()


def open_ones(program: Program):
    """Unresolved follow-ups, newest first."""
    return (FollowUp.select().where(FollowUp.program == program, FollowUp.resolved_at.is_null())
            .order_by(FollowUp.created_at.desc(), FollowUp.id.desc()))


def listed(program: Program, reason: str | None = None, state: str = "open"):
    """Follow-ups of one kind (or every kind), open, followed up or all, newest first."""
    query = FollowUp.select().where(FollowUp.program == program)
    if reason:
        query = query.where(FollowUp.reason == reason)
    if state == "open":
        query = query.where(FollowUp.resolved_at.is_null())
    elif state == "done":
        query = query.where(FollowUp.resolved_at.is_null(False))
    return query.order_by(FollowUp.created_at.desc(), FollowUp.id.desc())


def resolve(follow_up: FollowUp, actor: User, resolution: str = "") -> bool:
    """Mark a follow-up handled, with what was done; False when it was already resolved."""
    with database.atomic():
        done = FollowUp.update(resolved_at=utcnow(), resolved_by=actor, resolution=resolution.strip()).where(
            FollowUp.id == follow_up.id, FollowUp.resolved_at.is_null()).execute()
        if done:
            audit.record(actor, "follow_up.resolve", f"follow_up:{follow_up.id}", reason=follow_up.reason)
    return bool(done)


def reopen(follow_up: FollowUp, actor: User) -> bool:
    """Open a followed-up flag again (the note stays, to read); False when it was open already."""
    with database.atomic():
        done = FollowUp.update(resolved_at=None, resolved_by=None).where(
            FollowUp.id == follow_up.id, FollowUp.resolved_at.is_null(False)).execute()
        if done:
            audit.record(actor, "follow_up.reopen", f"follow_up:{follow_up.id}", reason=follow_up.reason)
    return bool(done)


# --- what raises a follow-up ---------------------------------------------------------------------------------------


@events.feedback_given.connect
def on_feedback(program, *, feedback, meeting, user, **extra) -> None:
    """A session or fit rating of 2 or less flags the pair; changed to 3 or more, the open flag is withdrawn."""
    said = f" They wrote: “{feedback.went_well[:300]}”" if feedback.went_well else ""
    for kind, value, reason, what in (("rating", feedback.rating, "low_rating", "rated session"),
                                      ("fit", feedback.fit, "low_fit", "rated the fit of the pairing after session")):
        source = f"feedback:{feedback.id}:{kind}"
        if value is not None and value <= LOW:
            flag(program, reason, source, match=meeting.match, user=user,
                 details=f"{user.name} {what} {meeting.number} {value} out of 5.{said}")
        else:
            withdraw(source)


@events.survey_answered.connect
def on_survey(program, *, survey, response, user, role, match, **extra) -> None:
    """An overall survey rating of 2 or less flags the person (and their pair, when they have one)."""
    source = f"survey:{response.id}"
    if response.rating is not None and response.rating <= LOW:
        label = SURVEY_LABELS[survey.kind].lower()
        flag(program, "survey", source, user=user, match=match,
             details=f"{user.name} ({role}) rated the {label} {response.rating} out of 5.")
    else:
        withdraw(source)


@events.participant_left.connect
def on_leaving(program, *, user, reason_text, feedback, ended, **extra) -> None:
    """Everyone who leaves is a follow-up, with why, the pairs that ended and what they said."""
    details = f"{user.name} left: {reason_text.lower()}."
    if ended:
        details += " Ended: " + "; ".join(f"{m.mentor.name} and {m.mentee.name}" for m in ended) + "."
    if feedback:
        details += f" They said: “{feedback[:500]}”"
    flag(program, "exit", f"exit:{program.id}:{user.id}:{utcnow().isoformat()}",
         match=ended[0] if ended else None, user=user, details=details)


@events.calendar_broken.connect
def on_calendar_broken(user, *, connection, problem, **extra) -> None:
    """A broken calendar connection flags the person in each programme they take part in, once per break."""
    stamp = connection.broken_at.isoformat() if connection.broken_at else ""
    programs = (Program.select().join(Participant).where(Participant.user == user, Participant.status != "exited",
                                                            ~Program.archived).distinct())
    for program in programs:
        flag(program, "calendar_broken", f"calendar_broken:{program.id}:{connection.id}:{stamp}", user=user,
             details=f"{user.name}'s calendar connection stopped working: {problem.strip()}")


@events.session_sync_failed.connect
def on_sync_failed(program, *, meeting, error, **extra) -> None:
    """A session that could not be written to the organiser's calendar flags the pair, once per version of it."""
    match = meeting.match
    flag(program, "calendar_sync", f"calendar_sync:{meeting.id}:{meeting.sequence}", match=match,
         user=meeting.organizer,
         details=f"Session {meeting.number} of {match.mentor.name} and {match.mentee.name} did not reach "
                 f"{meeting.organizer.name}'s calendar: {error}")
