"""Named counters in the database: cheap change markers every worker can read, once per request."""
from __future__ import annotations

from flask import g, has_app_context

from portal import steady
from portal.models import Counter


def bump(name: str) -> None:
    Counter.insert(name=name, value=1).on_conflict(
        conflict_target=[Counter.name], update={Counter.value: Counter.value + 1}
    ).execute()
    if has_app_context():
        # This request reads its own change at once.
        g.pop("counters", None)


def put(name: str, value: int) -> None:
    """Set a counter to a value (a marker such as the version at which something changed)."""
    Counter.insert(name=name, value=value).on_conflict(
        conflict_target=[Counter.name], update={Counter.value: value}
    ).execute()
    if has_app_context():
        g.pop("counters", None)


def values(*names: str, often: bool = False) -> dict[str, int]:
    """The counters' values (0 for one never bumped) in one statement, kept for the rest of the request or job.

    `often`: most pages read these, so they are read together with the first counter any page reads.
    """
    return steady.counter_values(names, often)


def value(name: str) -> int:
    return values(name)[name]


def directory_key(program) -> str:
    """Bumped whenever a mentor profile the directory shows may have changed."""
    return f"directory:{getattr(program, 'id', program)}"


def load_key(program) -> str:
    """Bumped whenever a mentor's load may have changed: a match made or ended, a request sent or answered."""
    return f"load:{getattr(program, 'id', program)}"


def reporting_key(program) -> str:
    """Bumped whenever what the dashboard or the launch funnel counts may have changed (dashboard/receivers.py)."""
    return f"reporting:{getattr(program, 'id', program)}"
