"""Mail's background work: delivering stored emails, and sweeping up those a worker or the mail server dropped."""
from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from huey import crontab

from portal.mail import delivery, sweep
from portal.queue import queue

log = logging.getLogger(__name__)


@queue.task()
def deliver_email(email_id: int) -> None:
    """Send one stored email; after a failure, come back when its next attempt is due."""
    _deliver(email_id)


def _deliver(email_id: int, session: delivery.Session | None = None) -> None:
    """One email's attempt, over the batch's session if it has one; a failure schedules the next attempt."""
    try:
        retry_at = delivery.deliver(email_id, session)
    except delivery.SentNotRecorded as sent:
        # Sending again would make a second copy: only the row is behind, and a job of its own brings it up to date
        # once the database answers (jobs wait for the database; see portal/queue.py).
        record_sent(email_id, sent.claim)
        return
    if retry_at is not None:
        # The row holds the schedule; if this job is lost, the sweep finds the email when it is due.
        deliver_email.schedule((email_id,), eta=retry_at.replace(tzinfo=dt.UTC))


@queue.task()
def deliver_emails(email_ids: list[int]) -> None:
    """Send a batch of stored emails (a bulk send's) over one SMTP session, one at a time; each failure is retried on
    its own schedule."""
    session = delivery.Session(current_app.config["PORTAL"]["mail"])
    try:
        for email_id in email_ids:
            # The same work as one email's job, so a batch costs the queue one task instead of hundreds; an email
            # that fails for a bug is recorded failed (and retried) on its own, and the rest of the batch still goes.
            try:
                _deliver(email_id, session)
            except Exception:
                log.exception("Email %s of a batch not delivered.", email_id)
    finally:
        session.close()


@queue.task(retries=5, retry_delay=30)
def record_sent(email_id: int, claim: str) -> None:
    """Mark an email sent that the server accepted while the database was away."""
    delivery.record_sent(email_id, claim)


@queue.periodic_task(crontab(minute="*/10"))
def sweep_outbox() -> None:
    """Deliver again what waited too long: a lost job, a worker stopped mid-send, a failure whose retry is due."""
    for email_id in sweep.due_email_ids():
        deliver_email(email_id)
