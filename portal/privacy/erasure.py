"""An admin deletes a person: they leave every programme as anyone leaving does (matches end with the usual emails,
sessions still to come are cancelled with CANCEL invites), what they wrote is removed, their calendar connections
and tokens are deleted, and the account row stays, anonymous, so that matches that happened, sessions held and
ratings still count in the programme's figures without saying whose they were.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from portal import audit
from portal.calendars import connections
from portal.db import is_postgres, write_lock
from portal.leaving import operations as leaving
from portal.meetings import sync
from portal.models import (ActionItem, Answer, AuditLog, CalendarConnection, CalendarFeed, Email, Feedback, FollowUp,
                           LoginAttempt, Match, MatchRequest, Meeting, MeetingNote, OrgPerson, PairingExclusion,
                           Participant, Program, ResetRequest, Shortlist, SurveyResponse, User)

ERASED_NAME = "Deleted person"
# What earlier audit entries about the person may carry that says who they are (e.g. a calendar account's address).
PERSONAL_AUDIT_KEYS = ("account", "email", "name", "feedback", "problem")


class ErasureError(ValueError):
    """Shown to the admin: why this account cannot be deleted."""


@dataclass(frozen=True)
class Preview:
    """What deleting the person would do, for the confirmation page."""

    matches: list[Match]  # active matches that end; the other person is told
    upcoming: int  # sessions still to come, cancelled
    answers: int
    notes: int
    feedback: int
    survey_responses: int
    calendars: int  # a connected calendar and a subscription address
    emails: int


def preview(user: User) -> Preview:
    """Counts of what goes, read before anything changes."""
    active, upcoming = leaving.what_ends(user)
    return Preview(
        matches=active, upcoming=upcoming,
        answers=Answer.select().where(Answer.user == user).count(),
        notes=MeetingNote.select().where(MeetingNote.user == user).count(),
        feedback=Feedback.select().where(Feedback.user == user).count(),
        survey_responses=SurveyResponse.select().where(SurveyResponse.user == user).count(),
        calendars=(CalendarConnection.select().where(CalendarConnection.user == user).count()
                   + CalendarFeed.select().where(CalendarFeed.user == user).count()),
        emails=Email.select().where(Email.to_address == user.email).count(),
    )


def erasure_address(user: User) -> str:
    return f"deleted-{user.id}@{User.ERASED_DOMAIN}"


def erase(user: User, actor: User) -> None:
    """Delete the person as described above, in one transaction; the jobs it starts run once it has committed."""
    if user.id == actor.id:
        raise ErasureError("You cannot delete your own account. Another admin can.")
    names = _names_of(user)
    with write_lock():
        if _locked(user).is_erased:
            raise ErasureError("This account has already been deleted.")  # by another admin, a moment ago
        upcoming = list(Meeting.upcoming().where(Meeting.match.in_(Match.of(user).select(Match.id))))
        ended = _leave_every_programme(user, actor)
        for meeting in Meeting.select().where(Meeting.id.in_([m.id for m in upcoming]), Meeting.status == "cancelled"):
            _cancellation_to_the_other(meeting, user)
        _remove_what_they_wrote(user)
        _remove_sign_in_and_calendars(user)
        _remove_name_from_records(user, names)
        _anonymise_account(user)
        audit.record(actor, "person.erase", f"user:{user.id}", matches_ended=len(ended),
                     sessions_cancelled=len(upcoming))


def _locked(user: User) -> User:
    """The account as stored now; on PostgreSQL its row locked, so two admins deleting it at once run one after the
    other (SQLite's write lock already does that)."""
    query = User.select().where(User.id == user.id)
    return (query.for_update() if is_postgres() else query).get()


def _leave_every_programme(user: User, actor: User) -> list[Match]:
    """Leaving as everyone leaves: matches end, the other person and the admins are emailed, sessions are cancelled."""
    ended = []
    taking_part = Participant.select(Participant.program).where(Participant.user == user,
                                                                Participant.status != "exited")
    for program in Program.select().where(Program.id.in_(taking_part)):
        ended += leaving.leave(program, user, "other", "", actor)
    return ended


def _cancellation_to_the_other(meeting: Meeting, user: User) -> None:
    """The other person's CANCEL, emailed now, while the invite still names the person it was with.

    The session's sync job (started by the cancellation, after this transaction commits) finds it sent, by its
    dedupe key, and only updates the organiser's calendar; it sends nothing to the deleted account.
    """
    match = meeting.match
    other = match.partner_of(user)
    if meeting.organizer_id == other.id:
        connection = connections.connection_of(other)
        if connection is not None and connection.status == "ok":
            return  # the job cancels the event in their own calendar, as for any cancellation
        sync.send_invite(meeting, other)
    elif sync.invited(meeting):
        sync.send_invite(meeting, other)


def _remove_what_they_wrote(user: User) -> None:
    """Answers, private notes and words go; ratings stay, anonymous, for the averages and counts."""
    Answer.delete().where(Answer.user == user).execute()
    MeetingNote.delete().where(MeetingNote.user == user).execute()
    ActionItem.delete().where(ActionItem.author == user).execute()
    Feedback.update(went_well="", action_items="").where(Feedback.user == user).execute()
    for response in SurveyResponse.select().where(SurveyResponse.user == user):
        ratings = {key: value for key, value in response.answers.items() if isinstance(value, int)}
        SurveyResponse.update(answers=ratings).where(SurveyResponse.id == response.id).execute()
    # Follow-ups their answers raised quote them; the team's other follow-ups stay.
    FollowUp.delete().where(FollowUp.user == user).execute()
    Participant.update(exit_feedback="").where(Participant.user == user).execute()
    Shortlist.delete().where((Shortlist.mentee == user) | (Shortlist.mentor == user)).execute()
    PairingExclusion.delete().where((PairingExclusion.mentee == user) | (PairingExclusion.mentor == user)).execute()
    MatchRequest.update(message="").where(MatchRequest.mentee == user).execute()
    MatchRequest.update(reason="").where(MatchRequest.mentor == user).execute()  # their reasons for declining


def _remove_sign_in_and_calendars(user: User) -> None:
    """Calendar connections with their passwords and tokens, the feed's secret, emails to them, failed logins, and
    the organisation's record of them (a later people import adds them again if they are still in its file)."""
    OrgPerson.delete().where((OrgPerson.user == user) | (OrgPerson.email == user.email)).execute()
    CalendarConnection.delete().where(CalendarConnection.user == user).execute()
    CalendarFeed.delete().where(CalendarFeed.user == user).execute()
    Email.delete().where(Email.to_address == user.email).execute()
    LoginAttempt.delete().where(LoginAttempt.email == user.email).execute()
    ResetRequest.delete().where(ResetRequest.email == user.email).execute()


def _names_of(user: User) -> re.Pattern | None:
    """The person's full and first name as whole words, longest first."""
    names = sorted({n for n in (user.name.strip(), user.first_name.strip()) if len(n) > 1}, key=len, reverse=True)
    return re.compile("|".join(rf"\b{re.escape(n)}\b" for n in names)) if names else None


def _remove_name_from_records(user: User, names: re.Pattern | None) -> None:
    """Why their matches and requests ended was written with their name in it; earlier audit entries name them too."""
    if names is not None:
        for match in Match.of(user).where(Match.end_reason.is_null(False)):
            Match.update(end_reason=names.sub(ERASED_NAME, match.end_reason)).where(Match.id == match.id).execute()
        # Why a mentor declined them, or why a request of theirs closed: the other person's or the portal's words.
        for request in MatchRequest.select().where(MatchRequest.mentee == user, MatchRequest.reason != ""):
            MatchRequest.update(reason=names.sub(ERASED_NAME, request.reason)).where(
                MatchRequest.id == request.id).execute()
    for entry in AuditLog.select().where(AuditLog.target == f"user:{user.id}"):
        kept = {key: value for key, value in (entry.details or {}).items() if key not in PERSONAL_AUDIT_KEYS}
        if kept != entry.details:
            AuditLog.update(details=kept).where(AuditLog.id == entry.id).execute()


def _anonymise_account(user: User) -> None:
    """No name, address or password; cannot log in; every session and remember-me cookie stops working."""
    User.update(email=erasure_address(user), name=ERASED_NAME, password_hash="!", is_admin=False, active=False,
                timezone="UTC", email_confirmed=False, last_login_at=None,
                session_version=User.session_version + 1).where(User.id == user.id).execute()
