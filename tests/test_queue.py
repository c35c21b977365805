"""The job queue extension: the app's configuration picks the backend, tasks wait for the commit, the worker runs them."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
import redis
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from portal import mail
from portal.db import database, open_database
from portal.models import Email, utcnow
from portal.queue import FIRST_OUTAGE_PAUSE, LONGEST_OUTAGE_PAUSE, queue

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _redis_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


# Without Redis the Redis runs are skipped on a developer's machine; CI starts Redis, so there they must run.
NO_REDIS = pytest.mark.skipif(not _redis_up() and not os.environ.get("CI"), reason="no Redis at " + REDIS_URL)
JOB_BACKENDS = ["sqlite", pytest.param("redis", marks=NO_REDIS)]


@pytest.fixture(params=JOB_BACKENDS)
def queued_app(request, make_app, tmp_path, monkeypatch):
    """An app whose jobs wait in a real queue (SQLite file or Redis) for a worker, under a name of their own."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("TEST_JOBS_REDIS_URL", REDIS_URL)
    app = make_app(jobs={"immediate": False, "backend": request.param, "name": name,
                         "sqlite_path": str(tmp_path / "jobs.db"), "redis_url_env": "TEST_JOBS_REDIS_URL"})
    yield app
    queue.flush()


def _send(to: str = "mia@example.org"):
    return mail.send(to, "Hello", "A message.", category="test")


def test_the_apps_configuration_picks_the_backend(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_JOBS_REDIS_URL", REDIS_URL)
    assert isinstance(make_app().extensions["queue"].storage, MemoryStorage)
    assert queue.immediate is True
    make_app(jobs={"immediate": False, "backend": "sqlite", "sqlite_path": str(tmp_path / "q" / "jobs.db")})
    assert isinstance(queue.storage, SqliteStorage)
    assert (tmp_path / "q" / "jobs.db").exists()
    make_app(jobs={"immediate": False, "backend": "redis", "redis_url_env": "TEST_JOBS_REDIS_URL"})
    assert isinstance(queue.storage, RedisStorage)
    assert queue.immediate is False


def test_an_unknown_backend_is_refused(make_app):
    with pytest.raises(ValueError, match="backend"):
        make_app(jobs={"immediate": False, "backend": "carrier-pigeon"})


def test_a_job_enqueued_in_a_transaction_waits_for_the_commit(queued_app):
    with queued_app.app_context(), database.connection_context():
        with database.atomic():
            email = _send()
            assert queue.pending_count() == 0
        assert queue.pending_count() == 1
        assert Email.get_by_id(email.id).status == "queued"
        queue.execute(queue.dequeue())
        assert Email.get_by_id(email.id).status == "stored"


def test_a_job_enqueued_in_a_transaction_that_rolls_back_never_runs(queued_app):
    with queued_app.app_context(), database.connection_context():
        with pytest.raises(RuntimeError):
            with database.atomic():
                _send()
                raise RuntimeError("something later in the same operation failed")
        assert queue.pending_count() == 0
        assert Email.select().count() == 0


def test_in_immediate_mode_a_rolled_back_job_does_not_run_either(app, monkeypatch):
    ran = []
    monkeypatch.setattr("portal.mail.delivery.deliver", lambda email_id, session=None: ran.append(email_id))
    with app.app_context(), database.connection_context():
        with pytest.raises(RuntimeError):
            with database.atomic():
                _send()
                raise RuntimeError("rolled back")
        assert ran == []
        with database.atomic():
            email = _send()
            assert ran == []
        assert ran == [email.id]


def test_outside_a_transaction_a_job_is_queued_at_once(queued_app):
    with queued_app.app_context(), database.connection_context():
        _send()
        assert queue.pending_count() == 1


def test_a_job_that_finds_the_database_away_waits_for_it_then_runs(queued_app, tmp_path):
    """Without this, a job run during an outage failed and was gone; the email waited for the sweep."""
    with queued_app.app_context():
        with database.connection_context():
            email = _send()
        real = database.obj
        open_database(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")  # the database is away
        try:
            queue.execute(queue.dequeue())
        finally:
            database.initialize(real)
        assert queue.pending_count() == 0
        [waiting] = queue.scheduled()
        pause = (waiting.eta - utcnow()).total_seconds()
        assert FIRST_OUTAGE_PAUSE - 1 <= pause <= LONGEST_OUTAGE_PAUSE
        assert [task.id for task in queue.read_schedule(waiting.eta)] == [waiting.id]  # the scheduler, when due
        queue.execute(waiting, timestamp=waiting.eta)  # ...and the database is back
        with database.connection_context():
            assert Email.get_by_id(email.id).status == "stored"
        assert queue.scheduled() == [] and queue.pending_count() == 0


def test_a_job_failing_on_a_database_that_answers_is_not_taken_for_an_outage(queued_app, monkeypatch):
    """A broken query (SQLite calls it an OperationalError too) fails as usual instead of waiting for ever."""
    monkeypatch.setattr("portal.mail.delivery.deliver",
                        lambda email_id: database.execute_sql("SELECT * FROM no_such_table"))
    with queued_app.app_context():
        with database.connection_context():
            _send()
        queue.execute(queue.dequeue())
        assert queue.scheduled() == [] and queue.pending_count() == 0


def test_every_feature_defines_its_own_tasks_and_the_worker_finds_them():
    found = queue.discover_tasks()
    assert {"portal.mail.tasks", "portal.pairing.tasks", "portal.meetings.tasks", "portal.reminders.tasks",
            "portal.surveys.tasks", "portal.console.tasks"} <= set(found)
    periodic = {task.name for task in queue._registry.periodic_tasks}
    assert {"expire_requests", "send_reminders", "send_surveys", "sweep_outbox"} <= {name.rsplit(".", 1)[-1] for name in periodic}


@NO_REDIS
def test_the_readmes_worker_command_delivers_what_the_portal_queued(make_app, tmp_path, monkeypatch):
    """`huey_consumer portal.worker.queue` against Redis, as in production, with the test's database."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    url = f"sqlite:///{tmp_path / 'portal.db'}"
    env = {**os.environ, "DATABASE_URL": url, "PORTAL_JOBS_BACKEND": "redis", "REDIS_URL": REDIS_URL,
           "PORTAL__JOBS__NAME": name, "PORTAL__JOBS__IMMEDIATE": "false", "PORTAL_MAIL_TRANSPORT": "outbox",
           "PORTAL_SECRET_KEY": "test-secret-key", "PYTHONPATH": ROOT}
    monkeypatch.setenv("TEST_JOBS_REDIS_URL", REDIS_URL)
    app = make_app(database={"url": url}, jobs={"immediate": False, "backend": "redis", "name": name,
                                                  "redis_url_env": "TEST_JOBS_REDIS_URL"})
    with app.app_context(), database.connection_context():
        email = _send()
    consumer = os.path.join(os.path.dirname(sys.executable), "huey_consumer")
    worker = subprocess.Popen([consumer, "portal.worker.queue", "-w", "1", "-d", "0.1"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        status = "queued"
        while time.monotonic() < deadline and status != "stored":
            time.sleep(0.2)
            with database.connection_context():
                status = Email.get_by_id(email.id).status
        assert status == "stored", worker.stderr.read1().decode() if worker.poll() is not None else status
    finally:
        worker.terminate()
        worker.wait(10)
        with app.app_context():
            queue.flush()
