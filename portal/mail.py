"""Outgoing email: every message is stored first, then delivered by a job."""
from __future__ import annotations

import smtplib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app, render_template
from peewee import IntegrityError

from portal.db import database
from portal.models import Email, utcnow


class EmailMissing(Exception):
    """The job ran before the transaction that stored the email committed; huey retries it."""


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
    from portal import jobs

    jobs.deliver_email(email.id)
    return email


def send_template(user, subject: str, template: str, *, category: str, dedupe_key=None, parts=None, **context):
    """Render `template`.txt and .html from templates/emails/ for a user and send them."""
    context.setdefault("user", user)
    text = render_template(f"emails/{template}.txt", **context)
    html = render_template(f"emails/{template}.html", subject=subject, **context)
    return send(
        user.email, subject, text, html, to_name=user.name, category=category, dedupe_key=dedupe_key, parts=parts
    )


def deliver(email_id: int) -> None:
    """Deliver one stored email through the configured transport; safe to call again."""
    email = Email.get_or_none(Email.id == email_id)
    if email is None:
        raise EmailMissing(email_id)
    if email.status in ("sent", "stored"):
        return
    config = current_app.config["PORTAL"]["mail"]
    if config["transport"] == "outbox":
        email.status, email.sent_at = "stored", utcnow()
        email.save()
        return
    email.attempts += 1
    try:
        _send_smtp(build_message(email, config["sender"]), config)
    except (OSError, smtplib.SMTPException) as error:
        email.status, email.last_error = "failed", f"{type(error).__name__}: {error}"
        email.save()
        raise
    email.status, email.sent_at, email.last_error = "sent", utcnow(), None
    email.save()


def build_message(email: Email, sender: str) -> EmailMessage:
    """The MIME message: plain text, HTML alternative, and any extra parts (calendar invites)."""
    msg = EmailMessage()
    msg["Subject"] = email.subject
    msg["From"] = sender
    msg["To"] = Address(display_name=email.to_name, addr_spec=email.to_address) if email.to_name else email.to_address
    msg["Date"] = formatdate(localtime=False)
    # A stable Message-ID lets mail clients drop a copy delivered twice after a retry.
    domain = parseaddr(sender)[1].rpartition("@")[2] or "portal.local"
    msg["Message-ID"] = make_msgid(idstring=f"email-{email.id}", domain=domain)
    msg.set_content(email.text_body)
    if email.html_body:
        msg.add_alternative(email.html_body, subtype="html")
    for part in email.parts:
        if part.get("kind") == "alternative":
            msg.add_alternative(part["content"], subtype=part["subtype"], params=part.get("params", {}))
    for part in email.parts:
        if part.get("kind") == "attachment":
            msg.add_attachment(
                part["content"].encode(),
                maintype=part.get("maintype", "application"),
                subtype=part["subtype"],
                filename=part["filename"],
                params=part.get("params", {}),
            )
    return msg


def _send_smtp(message: EmailMessage, config: dict) -> None:
    import os

    with smtplib.SMTP(config["smtp_host"], int(config["smtp_port"]), timeout=20) as smtp:
        if config.get("smtp_starttls"):
            smtp.starttls()
        if config.get("smtp_username"):
            smtp.login(config["smtp_username"], os.environ.get(config["smtp_password_env"], ""))
        smtp.send_message(message)
