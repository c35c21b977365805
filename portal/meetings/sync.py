"""The job behind a booking: invites by email, then the event in the organiser's calendar, retried with backoff.

An Outlook organiser's first write goes the other way round. Graph will not take our UID (an event's iCalUId is
Exchange's), and an event created with the attendee makes Exchange send its own invitation under that UID. So the
event is created with the attendee first, the session takes Exchange's UID, and only then is our invite emailed:
both carry one UID and the attendee's calendar merges them. When Graph has not taken the event after
INVITE_AFTER_ATTEMPTS tries, or will not at all, our invite goes out under the portal's UID instead, and the event
is then created without attendees (an invitation from Exchange as well would be a second event).
"""
from __future__ import annotations

import dataclasses

from calendar_sync import invites
from calendar_sync.errors import AuthFailed, CalendarError, ReauthRequired, Throttled, Unreachable
from calendar_sync.model import Meeting as Invite
from portal import events, links, mail
from portal.calendars import connections
from portal.meetings import invitations, schedule
from portal.models import Email, Meeting, User, utcnow

MAX_ATTEMPTS = 8
MAX_DELAY = 3600
INVITE_AFTER_ATTEMPTS = 3  # failed Outlook creates after which the attendee gets our invite without Exchange's UID
SHARED_NOTE = ("Each of you has your own agenda and feedback links: in the invite the portal emails you, and on "
               "the match page in the portal.")


class RetryLater(Exception):
    """The calendar did not take the meeting this time; the job runs again after `delay` seconds."""

    def __init__(self, delay: float, message: str):
        super().__init__(message)
        self.delay = delay


def _record(meeting: Meeting, **values) -> None:
    Meeting.update(updated_at=utcnow(), **values).where(Meeting.id == meeting.id).execute()


def _failed(meeting: Meeting, **values) -> None:
    """Record that the session will not reach the organiser's calendar, and say so to whoever cares."""
    _record(meeting, sync_state="failed", **values)
    events.session_sync_failed.send(meeting.match.program, meeting=meeting, error=values["sync_error"])


def send_invite(meeting: Meeting, person: User) -> None:
    """An iCalendar invite (or cancellation) by email, once per person and SEQUENCE whatever the retries."""
    ics_meeting = invitations.invite(meeting, person)
    cancelled = meeting.status == "cancelled"
    method = "CANCEL" if cancelled else "REQUEST"
    ics = invites.cancel(ics_meeting) if cancelled else invites.request(ics_meeting)
    parts = [
        {"kind": "alternative", "subtype": "calendar", "content": ics, "params": {"method": method}},
        {"kind": "attachment", "maintype": "text", "subtype": "calendar", "filename": "invite.ics",
         "content": ics, "params": {"method": method}},
    ]
    verb = "Cancelled" if cancelled else ("Updated" if meeting.sequence else "Invitation")
    mail.send_template(
        person, f"{verb}: {ics_meeting.summary}", "meeting_invite", category="meetings",
        dedupe_key=f"invite:{meeting.uid}:{meeting.sequence}:{person.id}", parts=parts, meeting=meeting,
        invite=ics_meeting, cancelled=cancelled, updated=bool(meeting.sequence) and not cancelled,
        user_zone=schedule.working_hours(meeting.match.program, person).zone,
    )


def invited(meeting: Meeting) -> bool:
    """Whether an invite, update or cancellation under the meeting's current UID was emailed to anyone."""
    return Email.select().where(Email.dedupe_key.startswith(f"invite:{meeting.uid}:")).exists()


def _invite_attendee(meeting: Meeting, attendee: User) -> None:
    """The attendee's invite or update, but never a cancellation of a session they were not invited to."""
    if meeting.status == "scheduled" or invited(meeting):
        send_invite(meeting, attendee)


def _adopts_uid(meeting: Meeting, connection) -> bool:
    """Whether this run creates the Outlook event with the attendee in it and takes Exchange's UID for the session.

    Only while nothing went out under the portal's UID: once our invite is in a mailbox, Exchange's invitation
    (another UID) would be a second event there.
    """
    return (connection.kind == "microsoft" and meeting.status == "scheduled"
            and not connections.graph_id(meeting.remote_id) and not invited(meeting))


def shared_invite(meeting: Meeting, organizer: User) -> Invite:
    """The organiser's invite made fit for an event Exchange shows the attendee: nobody's own links in it.

    Agenda and feedback links open their pages as the person they were made for, so the organiser's must not reach
    the attendee; the match page asks whoever opens it to log in.
    """
    own = invitations.invite(meeting, organizer)
    page = links.absolute_url("pairing.match", match_id=meeting.match_id)
    return dataclasses.replace(own, agenda_url=page, feedback_url=page,
                               description=f"{own.description}\n\n{SHARED_NOTE}".strip())


def _write(meeting: Meeting, organizer: User, attendees: bool):
    """Write or cancel the meeting in the organiser's calendar; a connections.Written."""
    if meeting.status != "scheduled":
        connections.cancel_meeting(organizer, invitations.invite(meeting, organizer), meeting.remote_id)
        return connections.Written(meeting.remote_id)
    invite = shared_invite(meeting, organizer) if attendees else invitations.invite(meeting, organizer)
    return connections.write_event(organizer, invite, meeting.remote_id, attendees=attendees)


def sync(meeting_id: int) -> None:
    """Bring everyone's view of one meeting up to date; safe to run any number of times."""
    meeting = Meeting.get_or_none(Meeting.id == meeting_id)
    if meeting is None:
        return
    match, organizer = meeting.match, meeting.organizer
    attendee = match.partner_of(organizer)
    connection = connections.connection_of(organizer)
    writable = connection is not None and connection.status == "ok"
    adopt = writable and _adopts_uid(meeting, connection)
    if not adopt:  # else our invite waits for Exchange's UID
        _invite_attendee(meeting, attendee)
    if not writable:
        # Without a calendar of their own to write to, the organiser gets the invite by email as well.
        send_invite(meeting, organizer)
        _record(meeting, sync_state="none", sync_error="")
        return
    if meeting.synced_sequence == meeting.sequence and meeting.sync_state == "synced":
        return
    try:
        written = _write(meeting, organizer, adopt)
    except (AuthFailed, ReauthRequired) as error:
        # The connection is marked broken and the organiser told; the meeting reaches them by email instead, and
        # the attendee stops waiting for Exchange's UID.
        _invite_attendee(meeting, attendee)
        send_invite(meeting, organizer)
        _failed(meeting, sync_error=error.message if hasattr(error, "message") else str(error))
        return
    except (Throttled, Unreachable, CalendarError) as error:
        attempts = meeting.sync_attempts + 1
        message = getattr(error, "message", "") or str(error)
        gives_up = attempts >= MAX_ATTEMPTS or not isinstance(error, (Throttled, Unreachable))
        if adopt and (gives_up or attempts >= INVITE_AFTER_ATTEMPTS):
            # The attendee has waited long enough: our invite goes out under the portal's UID, and with it out,
            # _adopts_uid says no from now on, so a later create leaves the attendees out.
            _invite_attendee(meeting, attendee)
        if gives_up:
            _failed(meeting, sync_attempts=attempts, sync_error=message)
            return
        _record(meeting, sync_state="waiting", sync_attempts=attempts, sync_error=message)
        # The server's own Retry-After when it gave one; otherwise our backoff, growing with the attempts.
        told = isinstance(error, Throttled) and error.from_server
        delay = error.retry_after if told else min(MAX_DELAY, 30 * 2 ** attempts)
        raise RetryLater(delay, message) from error
    if not written.remote_id:
        # The connection went away between the check and the write: both get the invite by email.
        _invite_attendee(meeting, attendee)
        send_invite(meeting, organizer)
        _record(meeting, sync_state="none", sync_error="")
        return
    adopted = {"uid": written.ical_uid} if adopt and written.ical_uid else {}
    _record(meeting, sync_state="synced", sync_attempts=meeting.sync_attempts + 1, sync_error="",
            remote_id=written.remote_id, synced_sequence=meeting.sequence, **adopted)
    if adopt:
        # Only now, under the UID Exchange's invitation carries, so the attendee's calendar merges the two. Stored
        # first: a run that stops here sends it next time, under the same UID.
        meeting.uid = adopted.get("uid", meeting.uid)
        send_invite(meeting, attendee)
