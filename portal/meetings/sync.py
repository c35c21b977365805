"""The job behind a booking: invites by email, then the event in the organiser's calendar, retried with backoff."""
from __future__ import annotations

from calendar_sync import invites
from calendar_sync.errors import AuthFailed, CalendarError, ReauthRequired, Throttled, Unreachable
from portal import mail
from portal.meetings import booking, schedule
from portal.models import Meeting, User, utcnow

MAX_ATTEMPTS = 8
MAX_DELAY = 3600


class RetryLater(Exception):
    """The calendar did not take the meeting this time; the job runs again after `delay` seconds."""

    def __init__(self, delay: float, message: str):
        super().__init__(message)
        self.delay = delay


def _record(meeting: Meeting, **values) -> None:
    Meeting.update(updated_at=utcnow(), **values).where(Meeting.id == meeting.id).execute()


def send_invite(meeting: Meeting, person: User) -> None:
    """An iCalendar invite (or cancellation) by email, once per person and SEQUENCE whatever the retries."""
    ics_meeting = booking.invite(meeting, person)
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


def sync(meeting_id: int) -> None:
    """Bring everyone's view of one meeting up to date; safe to run any number of times."""
    from portal.calendars import connections

    meeting = Meeting.get_or_none(Meeting.id == meeting_id)
    if meeting is None:
        return
    match, organizer = meeting.match, meeting.organizer
    attendee = match.mentee if organizer.id == match.mentor_id else match.mentor
    connection = connections.connection_of(organizer)
    writable = connection is not None and connection.status == "ok"
    send_invite(meeting, attendee)
    if not writable:
        # Without a calendar of their own to write to, the organiser gets the invite by email as well.
        send_invite(meeting, organizer)
        _record(meeting, sync_state="none", sync_error="")
        return
    if meeting.synced_sequence == meeting.sequence and meeting.sync_state == "synced":
        return
    try:
        if meeting.status == "scheduled":
            remote = connections.write_meeting(organizer, booking.invite(meeting, organizer), meeting.remote_id)
        else:
            connections.cancel_meeting(organizer, booking.invite(meeting, organizer), meeting.remote_id)
            remote = meeting.remote_id
    except (AuthFailed, ReauthRequired) as error:
        # The connection is marked broken and the organiser told; the meeting reaches them by email instead.
        send_invite(meeting, organizer)
        _record(meeting, sync_state="failed", sync_error=error.message if hasattr(error, "message") else str(error))
        return
    except (Throttled, Unreachable, CalendarError) as error:
        attempts = meeting.sync_attempts + 1
        message = getattr(error, "message", "") or str(error)
        if attempts >= MAX_ATTEMPTS or not isinstance(error, (Throttled, Unreachable)):
            _record(meeting, sync_state="failed", sync_attempts=attempts, sync_error=message)
            return
        _record(meeting, sync_state="waiting", sync_attempts=attempts, sync_error=message)
        delay = error.retry_after if isinstance(error, Throttled) else min(MAX_DELAY, 30 * 2 ** attempts)
        raise RetryLater(delay, message) from error
    if not remote:
        # The connection went away between the check and the write: the organiser gets the invite by email.
        send_invite(meeting, organizer)
        _record(meeting, sync_state="none", sync_error="")
        return
    _record(meeting, sync_state="synced", sync_attempts=meeting.sync_attempts + 1, sync_error="", remote_id=remote,
            synced_sequence=meeting.sequence)
