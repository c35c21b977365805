"""An email as admins read it in the outbox: as stored, but with every personal link's secret hidden, so the outbox
never hands anyone a working password-reset, agenda, feedback, survey or calendar-feed address."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from portal import redaction
from portal.models import Email


@dataclass(frozen=True)
class ShownPart:
    """An extra part (a calendar invite): its name, type and text."""

    name: str
    content: str


@dataclass(frozen=True)
class ShownEmail:
    text: str
    html: str
    parts: list[ShownPart]
    headers: dict  # an invitation's sender name ("on behalf of") and Reply-To, when it has them


def _unfolded(content: str) -> str:
    # iCalendar folds long lines (RFC 5545 3.1); a token split across a fold would escape the redaction.
    return content.replace("\r\n ", "").replace("\r\n\t", "").replace("\n ", "").replace("\n\t", "")


def shown(email: Email) -> ShownEmail:
    """The text, HTML and extra parts of a stored email with the secrets of its links replaced by "…"."""
    hide = redaction.for_app(current_app).text
    parts = [ShownPart(name=part.get("filename") or f"{part.get('maintype', 'text')}/{part.get('subtype', '')}",
                       content=hide(_unfolded(str(part.get("content", "")))))
             for part in email.parts or [] if part.get("kind") != "headers"]
    headers = next((part for part in email.parts or [] if part.get("kind") == "headers"), {})
    return ShownEmail(text=hide(email.text_body or ""), html=hide(email.html_body or ""), parts=parts,
                      headers={"from_name": headers.get("from_name", ""), "reply_to": headers.get("reply_to", "")})
