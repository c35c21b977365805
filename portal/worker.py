"""The job worker's entry point: `huey_consumer portal.worker.queue` (nothing in the portal imports this module).

Reading `portal.worker.queue` builds the app from config.toml and the environment, which binds the queue to the
configured backend, and imports every feature's tasks so the consumer knows each task and runs the periodic ones.
Importing the module alone builds nothing and writes nothing. Once the app is built, it queues one count of the
reporting figures another release stored (`portal/kept`), so an admin's first view after an upgrade usually finds them
counted.
"""
from __future__ import annotations

_app = None


def __getattr__(name: str):
    global _app
    if name not in ("queue", "app"):
        raise AttributeError(name)
    from portal import create_app
    from portal.queue import queue

    if _app is None:
        app = create_app()
        queue.discover_tasks()
        from portal.kept import tasks as kept_tasks

        kept_tasks.count_as_worker_starts()
        _app = app  # set last: a read after a failure above builds again rather than half
    return queue if name == "queue" else _app
