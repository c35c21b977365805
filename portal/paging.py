"""A list's page number and search words, read from the query string so that no value someone types breaks it."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for

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


@dataclass
class Page:
    """One page of a list: its rows, which page it is, how many there are, and the query parameter that chose it."""

    rows: list
    number: int
    pages: int
    total: int
    size: int
    name: str = "page"

    @property
    def offset(self) -> int:
        """How many rows come before this page (so a row's place in the whole list is offset + its index)."""
        return (self.number - 1) * self.size

    def link(self, number: int, anchor: str | None = None) -> str:
        """This address at another page of this list; other lists' pages and filters stay as they are."""
        args = {**request.view_args, **request.args.to_dict(), self.name: number}
        return url_for(request.endpoint, **args, _anchor=anchor)


def page_of(rows, size: int, name: str = "page") -> Page:
    """The page of `rows` (a query, read one page at a time, or a list) asked for in the query parameter `name`."""
    number = page_number(name)
    if isinstance(rows, list):
        total, shown = len(rows), rows[(number - 1) * size:number * size]
    else:
        total, shown = rows.count(), list(rows.paginate(number, size))
    return Page(shown, number, max(1, -(-total // size)), total, size, name)


def page_with(query, row_id: int, size: int) -> int:
    """The page of an ordered query on which the row with this id shows (the first if it is not there)."""
    ids = [found for (found,) in query.select(query.model.id).tuples()]
    return ids.index(row_id) // size + 1 if row_id in ids else 1
