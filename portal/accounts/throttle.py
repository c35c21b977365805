"""Failed-login throttling, counted in the database so every worker agrees.

The policy (README "Security"): slow guessing down without letting anyone lock out someone else.
- One browser or network address guessing one account: after `login_max_failures` failures inside the window, that
  pair waits for the window to pass. Nobody else is affected.
- One account guessed from everywhere, or one network address guessing many accounts: past a free allowance, each
  further attempt waits a delay that doubles with every failure, up to `login_max_delay_seconds`. A browser the
  account has logged in from before (it holds a signed known-device cookie for it) is exempt from both, so an
  attacker can neither lock the owner out nor block a whole office behind one NAT address.
"""
from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass

from flask import current_app

from portal import links
from portal.models import LoginAttempt, utcnow

DEVICE_COOKIE = "portal_device"
DEVICE_PURPOSE = "known-device"


@dataclass(frozen=True)
class Wait:
    """How long before the next attempt is heard, and what to tell the person."""

    seconds: int
    message: str


def _security() -> dict:
    return current_app.config["PORTAL"]["security"]


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=int(_security()["login_window_minutes"]))


def device_token(email: str) -> str:
    """A new known-device cookie value for a browser that just logged in to this account."""
    return links.make_token(DEVICE_PURPOSE, {"e": email, "d": secrets.token_urlsafe(12)})


def device_max_age() -> int:
    return int(_security().get("known_device_days", 180)) * 86400


def known_device(token: str | None, email: str) -> str:
    """The browser's device id if its known-device cookie is genuine and for this account, else ""."""
    if not token:
        return ""
    try:
        payload = links.read_token(DEVICE_PURPOSE, token, device_max_age())
    except links.LinkInvalid:
        return ""
    if not isinstance(payload, dict) or payload.get("e") != email or not isinstance(payload.get("d"), str):
        return ""
    return payload["d"]


def _recent(condition, limit: int) -> list[dt.datetime]:
    """Times of the newest `limit` failures matching the condition inside the window, newest first."""
    rows = (
        LoginAttempt.select(LoginAttempt.at)
        .where(condition, LoginAttempt.at > utcnow() - _window())
        .order_by(LoginAttempt.at.desc())
        .limit(limit)
    )
    return [row.at for row in rows]


def _count(condition) -> int:
    return LoginAttempt.select().where(condition, LoginAttempt.at > utcnow() - _window()).count()


def _backoff(condition, free: int) -> float:
    """Seconds still to wait after the last failure, once more than `free` failures match; 0 if none."""
    failures = _count(condition)
    if failures < free:
        return 0
    cap = int(_security().get("login_max_delay_seconds", 60))
    delay = min(cap, 2 ** min(failures - free, 30))
    last = _recent(condition, 1)[0]
    return (last + dt.timedelta(seconds=delay) - utcnow()).total_seconds()


def wait_before_login(email: str, ip: str, device: str = "") -> Wait | None:
    """Whether this attempt must wait (and how long), or None if it is heard now."""
    security = _security()
    max_failures = int(security["login_max_failures"])
    pair = (LoginAttempt.email == email) & (
        (LoginAttempt.device == device) if device else ((LoginAttempt.ip == ip) & (LoginAttempt.device == ""))
    )
    times = _recent(pair, max_failures)
    if len(times) >= max_failures:
        # Blocked until the oldest of the last `max_failures` failures leaves the window.
        minutes = math.ceil((times[-1] + _window() - utcnow()).total_seconds() / 60)
        if minutes > 0:
            return Wait(minutes * 60, f"Too many failed attempts. Try again in {minutes} minute"
                                      f"{'s' if minutes != 1 else ''}, or reset your password.")
    if device:
        return None
    unknown = LoginAttempt.device == ""
    for condition, free, whose in (
        (LoginAttempt.email == email, int(security.get("login_account_free_failures", 10)), "on this account"),
        (LoginAttempt.ip == ip, int(security.get("login_address_free_failures", 100)), "from your network"),
    ):
        seconds = math.ceil(_backoff(condition & unknown, free))
        if seconds > 0:
            return Wait(seconds, f"Too many failed attempts {whose}. Wait {seconds} second"
                                 f"{'s' if seconds != 1 else ''} and try again, or reset your password.")
    return None


def note_failure(email: str, ip: str, device: str = "") -> None:
    LoginAttempt.create(email=email, ip=ip, device=device)


def forget(email: str) -> None:
    """A successful login (or a new password) clears the account's count."""
    LoginAttempt.delete().where(LoginAttempt.email == email).execute()
