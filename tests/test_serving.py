"""The production command (`make serve`: gunicorn's workers and the job worker) against PostgreSQL and Redis."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
import requests

from tests.conftest import PASSWORD, PortalClient, free_port

ROOT = Path(__file__).resolve().parent.parent
WEB_WORKERS, THREADS, POOL = 2, 2, 2

pytestmark = [
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]


@pytest.fixture
def database_url(worker_id):
    from tests.conftest import _postgres_url

    return _postgres_url(worker_id)


@pytest.fixture
def redis_url():
    """A Redis server of this test's own, on a free port, keeping nothing on disk."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(10)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


class Served:
    """`python -m portal.supervisor all` (what `make serve` runs after init-db) on a free port."""

    def __init__(self, database_url: str, redis_url: str, smtp_port: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app_name = f"serve-test-{uuid.uuid4().hex[:12]}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "PORTAL_JOBS_BACKEND": "redis",
            "PORT": str(self.port),
            "PORTAL_BASE_URL": self.url,
            "PORTAL_MAIL_TRANSPORT": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "PORTAL_SECRET_KEY": "serving-test-secret",
            "CALENDAR_SECRET": "serving-test-calendar-secret",
            "WEB_CONCURRENCY": str(WEB_WORKERS),
            "PORTAL__SERVER__THREADS": str(THREADS),
            "PORTAL__DATABASE__POOL_SIZE": str(POOL),
            "PGAPPNAME": self.app_name,
        }
        # A session of its own, so whatever happens the test can stop every process it started.
        self.process = subprocess.Popen([sys.executable, "-m", "portal.supervisor", "all"], cwd=ROOT, env=env,
                                        start_new_session=True)

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the production command ended with {self.process.returncode}"
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass  # not listening yet, or its workers still importing the app
            time.sleep(0.3)
        raise AssertionError("the portal did not answer /healthz within 120 s")

    def gunicorn(self) -> int:
        [pid] = [p for p in children(self.process.pid) if "gunicorn" in command_line(p)]
        return pid

    def job_worker(self) -> int:
        [pid] = [p for p in children(self.process.pid) if "huey_consumer" in command_line(p)]
        return pid

    def web_workers(self) -> set[int]:
        return set(children(self.gunicorn()))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(60)

    def clean_up(self) -> None:
        try:
            self.stop()
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture
def served(app, smtp_sink, database_url, redis_url):
    """The production command against this test's PostgreSQL schema, Redis and SMTP sink (the schema made by `app`)."""
    server = Served(database_url, redis_url, smtp_sink.port)
    try:
        server.wait_until_healthy()
        yield server
    finally:
        server.clean_up()


def log_in(url: str, email: str) -> requests.Session:
    session = requests.Session()
    token = PortalClient.TOKEN.search(session.get(f"{url}/login", timeout=30).text)
    answer = session.post(f"{url}/login", data={"csrf_token": token.group(1) or token.group(2), "email": email,
                                                "password": PASSWORD}, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:1000]
    return session


def server_connections(app_name: str) -> set[int]:
    with psycopg2.connect(os.environ["TEST_DATABASE_URL"], application_name="serve-test-observer") as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", (app_name,))
            pids = {row[0] for row in cur.fetchall()}
    conn.close()
    return pids


def hammer(url: str, during, threads: int = 4) -> tuple[int, list[str]]:
    """GET pages from several threads, each on a fresh connection, while `during()` runs and a second after.

    Returns (answers, failures).
    """
    done, answered, failures, lock = threading.Event(), [0], [], threading.Lock()

    def visit():
        while not done.is_set():
            try:
                response = requests.get(f"{url}/login", headers={"Connection": "close"}, timeout=60)
                outcome = None if response.status_code == 200 else f"{response.status_code}"
            except requests.RequestException as error:
                outcome = f"{type(error).__name__}: {error}"
            with lock:
                answered[0] += 1
                if outcome:
                    failures.append(outcome)

    workers = [threading.Thread(target=visit, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    try:
        during()
        time.sleep(1)
    finally:
        done.set()
        for worker in workers:
            worker.join(90)
    return answered[0], failures


def test_the_production_command_serves_pages_and_runs_jobs_in_its_own_worker(served, create_user, smtp_sink):
    create_user("mentee@example.org", name="Mina Mentee")
    assert requests.get(f"{served.url}/healthz", timeout=10).json() == {"status": "ok", "database": "ok"}
    web, jobs = served.gunicorn(), served.job_worker()
    assert len(served.web_workers()) == WEB_WORKERS

    session = log_in(served.url, "mentee@example.org")
    profile = session.get(f"{served.url}/profile", timeout=30)
    assert profile.status_code == 200 and "mentee@example.org" in profile.text

    # A reset request only stores the request and enqueues a job; gunicorn runs no jobs, so the email can only come
    # from the job worker taking it from Redis.
    page = session.get(f"{served.url}/password/forgot", timeout=30).text
    token = PortalClient.TOKEN.search(page)
    answer = session.post(f"{served.url}/password/forgot", timeout=30,
                          data={"csrf_token": token.group(1) or token.group(2), "email": "mentee@example.org"})
    assert answer.status_code == 200 and "mentee@example.org" in answer.text, answer.text[:1000]
    smtp_sink.wait_for(1, timeout=60)
    [message] = smtp_sink.to("mentee@example.org")
    assert re.search(r"/password/reset/\S+", message.get_body(preferencelist=("plain",)).get_content())

    assert served.stop() == 0
    assert not Path(f"/proc/{web}").exists() and not Path(f"/proc/{jobs}").exists()


def test_many_requests_use_no_more_connections_than_the_pools_hold(served):
    """Each process keeps at most POOL connections and reuses them: many requests, few server connections."""
    seen: set[int] = set()

    def watch():
        stop_at = time.monotonic() + 8
        while time.monotonic() < stop_at:
            seen.update(server_connections(served.app_name))
            time.sleep(0.02)

    answered, failures = hammer(served.url, during=watch)
    assert failures == [] and answered >= 40, (answered, failures[:5])
    # Every process of the deployment may hold POOL connections: the web workers and the job worker.
    assert 1 <= len(seen) <= (WEB_WORKERS + 1) * POOL, (answered, sorted(seen))
    # Still open after the requests: returned to the pool, not closed.
    assert server_connections(served.app_name) & seen


def test_the_processes_keep_few_memory_arenas(served):
    """Threaded workers would each grow a glibc arena of their own, and freed indexes stay in the heap; the
    production command sets glibc's allocator so that memory is given back."""
    for pid in (*served.web_workers(), served.job_worker()):
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        for setting in (b"MALLOC_ARENA_MAX=2", b"MALLOC_MMAP_THRESHOLD_=131072", b"MALLOC_TRIM_THRESHOLD_=131072"):
            assert setting in environment, (setting, command_line(pid))


def test_a_graceful_restart_loses_no_request(served):
    before = served.web_workers()
    restarted = []

    def restart():
        time.sleep(1.5)
        served.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            workers = served.web_workers()
            if len(workers) == WEB_WORKERS and not workers & before:
                restarted.append(workers)
                return
            time.sleep(0.2)

    answered, failures = hammer(served.url, during=restart)
    assert restarted, "gunicorn did not replace its workers after HUP"
    assert failures == [], failures[:5]
    assert answered >= 20
    assert requests.get(f"{served.url}/healthz", timeout=10).status_code == 200


def test_when_one_process_dies_the_other_is_stopped_and_the_failure_shown(served):
    """A service manager sees the pair fail (and restarts it) rather than a web server whose jobs never run."""
    web = served.gunicorn()
    os.kill(served.job_worker(), signal.SIGKILL)
    assert served.process.wait(60) != 0
    assert not Path(f"/proc/{web}").exists()
