"""The job worker's entry point: `huey_consumer portal.worker.queue` (nothing in the portal imports this module).

Reading `portal.worker.queue` builds the app from config.toml and the environment, which binds the queue to the
configured backend, and imports every feature's tasks so the consumer knows each task and runs the periodic ones.
Importing the module alone builds nothing and writes nothing.
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
    return queue if name == "queue" else _app
