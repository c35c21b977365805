"""The outbox sweep: emails a stopped worker, a lost job or a mail server left behind are found to deliver again."""
from __future__ import annotations

import datetime as dt

from portal.mail import delivery
from portal.models import Email, utcnow

# At most this many per sweep: a large backlog is taken in turns rather than queued all at once every time.
BATCH = 500


def due_email_ids(now: dt.datetime | None = None) -> list[int]:
    """Emails queued or sending for too long, and failed ones whose next attempt is due, oldest first."""
    now = now or utcnow()
    rules = delivery.rules()
    stuck = now - rules.stuck_after
    give_up_on_abandoned(now, rules)
    query = (
        Email.select(Email.id)
        .where(
            ((Email.status == "queued") & (Email.created_at < stuck))
            | ((Email.status == "sending") & (Email.claimed_at < stuck))
            | ((Email.status == "failed") & (Email.next_attempt_at <= now))
        )
        .order_by(Email.id)
        .limit(BATCH)
    )
    return [email.id for email in query]


def give_up_on_abandoned(now: dt.datetime, rules: delivery.Rules) -> int:
    """An email whose sender stopped, and which is past its retry window, is failed for an admin to look at."""
    # Without this, an email that stops its worker every time (too large, say) would be tried for ever.
    return (
        Email.update(status="failed", claim=None, claimed_at=None, next_attempt_at=None,
                     last_error="The worker stopped while sending; not retried automatically after "
                                f"{rules.retry_for.total_seconds() / 3600:g} hours.")
        .where(Email.status == "sending", Email.claimed_at < now - rules.stuck_after,
               Email.created_at < now - rules.retry_for)
        .execute()
    )
