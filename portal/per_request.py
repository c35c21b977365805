"""What a request (or a job) reads once and keeps in `g` until something says to read it again."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import g, has_app_context

T = TypeVar("T")


def read_once(name: str, key: Hashable, read: Callable[[], T]) -> T:
    """`read()`'s result for `key`, kept in `g` under `name` for the rest of the request or job; outside one, read."""
    if not has_app_context():
        return read()
    kept = g.setdefault(name, {})
    if key not in kept:
        kept[key] = read()
    return kept[key]


def forget(name: str) -> None:
    """Everything kept under `name` in this request or job is read again at its next use."""
    if has_app_context():
        g.pop(name, None)
