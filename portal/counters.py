"""Named counters in the database: cheap change markers every worker can read."""
from __future__ import annotations

from portal.models import Counter


def bump(name: str) -> None:
    Counter.insert(name=name, value=1).on_conflict(
        conflict_target=[Counter.name], update={Counter.value: Counter.value + 1}
    ).execute()


def value(name: str) -> int:
    row = Counter.get_or_none(Counter.name == name)
    return row.value if row else 0


def directory_key(program) -> str:
    """Bumped whenever a mentor profile the directory shows may have changed."""
    return f"directory:{getattr(program, 'id', program)}"
