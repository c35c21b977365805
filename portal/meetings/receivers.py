"""What sessions do when pairing changes: a match that ends takes its sessions still to come with it."""
from __future__ import annotations

from portal import events
from portal.meetings import booking
from portal.models import Meeting


@events.match_ended.connect
def cancel_sessions_to_come(program, *, match, actor, **extra) -> None:
    """An admin unpairs, or one of the pair leaves: sessions still to come are cancelled with CANCEL invites."""
    for meeting in Meeting.upcoming().where(Meeting.match == match):
        try:
            booking.cancel(meeting, actor)
        except booking.BookingError:
            pass  # cancelled meanwhile by someone else: nothing left to do
