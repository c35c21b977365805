"""Booking, rescheduling and cancelling sessions: stored first under a lock, then synced by a job."""
from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlparse

from portal import audit, events, links, settings
from portal.db import is_postgres, write_lock
from portal.meetings import schedule, tasks
from portal.meetings.schedule import stored
from portal.models import Match, Meeting, User, utcnow
from portal.prepared import Prepared
from portal.agendas import store as agenda_store

LOCATION_KINDS = {"virtual": "Virtual (a meeting link)", "in_person": "In person (a place)"}


class BookingError(Exception):
    """A booking that cannot be made, with a message for the person booking."""


# The column's own limit: PostgreSQL refuses a longer value rather than cutting it.
MAX_LOCATION = Meeting.location.max_length


def can_book(match: Match, user: User) -> bool:
    """The mentor books; the mentee too when the programme allows it; never once the match has ended."""
    if match.ended_at is not None:
        return False
    if user.id == match.mentor_id:
        return True
    return user.id == match.mentee_id and settings.get(match.program, "mentees_can_book")


# The booking widget and the match page read a match's sessions on every view: compiled once (portal/prepared.py).
_SESSIONS_OF_MATCH = Prepared(
    lambda match: Meeting.select().where(Meeting.match == match).order_by(Meeting.starts_at.desc()), 1)


def sessions_of(match: Match) -> list[Meeting]:
    """The match's sessions, the latest first, whatever their status."""
    return _SESSIONS_OF_MATCH.rows(match.id)


def scheduled(meetings: list[Meeting]) -> int:
    """How many of these sessions are booked (neither cancelled nor otherwise ended)."""
    return sum(meeting.status == "scheduled" for meeting in meetings)


def default_agenda(match: Match, meetings: list[Meeting] | None = None) -> str:
    """Meeting N gets agenda N; after the last, the last again (concluding the relationship).

    `meetings`: the match's sessions (`sessions_of`), when the caller has read them already.
    """
    agendas = agenda_store.for_program(match.program)
    held = scheduled(sessions_of(match) if meetings is None else meetings)
    return agendas[min(held, len(agendas) - 1)].slug


def _lock_people(users: list[int]) -> None:
    """PostgreSQL: hold both people's rows, so a second booking for either waits for this one (SQLite's IMMEDIATE
    transaction already serialises writers)."""
    if is_postgres():
        list(User.select(User.id).where(User.id.in_(sorted(users))).order_by(User.id).for_update())


def _overlapping(users: list[int], start: dt.datetime, end: dt.datetime, skip: int | None):
    _lock_people(users)
    return schedule.sessions_between(users, start, end, skip).first()


def _location(kind: str, location: str) -> str:
    location = " ".join((location or "").split())
    if kind not in LOCATION_KINDS:
        raise BookingError("Choose virtual or in person.")
    if kind == "virtual" and not location:
        # Without a link the invite gives neither person a way in.
        raise BookingError("Add the meeting link for a virtual session (it starts with https://).")
    if kind == "virtual" and urlparse(location).scheme not in ("https", "http"):
        raise BookingError("A meeting link starts with https://.")
    if kind == "in_person" and not location:
        raise BookingError("Say where you will meet.")
    return location[:MAX_LOCATION]


def book(match: Match, organizer: User, start: dt.datetime, end: dt.datetime, *, location_kind: str,
         location: str = "", agenda: str | None = None, zone: str | None = None) -> Meeting:
    """Store a session (then a job writes it to the organiser's calendar and sends the invites).

    Checked again under the write lock: two bookings racing for the same time of the same person, one wins.
    """
    if not can_book(match, organizer):
        raise BookingError("Only the mentor books sessions in this programme.")
    place = _location(location_kind, location)
    agenda = agenda or default_agenda(match)
    zone = zone or schedule.working_hours(match.program, organizer).zone
    if agenda not in {a.slug for a in agenda_store.for_program(match.program)}:
        raise BookingError("Choose one of the programme's agendas.")
    with write_lock():
        clash = _overlapping([match.mentor_id, match.mentee_id], start, end, None)
        if clash is not None:
            raise BookingError("One of you already has a session at that time. Choose another.")
        number = Meeting.select().where(Meeting.match == match).count() + 1
        host = urlparse(links.base_url()).hostname or "portal"
        meeting = Meeting.create(
            match=match, organizer=organizer, number=number, agenda=agenda, starts_at=stored(start),
            ends_at=stored(end), zone=zone, location_kind=location_kind, location=place,
            uid=f"{uuid.uuid4()}@{host}",
        )
        audit.record(organizer, "meeting.book", f"meeting:{meeting.id}", match=match.id, start=start.isoformat())
    tasks.sync_meeting(meeting.id)
    events.session_booked.send(match.program, meeting=meeting, actor=organizer)
    return meeting


def reschedule(meeting: Meeting, actor: User, start: dt.datetime, end: dt.datetime) -> Meeting:
    """Move a session: same UID, SEQUENCE one higher, the calendars and invites follow."""
    if meeting.status != "scheduled":
        raise BookingError("This session was cancelled.")
    with write_lock():
        clash = _overlapping([meeting.match.mentor_id, meeting.match.mentee_id], start, end, meeting.id)
        if clash is not None:
            raise BookingError("One of you already has a session at that time. Choose another.")
        Meeting.update(starts_at=stored(start), ends_at=stored(end), sequence=Meeting.sequence + 1,
                       sync_state="pending", sync_attempts=0, sync_error="", updated_at=utcnow()).where(
            Meeting.id == meeting.id).execute()
        audit.record(actor, "meeting.reschedule", f"meeting:{meeting.id}", start=start.isoformat())
    tasks.sync_meeting(meeting.id)
    moved = Meeting.get_by_id(meeting.id)
    events.session_moved.send(meeting.match.program, meeting=moved, actor=actor)
    return moved


def cancel(meeting: Meeting, actor: User) -> Meeting:
    """Cancel a session: METHOD:CANCEL to the invitees and the event cancelled in the organiser's calendar."""
    with write_lock():
        updated = Meeting.update(status="cancelled", sequence=Meeting.sequence + 1, sync_state="pending",
                                 sync_attempts=0, sync_error="", updated_at=utcnow()).where(
            Meeting.id == meeting.id, Meeting.status == "scheduled").execute()
        if not updated:
            raise BookingError("This session is already cancelled.")
        audit.record(actor, "meeting.cancel", f"meeting:{meeting.id}")
    tasks.sync_meeting(meeting.id)
    cancelled = Meeting.get_by_id(meeting.id)
    events.session_cancelled.send(meeting.match.program, meeting=cancelled, actor=actor)
    return cancelled
