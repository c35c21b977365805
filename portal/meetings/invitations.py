"""What a session's invite carries: the calendar event for each person, with their own signed agenda and feedback links."""
from __future__ import annotations

import datetime as dt

from calendar_sync.model import CANCELLED, CONFIRMED, Meeting as Invite, Person
from portal import links
from portal.agendas import store as agenda_store
from portal.meetings.schedule import aware
from portal.models import Meeting, User

AGENDA_LINK_DAYS = 365  # agenda links in invites keep working for the whole programme and after
FEEDBACK_LINK_DAYS = 120
LINK_GRACE_DAYS = 14  # links keep working two weeks past the programme's end, for the last session's feedback


def link_token(meeting: Meeting, user: User) -> str:
    return links.make_token("meeting", {"meeting": meeting.id, "user": user.id})


def agenda_url(meeting: Meeting, user: User) -> str:
    return links.absolute_url("meetings.agenda", token=link_token(meeting, user))


def feedback_url(meeting: Meeting, user: User) -> str:
    return links.absolute_url("meetings.feedback", token=link_token(meeting, user))


def read_link(token: str, days: int) -> tuple[Meeting, User] | None:
    """The meeting and person a link was made for, or None when it is forged, expired or for something gone."""
    try:
        payload = links.read_token("meeting", token, days * 24 * 3600)
    except (links.LinkExpired, links.LinkInvalid):
        return None
    meeting = Meeting.get_or_none(Meeting.id == payload.get("meeting"))
    user = User.get_or_none(User.id == payload.get("user"))
    if (meeting is None or user is None or user.is_erased
            or user.id not in (meeting.match.mentor_id, meeting.match.mentee_id)):
        return None
    if dt.datetime.now(dt.UTC).date() > meeting.match.program.ends + dt.timedelta(days=LINK_GRACE_DAYS):
        return None  # the programme is over: its links stop opening anything
    return meeting, user


def invite(meeting: Meeting, recipient: User) -> Invite:
    """The calendar_sync meeting for one recipient: their own agenda and feedback links."""
    match = meeting.match
    agenda = agenda_store.find(match.program, meeting.agenda)
    title = agenda.title if agenda else "Mentoring session"
    other = match.partner_of(meeting.organizer_id)
    return Invite(
        uid=meeting.uid, summary=f"Mentoring: {title} ({match.mentor.first_name} and {match.mentee.first_name})",
        start=aware(meeting.starts_at), end=aware(meeting.ends_at), zone=meeting.zone,
        organizer=Person(meeting.organizer.email, meeting.organizer.name),
        attendees=(Person(other.email, other.name),), sequence=meeting.sequence, location=meeting.location,
        description=f"Session {meeting.number} of your mentoring programme: {title}.",
        agenda_url=agenda_url(meeting, recipient), feedback_url=feedback_url(meeting, recipient),
        status=CANCELLED if meeting.status == "cancelled" else CONFIRMED,
    )
