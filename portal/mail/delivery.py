"""Delivering a stored email: to the outbox (demo) or through SMTP; safe to run again."""
from __future__ import annotations

import logging
import os
import smtplib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app

from portal.models import Email, utcnow

log = logging.getLogger(__name__)


def deliver(email_id: int) -> None:
    """Deliver one stored email through the configured transport; safe to call again."""
    email = Email.get_or_none(Email.id == email_id)
    if email is None:
        # Jobs are queued only once the email's transaction commits, so a missing row was deleted since: nothing to do.
        log.warning("Email %s is no longer stored; nothing delivered.", email_id)
        return
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
    with smtplib.SMTP(config["smtp_host"], int(config["smtp_port"]), timeout=20) as smtp:
        if config.get("smtp_starttls"):
            smtp.starttls()
        if config.get("smtp_username"):
            smtp.login(config["smtp_username"], os.environ.get(config["smtp_password_env"], ""))
        smtp.send_message(message)
