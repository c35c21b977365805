"""Emails about an account: the reset link, the link that confirms a new address, a registration for a taken one."""
from __future__ import annotations

import datetime as dt

from flask import current_app

from portal import links, mail
from portal.models import ResetRequest, User, utcnow

RESET_PURPOSE = "password-reset"
CONFIRM_PURPOSE = "confirm-email"


def _security() -> dict:
    return current_app.config["PORTAL"]["security"]


def reset_window() -> dt.timedelta:
    return dt.timedelta(minutes=int(_security().get("reset_window_minutes", 60)))


def reset_token(user: User) -> str:
    # Part of the current hash is signed in, so the link stops working once the password changes.
    return links.make_token(RESET_PURPOSE, {"u": user.id, "p": user.password_hash[-12:]})


def confirm_token(user: User) -> str:
    return links.make_token(CONFIRM_PURPOSE, {"u": user.id, "v": user.session_version})


def within_reset_limits(request: ResetRequest) -> bool:
    """Whether this request is among the first few of its address and of its network address in the window."""
    security = _security()
    earlier = (ResetRequest.id <= request.id) & (ResetRequest.at > request.at - reset_window())
    by_address = ResetRequest.select().where(earlier, ResetRequest.email == request.email).count()
    by_network = ResetRequest.select().where(earlier, ResetRequest.ip == request.ip).count()
    return (by_address <= int(security.get("reset_max_per_address", 3))
            and by_network <= int(security.get("reset_max_per_network", 20)))


def send_reset_link(request_id: int) -> None:
    """Email the reset link a stored request asked for, if the address has an active account and is within limits."""
    request = ResetRequest.get_or_none(ResetRequest.id == request_id)
    if request is None or not within_reset_limits(request):
        return
    user = User.get_or_none(User.email == request.email)
    if not user or not user.active:
        return
    minutes = int(_security()["reset_link_minutes"])
    url = links.absolute_url("accounts.reset_password", token=reset_token(user))
    # Ids of cleared-away requests come round again; with the time the key is this request's alone.
    mail.send_template(
        user, "Reset your password", "password_reset", category="account",
        dedupe_key=f"password-reset:{request.id}:{request.at.isoformat()}", url=url, minutes=minutes,
    )


def send_confirmation(user: User, *, again: bool = False) -> None:
    """Email a new account the link that confirms its address and logs it in (`again`: it registered once more
    before confirming, so it gets the link again, at most once an hour, and not "you already have an account",
    which would send it to a login that waits for this very link)."""
    hours = int(_security().get("confirm_link_hours", 72))
    url = links.absolute_url("accounts.confirm_email", token=confirm_token(user))
    key = f"register-confirm-again:{user.id}:{utcnow().strftime('%Y%m%d%H')}" if again else None
    mail.send_template(user, "Confirm your email address", "register_confirm", category="account", url=url,
                       hours=hours, again=again, dedupe_key=key)


def send_registration_attempt(user: User) -> None:
    """Tell an account's owner that someone tried to register with their address (at most once an hour)."""
    hour = utcnow().strftime("%Y%m%d%H")
    mail.send_template(
        user, "You already have an account", "register_exists", category="account",
        dedupe_key=f"register-exists:{user.id}:{hour}",
        login_url=links.absolute_url("accounts.login"), reset_url=links.absolute_url("accounts.forgot_password"),
    )
