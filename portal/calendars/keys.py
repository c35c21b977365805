"""The key that encrypts stored calendar credentials: encrypt, decrypt, and move stored ones to a new key.

A rotation (README, "Changing the calendar key"): the old secret moves to CALENDAR_SECRET_PREVIOUS and a new one
takes its place. A credential still under the old key is stored again under the new one when it is next used, and
`flask --app portal rotate-calendar-key` does it for every connection at once, so the old secret can then go.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from flask import current_app

from calendar_sync import crypto
from calendar_sync.errors import CredentialUnreadable
from portal import audit
from portal.config import calendar_secret
from portal.db import database
from portal.models import CalendarConnection

BATCH = 200  # connections read and re-encrypted per transaction


def environ() -> dict:
    """What calendar_sync.crypto reads its key from: the configured secret (and a previous one while rotating)."""
    values = {crypto.SECRET_VARIABLE: calendar_secret(current_app.config["PORTAL"])}
    if os.environ.get(crypto.PREVIOUS_VARIABLE):
        values[crypto.PREVIOUS_VARIABLE] = os.environ[crypto.PREVIOUS_VARIABLE]
    return values


def encrypt(text: str) -> str:
    """A credential encrypted under the current key, for storage."""
    return crypto.encrypt(text, environ=environ())


def decrypt(token: str) -> str:
    """A stored credential in the clear; CredentialUnreadable when neither key opens it."""
    return crypto.decrypt(token, environ=environ())


def open_secret(connection: CalendarConnection) -> str:
    """The connection's password or token cache in the clear, stored again under the current key if an older key
    encrypted it, so a rotation finishes by itself as people's calendars are used."""
    keys = environ()
    text = crypto.decrypt(connection.secret, environ=keys)
    if not crypto.is_current(connection.secret, environ=keys):
        with database.atomic():
            if _replace(connection, crypto.reencrypt(connection.secret, environ=keys)):
                audit.record(None, "calendar.key_rotated", f"user:{connection.user_id}", connections=1)
    return text


def _replace(connection: CalendarConnection, secret: str) -> bool:
    """Store `secret` in place of the one read; False when another worker changed it first (a refreshed token,
    a new connection), which then stands."""
    changed = (CalendarConnection.update(secret=secret)
               .where(CalendarConnection.id == connection.id, CalendarConnection.secret == connection.secret)
               .execute())
    if changed:
        connection.secret = secret
    return bool(changed)


@dataclass
class Rotation:
    """What a rotation did: connections re-encrypted, already under the current key, and the people whose stored
    credential no key opens (they must connect again)."""

    rotated: int = 0
    current: int = 0
    unreadable: list[int] = field(default_factory=list)


def rotate_stored_credentials(batch: int = BATCH) -> Rotation:
    """Re-encrypt every stored calendar credential that an older key encrypted; audited once."""
    keys, done, last = environ(), Rotation(), 0
    while True:
        with database.atomic():
            rows = list(CalendarConnection.select().where(CalendarConnection.id > last)
                        .order_by(CalendarConnection.id).limit(batch))
            for connection in rows:
                if crypto.is_current(connection.secret, environ=keys):
                    done.current += 1
                    continue
                try:
                    fresh = crypto.reencrypt(connection.secret, environ=keys)
                except CredentialUnreadable:
                    done.unreadable.append(connection.user_id)
                    continue
                if _replace(connection, fresh):
                    done.rotated += 1
                else:  # changed meanwhile, so written under the current key
                    done.current += 1
        if len(rows) < batch:
            break
        last = rows[-1].id
    with database.atomic():
        audit.record(None, "calendar.key_rotated", "calendar_connections", connections=done.rotated,
                     unreadable=len(done.unreadable))
    return done
