"""Pairing's background work: requests whose time is up pass on."""
from __future__ import annotations

from huey import crontab

from portal.pairing import operations
from portal.queue import queue


@queue.periodic_task(crontab(minute="*/10"))
def expire_requests() -> None:
    """Pass unanswered requests on to the mentee's next favourite once their time is up."""
    operations.expire_requests()
