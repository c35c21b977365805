"""Follow-ups' background work: raising the ones time makes due."""
from __future__ import annotations

from huey import crontab

from portal.followups import sweep
from portal.queue import queue


@queue.periodic_task(crontab(minute="*/15"))
def sweep_follow_ups() -> None:
    """Flag pairs with no first session, quiet pairs and unpaired mentees; withdraw flags whose cause has gone."""
    sweep.sweep()
