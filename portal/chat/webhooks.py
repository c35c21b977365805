"""Posting to a chat channel's incoming webhook, in the shapes Slack and Microsoft Teams document.

Slack takes `{"text": ..., "blocks": [...]}` (Block Kit); a Teams channel's workflow ("Post to a channel when a
webhook request is received") takes a message whose attachment is an Adaptive Card. The address is the secret: it
never appears in an error, a log line or a page.
"""
from __future__ import annotations

import email.utils
import json
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

CHANNELS = {"slack": "Slack", "teams": "Microsoft Teams"}
TIMEOUT_SECONDS = 10.0
LONGEST_RETRY_AFTER = 3600.0


@dataclass(frozen=True)
class Message:
    """What an announcement says, whichever channel shows it."""

    title: str
    text: str
    link: str = ""
    link_label: str = ""


class ChannelDown(Exception):
    """The channel did not take the post this time (server error, throttled, unreachable): try again later, after
    `retry_after` seconds when the server said so."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class ChannelRefused(Exception):
    """The channel refused the post for good (a removed webhook, a wrong address): trying again would not help."""


def _slack_escaped(text: str) -> str:
    # Slack's mrkdwn reads &, < and > as markup.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(message: Message) -> dict:
    """Block Kit: a header, the text, and a button to the link; `text` is the notification's fallback."""
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": message.title[:150], "emoji": False}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escaped(message.text)}},
    ]
    if message.link:
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": message.link_label or message.link},
             "url": message.link},
        ]})
    fallback = f"{message.title}: {message.text}" + (f" {message.link}" if message.link else "")
    return {"text": fallback, "blocks": blocks}


def teams_payload(message: Message) -> dict:
    """A message with one Adaptive Card attachment, as a Teams workflow webhook takes it."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": message.title, "weight": "Bolder", "size": "Medium", "wrap": True},
            {"type": "TextBlock", "text": message.text, "wrap": True},
        ],
    }
    if message.link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": message.link_label or message.link,
                            "url": message.link}]
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card},
    ]}


PAYLOADS = {"slack": slack_payload, "teams": teams_payload}


def payload(channel: str, message: Message) -> dict:
    return PAYLOADS[channel](message)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A webhook answers where it is; following a redirect would send the post somewhere nobody configured.
    def redirect_request(self, *args, **kwargs):
        return None


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date), kept between 1 s and an hour; None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(LONGEST_RETRY_AFTER, max(1.0, seconds))


def post(url: str, body: dict, timeout: float = TIMEOUT_SECONDS) -> None:
    """POST `body` as JSON to the webhook; ChannelDown or ChannelRefused when it is not taken."""
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "mentoring-portal"})
    # Certificates are always verified against the system's authorities.
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=ssl.create_default_context()),
                                         _NoRedirects)
    try:
        with opener.open(request, timeout=timeout) as answer:
            answer.read(1024)
    except urllib.error.HTTPError as error:
        status = error.code
        error.close()
        if status == 429:
            raise ChannelDown("The channel asked us to slow down (429).",
                              retry_after(error.headers.get("Retry-After"))) from None
        if status >= 500:
            raise ChannelDown(f"The channel's server failed ({status}).",
                              retry_after(error.headers.get("Retry-After"))) from None
        raise ChannelRefused(f"The channel refused the message ({status}); check the webhook address.") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise ChannelDown("The channel's certificate could not be verified.") from None
        if isinstance(reason, TimeoutError) or isinstance(error, TimeoutError):
            raise ChannelDown("The channel did not answer in time.") from None
        if isinstance(reason, ConnectionRefusedError):
            raise ChannelDown("The channel's server refused the connection.") from None
        raise ChannelDown("The channel could not be reached.") from None
