"""Which mentors changed since a directory was indexed, so a worker updates it for them alone.

Every change moves the `directory:<programme>` counter and, in the same transaction, notes the version at which each
mentor changed (`directory:<programme>:mentor:<user id>`) or at which everything must be indexed again
(`...:everyone`: questions or the vocabulary changed), and counts itself in `...:noted`. A bump not noted here (the
two counts part) also means indexing everyone again.
"""
from __future__ import annotations

from collections.abc import Iterable

from portal import counters
from portal.db import database
from portal.models import Counter


def noted_key(program) -> str:
    """How many directory changes were noted with what they changed."""
    return f"{counters.directory_key(program)}:noted"


def _everyone_key(program) -> str:
    return f"{counters.directory_key(program)}:everyone"


def _mentor_prefix(program) -> str:
    return f"{counters.directory_key(program)}:mentor:"


def note(program, mentor_ids: Iterable[int] | None) -> None:
    """The directory changed for these mentors (user ids), or for everyone when None."""
    with database.atomic():
        counters.bump(counters.directory_key(program))
        counters.bump(noted_key(program))
        # The bump holds the counter's row until commit, so no other change can take this version.
        version = Counter.get_by_id(counters.directory_key(program)).value
        names = [_everyone_key(program)] if mentor_ids is None else [f"{_mentor_prefix(program)}{i}" for i in mentor_ids]
        for name in names:
            counters.put(name, version)


def since(program, version: int) -> tuple[bool, set[int]]:
    """(everyone, mentors): whether everything changed after `version`, else which mentors did."""
    prefix = f"{counters.directory_key(program)}:"
    changed = Counter.select(Counter.name).where(Counter.name.startswith(prefix), Counter.value > version)
    names = [name for (name,) in changed.tuples()]
    if _everyone_key(program) in names:
        return True, set()
    start = len(_mentor_prefix(program))
    return False, {int(name[start:]) for name in names if name.startswith(_mentor_prefix(program))}
