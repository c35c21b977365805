"""Links to many rows of one endpoint: a page of twenty cards builds each kind of link once, not once per card."""
from __future__ import annotations

from collections.abc import Callable

from flask import url_for

from portal.per_request import read_once

# An id no row has: the link is built once with it, and each row's id takes its place.
_PLACEHOLDER = 987_654_321_987_654_321


def url_for_id(endpoint: str, key: str, **values) -> Callable[[int], str]:
    """`url_for(endpoint, **{key: id}, **values)` as a function of the id, built once per request."""
    return read_once("id_urls", (endpoint, key, *sorted(values.items())), lambda: _pattern(endpoint, key, values))


def _pattern(endpoint: str, key: str, values: dict) -> Callable[[int], str]:
    before, _, after = url_for(endpoint, **{key: _PLACEHOLDER}, **values).partition(str(_PLACEHOLDER))
    return lambda row_id: f"{before}{int(row_id)}{after}"
