"""Ids people send in addresses and forms: ASCII digits within the database's integer ids, or no id at all."""
from __future__ import annotations

# The id columns are 32-bit integers on PostgreSQL (SERIAL); SQLite stops at 64 bits.
MAX_ID = 2**31 - 1


def id_or_none(text) -> int | None:
    """The id written in `text`, or None for anything that cannot be one ("²", "١٢", "-1", a 30-digit number)."""
    text = str(text or "")
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
