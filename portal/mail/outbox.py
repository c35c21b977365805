"""Outgoing email: every message is stored first, then delivered by a job."""
from __future__ import annotations

from flask import render_template
from peewee import IntegrityError

from portal.db import database
from portal.mail.tasks import deliver_email
from portal.models import Email


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
    try:
        with database.atomic():
            email = Email.create(
                to_address=to_address,
                to_name=to_name,
                subject=subject,
                text_body=text,
                html_body=html,
                category=category,
                dedupe_key=dedupe_key,
                parts=parts or [],
            )
    except IntegrityError:
        return None
    deliver_email(email.id)
    return email


def send_template(user, subject: str, template: str, *, category: str, dedupe_key=None, parts=None, **context):
    """Render `template`.txt and .html from templates/emails/ for a user and send them."""
    context.setdefault("user", user)
    text = render_template(f"emails/{template}.txt", **context)
    html = render_template(f"emails/{template}.html", subject=subject, **context)
    return send(
        user.email, subject, text, html, to_name=user.name, category=category, dedupe_key=dedupe_key, parts=parts
    )
