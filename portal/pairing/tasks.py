"""Pairing's background work: requests whose time is up pass on; the directory is indexed for every worker."""
from __future__ import annotations

from huey import crontab

from portal.models import Program
from portal.pairing import directory, load_changes, operations
from portal.queue import queue


@queue.periodic_task(crontab(minute="*/10"))
def expire_requests() -> None:
    """Pass unanswered requests on to the mentee's next favourite once their time is up."""
    operations.expire_requests()


@queue.periodic_task(crontab(minute="*/10"))
def forget_old_load_changes() -> None:
    """Whose load moved is kept for the last changes only (portal/pairing/load_changes.py)."""
    for program in Program.select():
        load_changes.forget_old(program)


@queue.task(retries=3, retry_delay=30)
def update_directory(program_id: int) -> None:
    """Index the mentors who changed and keep the result where every web worker reads it."""
    program = Program.get_or_none(Program.id == program_id)
    if program is not None:
        directory.update_shared(program)


@queue.task(retries=3, retry_delay=30)
def build_directory(program_id: int) -> None:
    """Index every mentor of the programme once and keep it where every web worker reads it."""
    program = Program.get_or_none(Program.id == program_id)
    if program is not None:
        directory.build_shared(program)
