"""The channels' webhook addresses: secrets, stored encrypted in the programme's settings under the key that also
encrypts calendar credentials, read back only to post, and shown to admins only as their host and last characters."""
from __future__ import annotations

from urllib.parse import urlparse

from calendar_sync import crypto
from calendar_sync.errors import CredentialUnreadable
from portal import settings
from portal.calendars import keys
from portal.chat.webhooks import CHANNELS
from portal.models import Program

SETTING_KEYS = {"slack": "slack_webhook_url", "teams": "teams_webhook_url"}
MARK = "…"


def url_of(program: Program, channel: str) -> str:
    """The channel's webhook address in the clear; empty when none is set or the key no longer opens it."""
    stored = settings.get(program, SETTING_KEYS[channel])
    if not stored:
        return ""
    try:
        url = keys.decrypt(stored)
    except CredentialUnreadable:
        return ""
    if not crypto.is_current(stored, environ=keys.environ()):
        # Stored under the previous key: stored again under the current one, so a key change finishes by itself.
        settings.set(program, SETTING_KEYS[channel], keys.encrypt(url), None)
    return url


def configured(program: Program) -> dict[str, str]:
    """Each channel that has a readable address, with it."""
    found = {channel: url_of(program, channel) for channel in CHANNELS}
    return {channel: url for channel, url in found.items() if url}


def shown(url: str) -> str:
    """The address as an admin sees it once saved: its host and its last four characters."""
    host = urlparse(url).hostname or ""
    return f"https://{host}/{MARK}{url[-4:]}" if len(url) > 12 else f"https://{host}/{MARK}"


def status(program: Program) -> list[dict]:
    """For the settings page: each channel, its shown address, or that it is not set, or that it cannot be read."""
    rows = []
    for channel, label in CHANNELS.items():
        stored = settings.get(program, SETTING_KEYS[channel])
        url = url_of(program, channel)
        rows.append({"channel": channel, "label": label, "shown": shown(url) if url else "",
                     "unreadable": bool(stored) and not url})
    return rows


def save(program: Program, changes: dict[str, str], actor) -> list[str]:
    """Store new addresses (an empty one removes the channel), encrypted, in one transaction; the channels changed.
    The audit log gets the encrypted values, never an address."""
    values = {}
    for channel, url in changes.items():
        key = SETTING_KEYS[channel]
        # Each encryption differs, so the same address typed again is left as it is rather than counted as a change.
        if (url and url == url_of(program, channel)) or (not url and not settings.get(program, key)):
            continue
        values[key] = keys.encrypt(url) if url else ""
    changed = settings.save(program, values, actor)
    return [channel for channel, key in SETTING_KEYS.items() if key in changed]
