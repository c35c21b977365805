"""Sessions' background work: writing them to calendars and sending the invites."""
from __future__ import annotations

from huey.exceptions import RetryTask

from portal.meetings import sync
from portal.queue import queue


@queue.task(context=True)
def sync_meeting(meeting_id: int, task=None) -> None:
    """Invites by email and the event in the organiser's calendar; retried with backoff while the server is away."""
    try:
        sync.sync(meeting_id)
    except sync.RetryLater as later:
        # A delay of the server's choosing (Graph's Retry-After) or exponential backoff, never a tight loop.
        raise RetryTask(str(later), delay=later.delay) from later
