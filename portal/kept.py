"""Reporting figures kept per process: computed again when the reporting counter moves or the time bucket turns.

A figure counts sessions as held once their start has passed, so time alone changes it: the bucket bounds how old
kept figures may be. Every change the portal makes to what is counted bumps the counter (portal/dashboard/receivers.py)
or, for requests and matches, the load counter read in the same statement; every worker reads both once per request,
so a change shows at once on the next view in any process.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any, Callable

from portal import counters
from portal.db import memo_key, on_forget_memos
from portal.models import Program

BUCKET_SECONDS = 300  # kept figures are at most five minutes old
_kept: dict[tuple, "Kept"] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Kept:
    """Figures with the moment they were computed (aware UTC)."""
    value: Any
    as_of: dt.datetime
    key: tuple


def _bucket(now: dt.datetime) -> int:
    return int(now.timestamp()) // BUCKET_SECONDS


def _version(program: Program, now: dt.datetime) -> tuple:
    # Settings the figures read from the programme itself (its size, the pairing dates) are part of the key too.
    # The load counter moves with every request and match, which the figures count as well.
    moved = counters.values(counters.reporting_key(program), counters.load_key(program))
    return (tuple(moved.values()), _bucket(now), program.organisation_size, program.pairing_opens,
            program.pairing_closes)


def kept(name: str, program: Program, compute: Callable[[Program], Any]) -> Kept:
    """`compute(program)` as kept under `name`, computed again when the counter, the bucket or the settings moved."""
    now = dt.datetime.now(dt.UTC)
    place = (name, *memo_key(program))
    version = _version(program, now)
    found = _kept.get(place)
    if found is not None and found.key == version:
        return found
    fresh = Kept(compute(program), now, version)
    with _lock:
        _kept[place] = fresh
    return fresh


@on_forget_memos
def forget() -> None:
    """Drop every kept figure (a process that rebuilds its data from scratch)."""
    with _lock:
        _kept.clear()
