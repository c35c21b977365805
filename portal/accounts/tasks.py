"""Accounts' background work: the password-reset email, so a request takes as long for any address."""
from __future__ import annotations

from portal.accounts import emails
from portal.queue import queue


@queue.task(retries=3, retry_delay=30, retry_backoff=2)
def send_reset_link(request_id: int) -> None:
    """Look up the address of a stored reset request and email its owner the link, within the rate limits."""
    emails.send_reset_link(request_id)
