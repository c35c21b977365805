"""Mail's background work: delivering stored emails."""
from __future__ import annotations

from portal.mail import delivery
from portal.queue import queue


@queue.task(retries=6, retry_delay=30, retry_backoff=2)
def deliver_email(email_id: int) -> None:
    """Send one stored email; retried with backoff while the mail server is unreachable."""
    delivery.deliver(email_id)
