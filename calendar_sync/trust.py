"""Which certificate authorities a CalDAV server's certificate may come from: the system's, and the private ones an
admin adds (an internal Nextcloud signed by the organisation's own CA), never instead of the system's."""
from __future__ import annotations

import ssl

import wassima

from calendar_sync.errors import Unreachable

PEM_MARK = "-----BEGIN CERTIFICATE-----"
MAX_FILE_BYTES = 1024 * 1024


def ca_text(value: str) -> str:
    """PEM text from what an admin entered: pasted certificates, or the path of a PEM file; "" for nothing.

    OSError when the file cannot be read, ValueError when it holds no PEM text.
    """
    value = (value or "").strip()
    if not value or PEM_MARK in value:
        return value
    with open(value, "rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError("the file is larger than a certificate bundle")
    return data.decode("ascii").strip()


def problems(value: str) -> list[str]:
    """What keeps `value` from being a usable set of certificate authorities, for the settings form; [] if none."""
    try:
        text = ca_text(value)
    except (OSError, ValueError):  # UnicodeError is a ValueError
        return ["The portal cannot read a certificate file at that path. Paste the certificate (-----BEGIN "
                "CERTIFICATE----- ...) or give the full path of a PEM file the portal can read."]
    if not text:
        return []
    if PEM_MARK not in text:
        return ["That file holds no PEM certificate (-----BEGIN CERTIFICATE----- ...)."]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        context.load_verify_locations(cadata=text)
    except (ssl.SSLError, ValueError):
        return ["That is not a valid PEM certificate: paste each certificate whole, from -----BEGIN CERTIFICATE----- "
                "to -----END CERTIFICATE-----."]
    if not context.get_ca_certs():  # it lists only certificates marked as authorities (basicConstraints CA)
        return ["None of these certificates is a certificate authority: give the CA that signed the server's "
                "certificate, not the server's own."]
    return []


def verify(value: str) -> bool | str:
    """What to pass as the HTTP client's `verify`: True for the system's authorities alone, else the system's bundle
    with the extra authorities added. Unreachable when the configured file cannot be read any more."""
    try:
        extra = ca_text(value)
    except (OSError, ValueError) as exc:
        raise Unreachable(detail=f"certificate authorities for calendar servers unreadable: {exc}"[:300]) from exc
    if not extra:
        return True
    return f"{wassima.generate_ca_bundle().rstrip()}\n{extra}\n"
