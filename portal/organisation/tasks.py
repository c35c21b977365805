"""The organisation's background work: a large people import."""
from __future__ import annotations

from portal.organisation import writing
from portal.queue import queue


@queue.task()
def import_people(upload_id: int, actor_id: int | None) -> None:
    """Write a confirmed people import in one transaction; a second run finds it done and does nothing."""
    writing.run_import(upload_id, actor_id)
