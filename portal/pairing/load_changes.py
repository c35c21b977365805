"""Whose load moved, so a worker counts again the matches and requests of those mentors alone.

Each change to one mentor's matches or requests moves the `load:<programme>` counter by one and, in the same
transaction, stores whose it was under the version it took (`load:<programme>:change:<version>` = the mentor's user
id). A worker that holds loads at version v reads the versions after it by name and counts those mentors again; a
version with no mentor stored (a change that did not say whose) or one too far behind means counting everyone. Only
the last KEPT changes are kept (`forget_old`, a periodic job's).
"""
from __future__ import annotations

from collections.abc import Iterable

from peewee import EXCLUDED, Value

from portal import counters
from portal.db import database
from portal.models import Counter

# Changes remembered per programme; a worker further behind than this counts every mentor again.
KEPT = 512
# Beyond this many changes since its copy, a worker counts everyone: one statement, whatever the number.
AT_MOST = 64


def _change(program, version: int | str) -> str:
    return f"{counters.load_key(program)}:change:{version}"


def note(program, mentor_ids: Iterable[int] | None) -> None:
    """These mentors' loads (user ids) may have changed, or anyone's when None."""
    key = counters.load_key(program)
    if mentor_ids is None:
        counters.bump(key)
        return
    # One transaction, the caller's if it has one (no savepoint: nothing here is undone alone).
    with database.transaction():
        for mentor_id in sorted(set(mentor_ids)):
            counters.bump(key)
            # The bump holds the counter's row until commit, so no other change can take this version; the change is
            # stored under it in the same statement that reads it.
            slot = Counter.select(Value(_change(program, "")).concat(Counter.value), Value(mentor_id)).where(
                Counter.name == key)
            (Counter.insert_from(slot, fields=[Counter.name, Counter.value])
             .on_conflict(conflict_target=[Counter.name], update={Counter.value: EXCLUDED.value}).execute())


def since(program, held: int, now: int) -> set[int] | None:
    """The mentors whose load changed after version `held` up to `now`, or None if everyone must be counted."""
    if not 0 <= now - held <= AT_MOST:
        return None
    if now == held:
        return set()
    found = counters.values(*(_change(program, version) for version in range(held + 1, now + 1)))
    mentors = set(found.values())
    return None if 0 in mentors else mentors  # 0: a version that said nothing of whose load moved


def forget_old(program) -> int:
    """Delete the changes older than the last KEPT; returns how many."""
    prefix, now = _change(program, ""), counters.value(counters.load_key(program))
    names = [name for (name,) in Counter.select(Counter.name).where(Counter.name.startswith(prefix)).tuples()]
    old = [name for name in names if name[len(prefix):].isdigit() and int(name[len(prefix):]) <= now - KEPT]
    for start in range(0, len(old), 500):
        Counter.delete().where(Counter.name.in_(old[start:start + 500])).execute()
    return len(old)
