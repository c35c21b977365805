"""A list's page number and search words, read from the query string so that no value someone types breaks it."""
from __future__ import annotations

from flask import request

# Far beyond any list the portal shows, and an offset every database takes.
LAST_PAGE = 1_000_000
SEARCH_LENGTH = 100


def page_number(name: str = "page", values=None) -> int:
    """The page asked for (in the query string, or `values`), from 1 to LAST_PAGE; anything else (words, "²", "١٢",
    huge numbers) is the first page."""
    text = (request.args if values is None else values).get(name, "")
    if not (text.isascii() and text.isdigit()):
        return 1
    # Python refuses to read thousands of digits; any number that long is past the last page anyway.
    return min(max(1, int(text)), LAST_PAGE) if len(text) <= 12 else LAST_PAGE


def search_text(name: str = "q") -> str:
    """What to search for: trimmed, without NUL characters (no database matches them), at most SEARCH_LENGTH long."""
    return (request.args.get(name) or "").replace("\x00", "").strip()[:SEARCH_LENGTH]
