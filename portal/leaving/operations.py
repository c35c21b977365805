"""Someone leaves the programme: matches end, future sessions are cancelled, requests close or pass on, and places
free up. Who is told, and the follow-up for the programme team, react to `events.participant_left`
(portal/leaving/receivers.py, portal/followups.py)."""
from __future__ import annotations

from portal import audit, events
from portal.db import write_lock
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


def what_ends(user: User, program: Program | None = None) -> tuple[list[Match], int]:
    """The person's active matches (in this programme, or in all) and how many sessions still to come leaving would
    cancel, for the page that asks first."""
    query = Match.of(user).where(Match.ended_at.is_null())
    matches = list(query.where(Match.program == program) if program is not None else query)
    upcoming = Meeting.upcoming().where(Meeting.match.in_([m.id for m in matches])).count() if matches else 0
    return matches, upcoming


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
        ended = list(Match.of(user).where(Match.program == program, Match.ended_at.is_null()))
        for match in ended:
            match.ended_at, match.end_reason = utcnow(), why  # as stored, for those told below
            Match.update(ended_at=match.ended_at, end_reason=why).where(Match.id == match.id).execute()
            other, role = (match.mentee, "mentee") if match.mentor_id == user.id else (match.mentor, "mentor")
            pairing.settle_status(program, other, role)
        audit.record(actor, "participant.exit", f"user:{user.id}", programme=program.id, reason=reason,
                     matches=[m.id for m in ended])
    pairing.close_requests_of(program, user, why)
    for match in ended:
        # Its sessions to come are cancelled by a receiver (portal/meetings/receivers.py), as when an admin unpairs.
        events.match_ended.send(program, match=match, reason=why, actor=actor)
    events.participant_left.send(program, user=user, participants=rows, reason=reason, reason_text=REASONS[reason],
                                 feedback=feedback, ended=ended, actor=actor)
    return ended
