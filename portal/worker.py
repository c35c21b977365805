"""The job worker's entry point: `huey_consumer portal.worker.queue` (nothing in the portal imports this module).

Reading `portal.worker.queue` builds the app from config.toml and the environment, which binds the queue to the
configured backend, and imports every feature's tasks so the consumer knows each task and runs the periodic ones.
Importing the module alone builds nothing and writes nothing. Building it queues one count of the reporting
figures another release counted (`portal/kept`), so after a release no admin's first view counts them in the request.
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
        _app = create_app()
        queue.discover_tasks()
        from portal.kept import tasks as kept_tasks

        kept_tasks.count_as_worker_starts()
    return queue if name == "queue" else _app
