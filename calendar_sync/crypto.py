"""Encryption of stored calendar credentials (CalDAV passwords, MSAL token caches) with Fernet.

The key comes from the environment: CALENDAR_SECRET holds a long random string, for instance from
`python -c "import secrets; print(secrets.token_urlsafe(32))"`. It is not used as the key itself: HKDF-SHA256
derives the 32-byte Fernet key from it (with a fixed salt and purpose label), so any high-entropy text works and
the same secret could serve another purpose under another label without giving this key away. To rotate, move the
old value to CALENDAR_SECRET_PREVIOUS and set a new CALENDAR_SECRET: both decrypt, new tokens use the new one,
`is_current` tells whether a stored token is under the new one, and `reencrypt` brings it up to date. Fernet tokens carry a timestamp and an HMAC: tampering fails to
decrypt rather than yielding garbage.
"""
from __future__ import annotations

import base64
import os
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from calendar_sync.errors import CredentialUnreadable, SecretMissing

SECRET_VARIABLE = "CALENDAR_SECRET"
PREVIOUS_VARIABLE = "CALENDAR_SECRET_PREVIOUS"
_SALT = b"calendar_sync credentials"
_PURPOSE = b"fernet key v1"
MIN_SECRET_LENGTH = 16


def derive_key(secret: str) -> bytes:
    """The Fernet key (urlsafe base64 of 32 bytes) for a secret string."""
    if len(secret) < MIN_SECRET_LENGTH:
        raise SecretMissing(f"{SECRET_VARIABLE} is too short: use at least {MIN_SECRET_LENGTH} random characters.")
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_PURPOSE).derive(secret.encode())
    return base64.urlsafe_b64encode(raw)


def _keys(environ: Mapping[str, str] | None) -> list[Fernet]:
    """The current key, then the previous one while a rotation is under way."""
    environ = os.environ if environ is None else environ
    secret = environ.get(SECRET_VARIABLE, "")
    if not secret:
        raise SecretMissing()
    keys = [Fernet(derive_key(secret))]
    if environ.get(PREVIOUS_VARIABLE):
        keys.append(Fernet(derive_key(environ[PREVIOUS_VARIABLE])))
    return keys


def _fernet(environ: Mapping[str, str] | None) -> MultiFernet:
    return MultiFernet(_keys(environ))


def encrypt(text: str, *, environ: Mapping[str, str] | None = None) -> str:
    """Encrypt a credential for storage; the result is ASCII text."""
    return _fernet(environ).encrypt(text.encode()).decode("ascii")


def decrypt(token: str, *, environ: Mapping[str, str] | None = None) -> str:
    """Decrypt what `encrypt` gave; CredentialUnreadable if the token was altered or the secret changed."""
    try:
        return _fernet(environ).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise CredentialUnreadable() from exc


def is_current(token: str, *, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the current secret alone decrypts the token (False: an older secret, or no secret at all)."""
    try:
        _keys(environ)[0].decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


def reencrypt(token: str, *, environ: Mapping[str, str] | None = None) -> str:
    """The same credential under the current secret (after a rotation)."""
    try:
        return _fernet(environ).rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as exc:
        raise CredentialUnreadable() from exc
