"""Delivering a stored email: claim it, send it through SMTP (or keep it in the outbox), record the outcome.

One sender at a time: an attempt first claims the row with a compare-and-set UPDATE, so two workers, or the sweep
racing a retry, cannot both send it. The row says "sent" as soon as the server has accepted the message, before
QUIT, and if the database is away at that moment a job of its own records it later rather than sending again. SMTP has no transactions, though: a worker that dies between the server's "250" and that
write leaves a claim that goes stale, and the sweep sends the email again. That copy carries the same Message-ID, so
mail clients can drop it; nothing stronger can be promised over SMTP.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import smtplib
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from flask import current_app

from portal.models import Email, utcnow

log = logging.getLogger(__name__)

# Pauses between attempts at a failed email: 30 seconds, doubling, never more than an hour.
FIRST_PAUSE = dt.timedelta(seconds=30)
LONGEST_PAUSE = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Rules:
    """How long an email may sit queued or sending before it is taken up again, and how long failures are retried."""

    stuck_after: dt.timedelta
    retry_for: dt.timedelta


def rules() -> Rules:
    """The app's `[mail]` retry rules."""
    config = current_app.config["PORTAL"]["mail"]
    return Rules(dt.timedelta(minutes=config["stuck_after_minutes"]), dt.timedelta(hours=config["retry_for_hours"]))


def deliver(email_id: int, session: Session | None = None) -> dt.datetime | None:
    """Deliver one stored email unless it is sent, under way elsewhere or not due; returns when to try again, if so.

    A batch passes its `session`, kept open for its next email; alone, the email opens one and closes it after.
    """
    if not Email.select().where(Email.id == email_id).exists():
        # Jobs are queued only once the email's transaction commits, so a missing row was deleted since: nothing to do.
        log.warning("Email %s is no longer stored; nothing delivered.", email_id)
        return None
    config = current_app.config["PORTAL"]["mail"]
    if config["transport"] == "outbox":
        keep_in_outbox(email_id)
        return None
    claim = claim_email(email_id)
    if claim is None:
        return None
    email = Email.get_by_id(email_id)
    own = session is None
    session = Session(config) if own else session
    try:
        session.send(build_message(email, config["sender"]))
    except Exception as error:
        retry_at = record_failure(email, claim, error)
        if not isinstance(error, (OSError, smtplib.SMTPException)):
            raise  # a bug, not the mail server: loud in the worker's log, and retried like any failure
        log.warning("Email %s not delivered (attempt %s): %s; next attempt %s.",
                    email_id, email.attempts, error, retry_at or "by an admin")
        return retry_at
    try:
        record_sent(email_id, claim)
    except Exception as error:
        raise SentNotRecorded(email_id, claim) from error
    finally:
        if own:
            session.close()
    return None


class SentNotRecorded(Exception):
    """The server accepted the email but the row could not say so (the database went away): record it later."""

    def __init__(self, email_id: int, claim: str):
        super().__init__(f"email {email_id} was sent but could not be recorded as sent")
        self.email_id = email_id
        self.claim = claim


def claim_email(email_id: int, now: dt.datetime | None = None) -> str | None:
    """Take the email for one attempt if it is queued, failed and due, or abandoned by a stopped worker; else None."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    takeable = (
        (Email.status == "queued")
        | ((Email.status == "failed") & (Email.next_attempt_at <= now))
        | ((Email.status == "sending") & (Email.claimed_at < now - rules().stuck_after))
    )
    # One UPDATE decides: whoever changes the row holds the claim; a second contender matches no row.
    taken = (
        Email.update(status="sending", claim=token, claimed_at=now, attempts=Email.attempts + 1)
        .where(Email.id == email_id, takeable)
        .execute()
    )
    return token if taken else None


def record_sent(email_id: int, claim: str) -> None:
    """Mark the email sent: whoever holds the claim now, the message has left."""
    done = {"status": "sent", "sent_at": utcnow(), "last_error": None, "claim": None, "claimed_at": None,
            "next_attempt_at": None}
    if Email.update(**done).where(Email.id == email_id, Email.claim == claim).execute():
        return
    # This attempt took so long that its claim went stale and was taken over: another copy may be on its way,
    # with the same Message-ID. Recording "sent" still stops any further attempt.
    log.warning("Email %s was sent after its claim had been taken over; a second copy may follow.", email_id)
    Email.update(**done).where(Email.id == email_id).execute()


def record_failure(email: Email, claim: str, error: Exception) -> dt.datetime | None:
    """Mark the email failed with the error and its next attempt (none once it is too old); returns that time."""
    now = utcnow()
    retry_at = next_attempt(email.attempts, email.created_at, now, rules())
    (
        Email.update(status="failed", last_error=f"{type(error).__name__}: {error}", claim=None, claimed_at=None,
                     next_attempt_at=retry_at)
        .where(Email.id == email.id, Email.claim == claim)
        .execute()
    )
    return retry_at


def next_attempt(attempts: int, created_at: dt.datetime, now: dt.datetime, rules: Rules) -> dt.datetime | None:
    """When to try again after `attempts` failures: a doubling pause, or None once past the email's retry window."""
    pause = min(FIRST_PAUSE * 2 ** min(max(attempts - 1, 0), 10), LONGEST_PAUSE)
    return now + pause if now + pause <= created_at + rules.retry_for else None


def keep_in_outbox(email_id: int) -> None:
    """Delivery is off (transport "outbox"): the stored email is all there is."""
    (
        Email.update(status="stored", sent_at=utcnow(), claim=None, claimed_at=None, next_attempt_at=None)
        .where(Email.id == email_id, Email.status.in_(("queued", "failed")))
        .execute()
    )


def message_id(email: Email, sender: str) -> str:
    """The same Message-ID on every attempt, so a client can drop a second copy; the creation time keeps it unique."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "portal.local"
    return f"<portal-email.{email.id}.{email.created_at:%Y%m%d%H%M%S%f}@{domain}>"


def build_message(email: Email, sender: str) -> EmailMessage:
    """The MIME message: plain text, HTML alternative, and any extra parts (calendar invites)."""
    msg = EmailMessage()
    msg["Subject"] = email.subject
    msg["From"] = sender
    msg["To"] = Address(display_name=email.to_name, addr_spec=email.to_address) if email.to_name else email.to_address
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id(email, sender)
    for part in email.parts:
        if part.get("kind") == "headers":
            # An invitation from an executive: their name on the portal's own address, and replies to them.
            if part.get("from_name"):
                msg.replace_header("From", Address(display_name=part["from_name"], addr_spec=parseaddr(sender)[1]))
            if part.get("reply_to"):
                msg["Reply-To"] = part["reply_to"]
    msg.set_content(email.text_body)
    if email.html_body:
        msg.add_alternative(email.html_body, subtype="html")
    for part in email.parts:
        if part.get("kind") == "alternative":
            msg.add_alternative(part["content"], subtype=part["subtype"], params=part.get("params", {}))
    for part in email.parts:
        if part.get("kind") == "attachment":
            maintype = part.get("maintype", "application")
            params = dict(part.get("params", {}))
            if maintype == "text":
                # The bytes are UTF-8: without the charset, clients read names like "Zoë" as Latin-1 mojibake.
                params.setdefault("charset", "utf-8")
            msg.add_attachment(
                part["content"].encode(), maintype=maintype, subtype=part["subtype"], filename=part["filename"],
                params=params,
            )
    return msg


class Session:
    """One SMTP session for a batch of emails: opened for the first, kept for the next, opened again after a failure.

    A session per email made a bulk send (a survey to 15,000 people) as many connections, TLS handshakes and logins,
    and relays throttle or refuse senders that open that many.
    """

    # Some relays end a session after so many messages; a new one is opened before that.
    MESSAGES = 100

    def __init__(self, config: dict):
        self.config = config
        self.smtp: smtplib.SMTP | None = None
        self.sent = 0

    def send(self, message: EmailMessage) -> None:
        """Hand the message to the server; the session stays open so the email is recorded sent before QUIT."""
        if self.smtp is not None and self.sent >= self.MESSAGES:
            self.close()
        elif self.smtp is not None and not self._alive():
            self._drop()
        try:
            if self.smtp is None:
                self.smtp = _open(self.config)
            self.smtp.send_message(message)
        except BaseException:
            self._drop()
            raise
        self.sent += 1

    def close(self) -> None:
        """QUIT, after the emails are recorded: the server has accepted them, so a slow or failed goodbye changes
        nothing."""
        if self.smtp is not None:
            _say_goodbye(self.smtp)
        self.smtp, self.sent = None, 0

    def _alive(self) -> bool:
        """Whether the kept session still answers. Asked before a message rather than sending it again after a
        failure: a failure while sending cannot say whether the server took the message."""
        try:
            return self.smtp.noop()[0] == 250
        except (OSError, smtplib.SMTPException):
            return False

    def _drop(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
        self.smtp, self.sent = None, 0


def _open(config: dict) -> smtplib.SMTP:
    """A new session with the server: connected, encrypted and signed in as configured."""
    smtp = smtplib.SMTP(config["smtp_host"], int(config["smtp_port"]), timeout=20)
    try:
        if config.get("smtp_starttls"):
            smtp.starttls()
        if config.get("smtp_username"):
            smtp.login(config["smtp_username"], os.environ.get(config["smtp_password_env"], ""))
    except BaseException:
        smtp.close()
        raise
    return smtp


def _say_goodbye(smtp: smtplib.SMTP) -> None:
    """QUIT, after the email is recorded: the server has accepted it, so a slow or failed goodbye changes nothing."""
    # Waiting for QUIT's answer before recording would leave a window where a worker killed (or a server that
    # never answers QUIT) makes the sweep send a second copy of a message already delivered.
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
