"""iCalendar text for meetings: invites (REQUEST), cancellations (CANCEL), the stored event, and a feed.

The portal owns UID and SEQUENCE: an update is the same UID with SEQUENCE + 1 (`Meeting.rescheduled`), a
cancellation likewise (`Meeting.cancelled`). Calendar clients ignore an invite whose SEQUENCE is not higher than
the one they hold, so the stored CalDAV event and the emailed invite must carry the same numbers.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vUri

from calendar_sync.model import CANCELLED, Meeting

PRODID = "-//Mentoring portal//calendar_sync//EN"
ZONE_MARGIN = timedelta(days=7)  # VTIMEZONE rules a week either side: under 1 KB, where 1970-2038 takes 3 KB


def request(meeting: Meeting, *, stamp: datetime | None = None) -> str:
    """An invite or an update (METHOD:REQUEST) to email to the attendees."""
    if meeting.status == CANCELLED:
        raise ValueError("a cancelled meeting is sent with cancel(), not request()")
    return _calendar([meeting], method="REQUEST", stamp=stamp)


def cancel(meeting: Meeting, *, stamp: datetime | None = None) -> str:
    """A cancellation (METHOD:CANCEL) for a meeting from `Meeting.cancelled()`, so its SEQUENCE went up."""
    if meeting.status != CANCELLED:
        raise ValueError("cancel() takes meeting.cancelled(): status CANCELLED and SEQUENCE one higher")
    return _calendar([meeting], method="CANCEL", stamp=stamp)


def stored_event(meeting: Meeting, *, stamp: datetime | None = None) -> str:
    """The meeting as a calendar object to PUT on a CalDAV server (RFC 4791 forbids METHOD there)."""
    return _calendar([meeting], method=None, stamp=stamp)


def feed(meetings: Iterable[Meeting], *, name: str = "Mentoring meetings", stamp: datetime | None = None) -> str:
    """Many meetings as one VCALENDAR without METHOD, for a subscription (.ics URL)."""
    return _calendar(list(meetings), method=None, stamp=stamp, name=name, people=False)


def attach_to_email(message: EmailMessage, ics: str, *, method: str = "REQUEST") -> None:
    """Add an invite to an email that already has its text (and HTML) body.

    Inline as text/calendar (Outlook, Gmail and Apple Mail show Accept / Decline from it) and again as
    invite.ics, for clients that ignore the inline part.
    """
    if not message.is_multipart():
        message.make_alternative()
    message.add_alternative(ics, subtype="calendar", params={"method": method})
    message.make_mixed()
    message.add_attachment(ics.encode(), maintype="application", subtype="ics", filename="invite.ics")


def _calendar(meetings: list[Meeting], *, method: str | None, stamp: datetime | None,
              name: str | None = None, people: bool = True) -> str:
    calendar = Calendar.new(prodid=PRODID, method=method) if method else Calendar.new(prodid=PRODID)
    if name:
        calendar.add("X-WR-CALNAME", name)
    stamp = stamp or datetime.now(UTC)
    for meeting in meetings:
        calendar.add_component(_event(meeting, stamp, people))
    if meetings:
        first = min(m.start for m in meetings).date() - ZONE_MARGIN
        last = max(m.end for m in meetings).date() + ZONE_MARGIN
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical().decode()


def _address(email: str, name: str, **params) -> vCalAddress:
    return vCalAddress.new(f"mailto:{email}", cn=name or None, **params)


def description(meeting: Meeting) -> str:
    """The invite's DESCRIPTION: the portal's text, then the agenda and feedback links on lines of their own."""
    parts = [meeting.description.strip()] if meeting.description.strip() else []
    links = [f"Agenda: {meeting.agenda_url}"] if meeting.agenda_url else []
    links += [f"Feedback: {meeting.feedback_url}"] if meeting.feedback_url else []
    if links:
        parts.append("\n".join(links))
    return "\n\n".join(parts)


def _event(meeting: Meeting, stamp: datetime, people: bool) -> Event:
    zone = ZoneInfo(meeting.zone)
    event = Event.new(
        uid=meeting.uid,
        sequence=meeting.sequence,
        summary=meeting.summary,
        start=meeting.start.astimezone(zone),
        end=meeting.end.astimezone(zone),
        stamp=stamp.astimezone(UTC),
        description=description(meeting) or None,
        location=meeting.location or None,
        url=meeting.agenda_url or None,
        status=meeting.status,
    )
    if people:
        # A subscribed feed leaves people out: clients would otherwise offer to answer an invite from it.
        event.add("ORGANIZER", _address(meeting.organizer.email, meeting.organizer.name))
        for person in meeting.attendees:
            event.add("ATTENDEE", _address(person.email, person.name, cutype="INDIVIDUAL", role="REQ-PARTICIPANT",
                                           partstat="NEEDS-ACTION", rsvp=True))
    for link in (meeting.agenda_url, meeting.feedback_url):
        if link:
            event.add("ATTACH", vUri(link), parameters={"FMTTYPE": "text/html"})
    return event
