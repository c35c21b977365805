"""Someone leaves the programme: matches end, future sessions are cancelled, requests close or pass on, places free
up, and the programme team is told."""
from __future__ import annotations

from portal import audit, followups, links, mail
from portal.db import write_lock
from portal.meetings import booking
from portal.models import Match, Meeting, Participant, Program, User, utcnow
from portal.pairing import operations as pairing

REASONS = {
    "workload": "My workload does not leave room for it right now",
    "role_change": "I changed role, team or location",
    "leaving_company": "I am leaving the organisation",
    "personal": "Personal reasons",
    "goals_met": "I got what I came for",
    "not_a_fit": "The programme or the pairing was not the right fit",
    "other": "Something else",
}


class LeavingError(ValueError):
    """Shown to the person, with what they typed kept."""


def leave(program: Program, user: User, reason: str, feedback: str, actor: User) -> list[Match]:
    """Take the person out of the programme in every role; returns the matches that ended."""
    if reason not in REASONS:
        raise LeavingError("Choose the reason closest to yours.")
    rows = list(Participant.taking_part(program).where(Participant.user == user))
    if not rows:
        raise LeavingError("You are not taking part in this programme any more.")
    feedback = (feedback or "").strip()[:5000]
    why = f"{user.first_name} left the programme ({REASONS[reason].lower()})."
    with write_lock():
        Participant.update(status="exited", exited_at=utcnow(), exit_reason=reason, exit_feedback=feedback).where(
            Participant.id.in_([r.id for r in rows])).execute()
        ended = list(Match.active().where(Match.program == program, (Match.mentor == user) | (Match.mentee == user)))
        for match in ended:
            Match.update(ended_at=utcnow(), end_reason=why).where(Match.id == match.id).execute()
            other, role = (match.mentee, "mentee") if match.mentor_id == user.id else (match.mentor, "mentor")
            still = Match.active().where(Match.program == program, getattr(Match, role) == other).exists()
            Participant.update(status="paired" if still else "ready").where(
                Participant.program == program, Participant.user == other, Participant.role == role,
                Participant.status != "exited").execute()
        audit.record(actor, "participant.exit", f"user:{user.id}", programme=program.id, reason=reason,
                     matches=[m.id for m in ended])
    pairing.close_requests_of(program, user, why)
    for match in ended:
        _cancel_future_sessions(match, actor)
        _tell_the_other(match, user)
    _tell_the_team(program, user, reason, feedback, ended)
    return ended


def _cancel_future_sessions(match: Match, actor: User) -> None:
    """Sessions still to come are cancelled: the cancellations go out and calendars are updated."""
    for meeting in Meeting.upcoming().where(Meeting.match == match):
        try:
            booking.cancel(meeting, actor)
        except booking.BookingError:
            pass  # cancelled meanwhile by someone else: nothing left to do


def _tell_the_other(match: Match, leaver: User) -> None:
    other, role = (match.mentee, "mentee") if match.mentor_id == leaver.id else (match.mentor, "mentor")
    mail.send_template(
        other, f"{leaver.first_name} has left the mentoring programme", f"partner_left_{role}", category="pairing",
        dedupe_key=f"partner-left:{match.id}", leaver=leaver, match=match,
        mentors_url=links.absolute_url("pairing.directory"), home_url=links.absolute_url("home.index"),
    )


def _tell_the_team(program: Program, user: User, reason: str, feedback: str, ended: list[Match]) -> None:
    details = f"{user.name} left: {REASONS[reason].lower()}."
    if ended:
        details += " Ended: " + "; ".join(f"{m.mentor.name} and {m.mentee.name}" for m in ended) + "."
    if feedback:
        details += f" They said: “{feedback[:500]}”"
    followups.flag(program, "exit", f"exit:{program.id}:{user.id}:{utcnow().isoformat()}",
                   match=ended[0] if ended else None, user=user, details=details)
    for admin in User.select().where(User.is_admin, User.active, User.id != user.id):
        mail.send_template(
            admin, f"{user.name} has left the mentoring programme", "participant_left_admin", category="attrition",
            dedupe_key=f"left-admin:{program.id}:{user.id}:{admin.id}", leaver=user, reason=REASONS[reason],
            feedback=feedback, ended=ended, dashboard_url=links.absolute_url("dashboard.index"),
        )
