"""Reporting figures counted in the job worker: when a page finds them stale, and as the time bucket turns."""
from __future__ import annotations

import logging

from huey import crontab

from portal import kept
from portal.models import KeptFigures, Program
from portal.queue import queue

log = logging.getLogger(__name__)


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
    """As a job worker starts, queue one count of every stored figure no longer current, those an earlier version of
    the portal stored among them (their shape may differ), so an admin's first view after an upgrade usually finds
    them counted. It never stops the worker starting: with the queue's store away, the periodic job or a view counts."""
    if queue.immediate:
        return  # nothing is queued in immediate mode, and a count here would run while the worker loads
    try:
        refresh_turned()
    except Exception as error:  # Redis away, say: the worker starts anyway and waits for it, as it always has
        log.warning("figures not queued for counting as the worker starts: the job queue is unavailable: %s", error)
