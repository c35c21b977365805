"""Reminders' background work: the sweep that sends what is due."""
from __future__ import annotations

from huey import crontab

from portal.queue import queue
from portal.reminders import send


@queue.periodic_task(crontab(minute="*/15"))
def send_reminders() -> None:
    """Reminders and feedback requests that are due in the running programme; each email goes once (its dedupe key)."""
    send.run_current()
