"""Microsoft 365 as the portal is set up for it, and Sign in with Microsoft.

The tenant and the application (client) id are admin settings; the client secret comes from the environment
variable `[microsoft] client_secret_env` names. Microsoft is on only when all three are there.
"""
from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass

from flask import current_app

from portal import audit
from portal import settings as portal_settings
from portal.models import Program, User, utcnow

# Signing in to the portal needs only who the person is: MSAL adds openid, profile and offline_access itself.
LOGIN_SCOPES = ("email",)
# Flows waiting for Microsoft's redirect, kept in the (signed) session; one key each so the two never mix.
CALENDAR_FLOW = "microsoft_calendar_flow"
LOGIN_FLOW = "microsoft_login_flow"


class SignInRefused(Exception):
    """Sign in with Microsoft did not give a portal account; the message says why, for the login page."""


@dataclass(frozen=True)
class MicrosoftSetup:
    tenant: str
    client_id: str
    client_secret: str
    authority: str  # https://login.microsoftonline.com/<tenant>
    graph_url: str


def secret_env() -> str:
    """The name of the environment variable holding the client secret."""
    return current_app.config["PORTAL"]["microsoft"]["client_secret_env"]


def secret_present() -> bool:
    return bool(os.environ.get(secret_env()))


def setup() -> MicrosoftSetup | None:
    """Microsoft 365 as configured now, or None when the tenant, the client id or the secret is missing."""
    program = Program.current()
    if program is None:
        return None
    tenant = portal_settings.get(program, "microsoft_tenant")
    client_id = portal_settings.get(program, "microsoft_client_id")
    secret = os.environ.get(secret_env(), "")
    if not (tenant and client_id and secret):
        return None
    config = current_app.config["PORTAL"]["microsoft"]
    return MicrosoftSetup(tenant, client_id, secret, f"{config['authority_host'].rstrip('/')}/{tenant}",
                          config["graph_url"])


def graph_auth(ms: MicrosoftSetup, *, scopes=None, cache: str | None = None):
    """A GraphAuth for this setup (MSAL asks the authority for its endpoints here: CalendarError if it cannot)."""
    from calendar_sync.graph_auth import SCOPES, GraphAuth

    return GraphAuth(ms.client_id, ms.client_secret, authority=ms.authority, scopes=scopes or SCOPES, cache=cache)


def start(ms: MicrosoftSetup, redirect_uri: str, *, scopes=None, login_hint: str | None = None) -> tuple[str, dict]:
    """Begin an auth-code flow: (the address to send the browser to, the flow to keep in the session)."""
    flow = graph_auth(ms, scopes=scopes).start(redirect_uri, login_hint=login_hint)
    # The session is a cookie: keep what finishing needs, not the long sign-in address.
    return flow["auth_uri"], {key: value for key, value in flow.items() if key != "auth_uri"}


def start_sign_in(redirect_uri: str) -> tuple[str, dict]:
    """Begin Sign in with Microsoft; SignInRefused when it is off or Microsoft cannot be reached."""
    from calendar_sync.errors import CalendarError

    ms = setup()
    if ms is None:
        raise SignInRefused("Sign in with Microsoft is not set up for this portal. Log in with your password.")
    try:
        return start(ms, redirect_uri, scopes=LOGIN_SCOPES)
    except CalendarError as error:
        raise SignInRefused(error.message) from error


def sign_in(flow: dict | None, params) -> User:
    """The active account whose email the Microsoft sign-in vouches for (no account is created). Audited."""
    from calendar_sync.errors import CalendarError

    ms = setup()
    if ms is None:
        raise SignInRefused("Sign in with Microsoft is not set up for this portal. Log in with your password.")
    if not flow:
        raise SignInRefused("That Microsoft sign-in did not start here, or was already used. Please try again.")
    try:
        auth = graph_auth(ms, scopes=LOGIN_SCOPES)
        signed_in = auth.finish(flow, params)
    except CalendarError as error:
        raise SignInRefused(error.message) from error
    addresses = {a.strip().lower() for a in (signed_in.username, *_id_token_emails(auth)) if a and a.strip()}
    user = User.get_or_none(User.email.in_(sorted(addresses))) if addresses else None
    if user is None or not user.active:
        shown = signed_in.username or "that Microsoft account"
        raise SignInRefused(f"No active account here uses {shown}. Log in with your password, or ask the "
                            "programme team to invite that address.")
    user.last_login_at = utcnow()
    user.save(only=[User.last_login_at])
    audit.record(user, "account.login", f"user:{user.id}", method="microsoft")
    return user


def _id_token_emails(auth) -> list[str]:
    """The `email` claims of the ID tokens MSAL just checked and cached (preferred_username is the username)."""
    found = []
    for entry in auth.cache.search(auth.cache.CredentialType.ID_TOKEN):
        try:
            payload = entry["secret"].split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (IndexError, KeyError, ValueError):
            continue
        if isinstance(claims.get("email"), str):
            found.append(claims["email"])
    return found
