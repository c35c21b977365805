"""Chat announcements' background work: finding what is due every hour, and posting each announcement."""
from __future__ import annotations

from huey import crontab
from huey.exceptions import RetryTask

from portal.chat import announcements
from portal.models import Program
from portal.programme.operations import today
from portal.queue import queue


@queue.task(context=True)
def deliver_announcement(announcement_id: int, task=None) -> None:
    """Post one stored announcement; retried after the channel's Retry-After or with backoff while it is down."""
    try:
        announcements.deliver(announcement_id)
    except announcements.RetryLater as later:
        raise RetryTask(str(later), delay=later.delay) from later


@queue.periodic_task(crontab(minute="7"))
def announce_due() -> None:
    """Store and post the current programme's announcements due today, and take up posts whose job was lost."""
    program = Program.current()
    if program is not None:
        for announcement_id in announcements.store_due(program, today()):
            deliver_announcement(announcement_id)
    for announcement_id in announcements.lost():
        deliver_announcement(announcement_id)
