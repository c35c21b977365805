"""Signed, expiring tokens for links in emails and invites."""
from __future__ import annotations

from flask import current_app
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class LinkInvalid(Exception):
    """The link was tampered with or belongs to something else."""


class LinkExpired(LinkInvalid):
    """The link was genuine but is too old."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # The purpose is the salt: a token made for one kind of link never opens another.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal.{purpose}")


def make_token(purpose: str, payload) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age_seconds: int):
    """The payload of a token, or LinkExpired / LinkInvalid."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as error:
        raise LinkExpired(str(error)) from error
    except BadSignature as error:
        raise LinkInvalid(str(error)) from error


def absolute_url(endpoint: str, **values) -> str:
    """A full address for emails and invites, from the configured base URL (not the request's Host)."""
    from flask import url_for

    base = current_app.config["PORTAL"]["server"]["base_url"].rstrip("/")
    return base + url_for(endpoint, **values)


def opened_by_someone_else(person) -> bool:
    """A personal link opened while another account is logged in, an admin's included.

    Such a link is refused: what it shows (answers, private notes) is that person's alone, and what is sent from it
    must never land on the wrong person. Without a login the link itself is the key, as the email it came in is.
    """
    return current_user.is_authenticated and current_user.id != person.id
