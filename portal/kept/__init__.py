"""Reporting figures counted by a job ahead of the page, shared by every worker and kept in each one's memory.

A figure counts sessions as held once their start has passed, so time alone changes it: figures belong to a
version made of the reporting and load counters, a five-minute time bucket and the programme's settings they read.
Every change the portal makes to what is counted moves a counter (portal/dashboard/receivers.py), so a page can tell
whether the figures stored are current.

A page never counts while an admin waits, once figures exist: current ones are shown; stale ones are shown with
their time while a job (`tasks.refresh`) counts them again, and the page reloads itself when it is done. Only the
first view of all counts in the request, and so would the first view after a release that changed the portal's code
(what another release stored may have another shape), but the job worker queues a count of those as it starts
(`tasks.count_as_worker_starts`, from `portal/worker.py` and `flask serve`), so that view usually finds them counted.
A periodic job counts every programme's figures again as the bucket turns, so most views find them current.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from portal import counters
from portal.db import memo_key, on_forget_memos
from portal.models import KeptFigures, Program, utcnow
from portal.queue import queue

log = logging.getLogger(__name__)
BUCKET_SECONDS = 300  # figures are at most five minutes old
# A count asked for longer ago than this is taken as lost (a worker stopped mid-job) and asked for again.
REFRESH_TIMEOUT = dt.timedelta(minutes=2)
_counts: dict[str, Callable[[Program], Any]] = {}
_kept: dict[tuple, "Kept"] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Kept:
    """Figures with the moment they were counted (aware UTC), and whether something has changed since."""
    name: str
    value: Any
    as_of: dt.datetime
    version: str
    stale: bool = False


def define(name: str, count: Callable[[Program], Any]) -> None:
    """Name what a page shows: `count(program)` works it out (in a job, or once in the request when nothing is kept)."""
    _counts[name] = count


def names() -> list[str]:
    return list(_counts)


def _bucket(now: dt.datetime) -> int:
    return int(now.timestamp()) // BUCKET_SECONDS


def version(program: Program, now: dt.datetime | None = None) -> str:
    """What the figures depend on, read in one statement: the counters, the time bucket and the settings they read."""
    now = now or dt.datetime.now(dt.UTC)
    # The load counter moves with every request and match, which the figures count as well.
    moved = counters.values(counters.reporting_key(program), counters.load_key(program))
    return _code() + ":" + repr((tuple(moved.values()), _bucket(now), program.organisation_size,
                                 program.pairing_opens, program.pairing_closes))


@functools.cache
def _code() -> str:
    """This process's code, in short: figures another version of the portal counted may have another shape."""
    # By content, not by file times: every host and worker running the same release agrees.
    root, digest = Path(__file__).resolve().parent.parent, hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def kept(name: str, program: Program) -> Kept:
    """The figures named `name`: current if they are, else the last ones counted while a job counts them again."""
    wanted = version(program)
    place = (name, *memo_key(program))
    found = _kept.get(place)
    if found is not None and found.version == wanted:
        return found
    row = _stored(program, name)
    if row is None or not row.version.startswith(_code() + ":"):
        # The first view of all, or figures another release counted (their shape may differ): none to show meanwhile.
        return refresh(program, name)
    if row.version != wanted and _ask_for_count(program, name, row):
        row = _stored(program, name)
    fresh = _loaded(row, stale=row.version != wanted)
    if not fresh.stale:
        with _lock:
            _kept[place] = fresh
    return fresh


def refresh(program: Program, name: str) -> Kept:
    """Count the figures now and store them for every worker (the job's work)."""
    now = dt.datetime.now(dt.UTC)
    counted_at = version(program, now)  # read before counting: a change meanwhile leaves them stale, never wrong
    value = _counts[name](program)
    stored, blob = now.replace(tzinfo=None), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    # The last count stored wins: one begun earlier carries its older version, so pages find it stale and ask again.
    KeptFigures.insert(program=program, name=name, version=counted_at, value=blob, as_of=stored).on_conflict(
        conflict_target=[KeptFigures.program, KeptFigures.name],
        update={KeptFigures.version: counted_at, KeptFigures.value: blob, KeptFigures.as_of: stored,
                KeptFigures.refreshing_since: None},
    ).execute()
    return Kept(name, value, now, counted_at)


def refresh_stale(program: Program) -> list[str]:
    """Count again every kind of figures stored for the programme that is no longer current (the periodic job)."""
    wanted = version(program)
    stale = [name for name, held in KeptFigures.select(KeptFigures.name, KeptFigures.version)
             .where(KeptFigures.program == program).tuples() if held != wanted and name in _counts]
    for name in stale:
        refresh(program, name)
    return stale


def is_newer(program: Program, name: str, than: dt.datetime) -> bool:
    """Whether figures counted after `than` (aware) are stored: a page showing older ones can reload."""
    return KeptFigures.select().where(KeptFigures.program == program, KeptFigures.name == name,
                                      KeptFigures.as_of > than.astimezone(dt.UTC).replace(tzinfo=None)).exists()


def _stored(program: Program, name: str) -> KeptFigures | None:
    return KeptFigures.get_or_none(KeptFigures.program == program, KeptFigures.name == name)


def _loaded(row: KeptFigures, *, stale: bool) -> Kept:
    # The rows are the portal's own, written by `refresh` above from its own figures.
    return Kept(row.name, pickle.loads(bytes(row.value)), row.as_of.replace(tzinfo=dt.UTC), row.version, stale)


def _ask_for_count(program: Program, name: str, row: KeptFigures) -> bool:
    """Queue one count of stale figures, however many views find them stale at once; True if it ran in this request."""
    from portal.kept import tasks

    now = utcnow()
    claimed = (KeptFigures.update(refreshing_since=now)
               .where(KeptFigures.id == row.id,
                      KeptFigures.refreshing_since.is_null() | (KeptFigures.refreshing_since < now - REFRESH_TIMEOUT))
               .execute())
    if not claimed:
        return False
    try:
        tasks.refresh(program.id, name)
    except Exception as error:  # the queue's store is away (Redis down, say): whatever it is, the page must not fail
        # Slower, but the admin sees current figures rather than a promise no worker will keep.
        log.warning("figures %r counted in the request: the job queue is unavailable: %s", name, error)
        refresh(program, name)
        return True
    return queue.immediate  # a queue in immediate mode (tests, one-off scripts) has run the count already


@on_forget_memos
def forget() -> None:
    """Drop every figure kept in this process (a process that rebuilds its data from scratch)."""
    with _lock:
        _kept.clear()
