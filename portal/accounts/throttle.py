"""Failed-login throttling, counted in the database so every worker agrees."""
from __future__ import annotations

import datetime as dt
import math

from flask import current_app

from portal.models import LoginAttempt, utcnow


def _limits() -> tuple[int, dt.timedelta]:
    security = current_app.config["PORTAL"]["security"]
    return int(security["login_max_failures"]), dt.timedelta(minutes=int(security["login_window_minutes"]))


def minutes_blocked(email: str, ip: str) -> int:
    """How many minutes until this address (or this network address) may try again; 0 if it may now."""
    max_failures, window = _limits()
    since = utcnow() - window
    waits = []
    for condition, limit in (
        (LoginAttempt.email == email, max_failures),
        # A wider limit per network address stops one machine spraying many accounts.
        (LoginAttempt.ip == ip, max_failures * 10),
    ):
        recent = (
            LoginAttempt.select(LoginAttempt.at)
            .where(condition, LoginAttempt.at > since)
            .order_by(LoginAttempt.at.desc())
            .limit(limit)
        )
        times = [row.at for row in recent]
        if len(times) >= limit:
            # Blocked until the oldest of the last `limit` failures leaves the window.
            waits.append((times[-1] + window - utcnow()).total_seconds())
    return math.ceil(max(waits) / 60) if waits else 0


def note_failure(email: str, ip: str) -> None:
    LoginAttempt.create(email=email, ip=ip)


def forget(email: str) -> None:
    """A successful login clears the address's count."""
    LoginAttempt.delete().where(LoginAttempt.email == email).execute()
