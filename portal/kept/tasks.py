"""Reporting figures counted in the job worker: when a page finds them stale, and as the time bucket turns."""
from __future__ import annotations

from huey import crontab

from portal import kept
from portal.models import KeptFigures, Program
from portal.queue import queue


@queue.task()
def refresh(program_id: int, name: str) -> None:
    """Count one kind of figures again for every worker to show."""
    program = Program.get_or_none(Program.id == program_id)
    if program is not None:
        kept.refresh(program, name)


@queue.periodic_task(crontab(minute="*/5"))
def refresh_turned() -> None:
    """Every five minutes, as the bucket turns: every programme's figures that were shown before, counted again."""
    shown = KeptFigures.select(KeptFigures.program).distinct()
    for program in Program.select().where(Program.id.in_(shown)):
        kept.refresh_stale(program)


def count_as_worker_starts() -> None:
    """Queue, as a job worker starts, a count of the figures an earlier version of the portal stored (their shape
    may differ from this version's), so an admin's first view after an upgrade does not count them."""
    refresh_turned()
