"""The job queue as a Flask extension: huey, configured by `create_app` from the app's own configuration.

`queue` is created here without side effects (an in-memory store, no file, no connection); `init_app` chooses the
SQLite file, Redis, or immediate mode (tests) from `[jobs]`. Features define their tasks in their own `tasks.py`
with `@queue.task` / `@queue.periodic_task`; each task runs inside `job_context()`. A task enqueued inside a
database transaction is handed to the queue only after that transaction commits, and never if it rolls back.
A job in the worker that finds the database away is retried until it answers again (see `job_context`).
The worker (`portal/worker.py`) builds the app and imports every feature's tasks.
"""
from __future__ import annotations

import contextlib
import functools
import importlib
import logging
import os
import pkgutil
import time

from flask import Flask, current_app, g, has_app_context, has_request_context
from huey import Huey
from huey.exceptions import RetryTask
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from portal import links, outage
from portal.config import resolve_path
from portal.db import database, discard_connection

log = logging.getLogger(__name__)

# A job that finds the database away waits for it: first after this pause, then after as long as the outage has
# lasted so far, never more than the longest pause. It does not count against the job's own retries.
FIRST_OUTAGE_PAUSE = 5.0
LONGEST_OUTAGE_PAUSE = 300.0


class Queue(Huey):
    """huey bound to one Flask app at a time, the way Flask extensions bind a resource."""

    def __init__(self, name: str = "portal"):
        # Memory until init_app: importing the module opens nothing and writes nothing.
        super().__init__(name, storage_class=MemoryStorage)
        self.app: Flask | None = None

    def init_app(self, app: Flask) -> None:
        """Use the app's `[jobs]` section: backend "sqlite" or "redis", `immediate` runs tasks in the caller."""
        jobs = app.config["PORTAL"]["jobs"]
        self.name = jobs.get("name") or "portal"
        self._immediate = bool(jobs["immediate"])
        self.storage = self.get_immediate_storage() if self._immediate else self._storage_for(jobs)
        self.app = app
        app.extensions["queue"] = self

    def _storage_for(self, jobs: dict):
        if jobs["backend"] == "redis":
            url = os.environ.get(jobs["redis_url_env"]) or jobs.get("redis_url") or "redis://127.0.0.1:6379/0"
            return RedisStorage(self.name, url=url)
        if jobs["backend"] != "sqlite":
            raise ValueError(f"[jobs] backend must be 'sqlite' or 'redis', not {jobs['backend']!r}")
        path = resolve_path(jobs["sqlite_path"])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStorage(self.name, filename=str(path))

    def task(self, *args, **kwargs):
        """A task that runs inside `job_context()`; see huey's `task` for retries and delays."""
        decorate = super().task(*args, **kwargs)
        return lambda func: decorate(_in_job_context(func))

    def periodic_task(self, validate_datetime, *args, **kwargs):
        """A task the worker's scheduler runs on a crontab, inside `job_context()`."""
        decorate = super().periodic_task(validate_datetime, *args, **kwargs)
        return lambda func: decorate(_in_job_context(func))

    def enqueue(self, task):
        """Hand a task to the queue, or to the commit of the transaction in progress (dropped on rollback)."""
        if database.obj is not None and not database.is_closed() and database.in_transaction():
            database.after_commit(functools.partial(super().enqueue, task))
            return None
        return super().enqueue(task)

    def discover_tasks(self, package: str = "portal") -> list[str]:
        """Import every `tasks` module of the package's features, so the worker knows every (periodic) task."""
        root = importlib.import_module(package)
        found = [
            info.name for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}.")
            if info.name.rsplit(".", 1)[-1] == "tasks"
        ]
        for name in found:
            importlib.import_module(name)
        return found


queue = Queue()


def _in_job_context(func):
    @functools.wraps(func)
    def run(*args, **kwargs):
        with job_context():
            return func(*args, **kwargs)

    return run


@contextlib.contextmanager
def job_context():
    """A request context and a database connection for a job, reusing the caller's when there is one.

    Jobs render emails whose links are built with url_for, which needs a request: the job gets one for the
    base URL (configured, else the last served). The app is the caller's, else the one the queue was configured with.
    """
    own_request = not has_request_context()
    if not own_request:
        app_ctx = contextlib.nullcontext()
    else:
        app = current_app._get_current_object() if has_app_context() else queue.app
        if app is None:
            raise RuntimeError("The job queue has no app: build one with portal.create_app() first.")
        with app.app_context():
            base = links.base_url()
        # Marked as a job's, so the links it builds use the base URL and not this made-up request's address.
        app_ctx = app.test_request_context(base_url=base + "/", environ_overrides={"portal.job": True})
    with app_ctx:
        opened = database.is_closed()
        try:
            if opened:
                database.connect()
            elif own_request:
                g.borrowed_database = True  # the caller's connection: this request's teardown must leave it open
            yield
        except outage.DATABASE_DOWN as error:
            # The caller's own connection is the caller's to handle (a request answers 503); a worker's job waits.
            if opened and _database_away():
                log.warning("database unavailable, job retried later: %s: %s", type(error).__name__, error)
                raise RetryTask(f"database unavailable: {error}", delay=_outage.pause()) from error
            raise
        else:
            _outage.over()
        finally:
            if opened:
                # A connection the server dropped, or left mid-transaction, is discarded, never kept for the next job.
                outage.close_after_request()


def _database_away() -> bool:
    """Whether a fresh connection cannot reach the database (an outage), rather than this job failing on its own."""
    discard_connection()
    try:
        database.connect()
        database.execute_sql("SELECT 1")
    except outage.DATABASE_DOWN:
        return True
    finally:
        discard_connection()
    _outage.over()
    return False


class _OutageClock:
    """How long this process has seen the database away, to space out the retries of the jobs that wait for it."""

    def __init__(self):
        self.since: float | None = None

    def pause(self) -> float:
        now = time.monotonic()
        self.since = self.since if self.since is not None else now
        return min(max(FIRST_OUTAGE_PAUSE, now - self.since), LONGEST_OUTAGE_PAUSE)

    def over(self) -> None:
        self.since = None


_outage = _OutageClock()
