"""Outgoing email: every message is stored first, then delivered by a job."""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from flask import render_template
from peewee import DataError, IntegrityError

from portal import audit, outage
from portal.db import database, is_postgres
from portal.mail.tasks import deliver_email, deliver_emails
from portal.models import Email, utcnow

log = logging.getLogger(__name__)
T = TypeVar("T")


def send(
    to_address: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    to_name: str = "",
    category: str = "general",
    dedupe_key: str | None = None,
    parts: list[dict] | None = None,
) -> Email | None:
    """Store an email and queue its delivery. A dedupe_key already used sends nothing and returns None."""
    return _store({"to_address": to_address, "to_name": to_name, "subject": subject, "text_body": text,
                   "html_body": html, "category": category, "dedupe_key": dedupe_key, "parts": parts or []})


def _store(fields: dict) -> Email | None:
    """Store one email from its Email fields and queue its delivery; None if its dedupe_key was used already."""
    try:
        with database.atomic():
            email = Email.create(**fields)
    except IntegrityError:
        return None
    deliver_email(email.id)
    return email


def send_many(messages: list[dict]) -> dict[str, int]:
    """Store many emails (Email fields, each with its dedupe_key) and queue their delivery as one job.

    A key already used sends nothing; returns each stored email's id by its key.
    """
    if not messages:
        return {}
    with database.atomic():
        now = utcnow()
        rows = [{"parts": [], "created_at": now, **message} for message in messages]
        # A key already taken is skipped by the insert; any other row refused (no address) fails it, on both
        # databases (SQLite's INSERT OR IGNORE would drop such a row without a word).
        insert = Email.insert_many(rows).on_conflict(action="nothing", conflict_target=[Email.dedupe_key])
        if is_postgres():
            # One round trip: the insert sends back the rows it stored, and nothing for a skipped key.
            stored = dict(insert.returning(Email.dedupe_key, Email.id).tuples().execute())
        else:
            # SQLite before 3.35 has no RETURNING: ids are read back by key, an earlier row left out by its time.
            insert.execute()
            stored = dict(Email.select(Email.dedupe_key, Email.id).where(
                Email.dedupe_key.in_([message["dedupe_key"] for message in messages]), Email.created_at == now
            ).tuples())
        if stored:
            deliver_emails(sorted(stored.values()))  # one job for the batch, queued when the transaction commits
    return stored


def send_in_batches(items: Sequence[T], build: Callable[[T], dict | None], size: int, progress=None) -> int:
    """An email for each item (`build` returns Email fields, or None for nobody to tell), stored `size` a transaction
    with one delivery job a batch; how many were stored. `progress(done, total)` is called before each batch.

    An email that cannot be built, or a row the database refuses, is logged and left out: the others still go, as
    when each email was stored on its own.
    """
    stored = 0
    for start in range(0, len(items), size):
        if progress is not None:
            progress(start, len(items))
        batch = []
        for item in items[start:start + size]:
            try:
                fields = build(item)
            except outage.DATABASE_DOWN:
                raise  # not this email's fault: the job waits for the database and runs again (portal/queue.py)
            except Exception:
                log.exception("An email of a bulk send could not be built; the others still go.")
                continue
            if fields is not None:
                batch.append(fields)
        stored += _store_batch(batch)
    return stored


def _store_batch(batch: list[dict]) -> int:
    try:
        return len(send_many(batch))
    except (DataError, IntegrityError):
        # A row refused (a key already used is skipped, not refused). A database that went away is not caught:
        # the job waits for it and runs again (portal/queue.py).
        if len(batch) == 1:
            log.exception("An email of a bulk send was refused by the database (%s).", batch[0]["dedupe_key"])
            return 0
        # The batch's transaction was rolled back whole: each on its own, so only the refused one stays out.
        return sum(_store_batch([fields]) for fields in batch)


def message(user, subject: str, template: str, *, category: str, dedupe_key=None, parts=None, **context):
    """`template`.txt and .html from templates/emails/ rendered for a user, as Email fields for `send_many`; None for
    a deleted account."""
    if getattr(user, "is_erased", False):
        # Jobs queued before a person was deleted (a session's cancellation) run after it: there is nobody to tell.
        return None
    context.setdefault("user", user)
    return {
        "to_address": user.email, "to_name": user.name, "subject": subject, "category": category,
        "dedupe_key": dedupe_key, "parts": parts or [],
        "text_body": render_template(f"emails/{template}.txt", **context),
        "html_body": render_template(f"emails/{template}.html", subject=subject, **context),
    }


def send_template(user, subject: str, template: str, *, category: str, dedupe_key=None, parts=None, **context):
    """Render `template`.txt and .html from templates/emails/ for a user and send them; nothing to a deleted account."""
    fields = message(user, subject, template, category=category, dedupe_key=dedupe_key, parts=parts, **context)
    return None if fields is None else _store(fields)


def retry(email_id: int, actor) -> bool:
    """Try a failed email again now; False if it is not failed (sent or under way since the page was drawn)."""
    with database.atomic():
        due = Email.update(next_attempt_at=utcnow()).where(Email.id == email_id, Email.status == "failed").execute()
        if due:
            audit.record(actor, "email.retry", f"email:{email_id}")
            deliver_email(email_id)  # queued when the transaction commits
    return bool(due)


def retry_all_failed(actor) -> int:
    """Try every failed email again now; returns how many."""
    with database.atomic():
        Email.update(next_attempt_at=utcnow()).where(Email.status == "failed").execute()
        ids = [email.id for email in Email.select(Email.id).where(Email.status == "failed").order_by(Email.id)]
        if ids:
            audit.record(actor, "email.retry_all", "outbox", count=len(ids))
        for email_id in ids:
            deliver_email(email_id)
    return len(ids)
