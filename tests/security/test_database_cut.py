"""The database cut while the web app serves pages and the job worker sends email, then restored.

Real components throughout: the app served over HTTP in threads, `huey_consumer portal.worker.queue` in a process of
its own, an aiosmtpd mail server. On PostgreSQL the test's own database stops taking connections and every backend
on it is terminated (the server answers other databases, so other test runs are untouched); on SQLite the directory
holding the database file goes away (a volume unmounted) and comes back. During the cut every page is the friendly
503; after it, pages work without a restart, the jobs that met the cut run again, and every email arrives exactly
once, including the one whose message the server accepted while the database could not record it.
"""
from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import Counter
from urllib.parse import urlparse

import psycopg2
import pytest
import requests

from portal import mail
from portal.accounts.operations import create_user
from portal.db import database
from portal.mail import delivery
from portal.models import Email
from tests.conftest import BACKENDS, PASSWORD, LiveServer, PortalClient, SmtpSink, free_port
from tests.security.worker_process import WorkerProcess, app_sharing_the_workers_queue

FRIENDLY = "The portal is resting"
EMAILS = 8
HELD = 3  # the message the server holds until the database is cut


class HoldingSink(SmtpSink):
    """A mail server taking a moment over each message, which keeps one until told to accept it."""

    def __init__(self):
        super().__init__()
        self.holding = threading.Event()
        self.accept = threading.Event()
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        if self.received == HELD:
            self.holding.set()
            while not self.accept.is_set():
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        return await super().handle_DATA(server, session, envelope)

    def message_ids(self) -> Counter:
        return Counter(m["message"]["Message-ID"] for m in self.messages)


def _admin(sql: str) -> list:
    """Run a statement on the PostgreSQL server from outside the portal (autocommit: CREATE DATABASE needs it)."""
    conn = psycopg2.connect(os.environ["TEST_DATABASE_URL"].split("?", 1)[0])
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """A database this test may cut: a PostgreSQL database of its own, or a SQLite file in a directory of its own."""
    if request.param == "sqlite":
        (tmp_path / "data").mkdir()
        yield f"sqlite:///{tmp_path / 'data' / 'portal.db'}"
        return
    name = f"portal_cut_{os.getpid()}"
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name}")
    base = urlparse(os.environ["TEST_DATABASE_URL"].split("?", 1)[0])
    yield base._replace(path=f"/{name}").geturl()
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Cut:
    """Cuts the database off from every process, and restores it."""

    def __init__(self, url: str, tmp_path):
        self.url, self.tmp_path = url, tmp_path

    def __enter__(self):
        if self.url.startswith("sqlite"):
            (self.tmp_path / "data").rename(self.tmp_path / "away")
        else:
            name = urlparse(self.url).path.lstrip("/")
            _admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
            _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        return self

    def __exit__(self, *exc):
        if self.url.startswith("sqlite"):
            (self.tmp_path / "away").rename(self.tmp_path / "data")
        else:
            _admin(f"ALTER DATABASE {urlparse(self.url).path.lstrip('/')} ALLOW_CONNECTIONS true")


def logged_in(base: str, email: str) -> requests.Session:
    """A browser session logged in through the login form."""
    browser = requests.Session()
    page = browser.get(f"{base}/login", timeout=10).text
    token = PortalClient.TOKEN.search(page)
    response = browser.post(f"{base}/login", timeout=10, allow_redirects=False,
                            data={"csrf_token": token.group(1) or token.group(2), "email": email, "password": PASSWORD})
    assert response.status_code == 302, response.text[:1000]
    return browser


def hammer(browsers: dict, base: str, stop: threading.Event, seen: list) -> list[threading.Thread]:
    """Visitors loading pages over and over from threads of their own until told to stop."""

    def visit(browser, path):
        while not stop.is_set():
            response = browser.get(f"{base}{path}", timeout=10, allow_redirects=False)
            seen.append((path, response.status_code, FRIENDLY in response.text))

    threads = [threading.Thread(target=visit, args=(browser, path))
               for browser, path in ((browsers["anonymous"], "/"), (browsers["anonymous"], "/login"),
                                     (browsers["member"], "/profile"), (browsers["member"], "/mentors"))]
    for thread in threads:
        thread.start()
    return threads


def wait_until(check, timeout: float, what: str, worker: WorkerProcess):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout}s; worker log:\n{worker.log()[-5000:]}")


def email_rows() -> list[Email]:
    with database.connection_context():
        return list(Email.select().order_by(Email.id))


def test_database_cut_while_pages_are_served_and_email_is_sent_then_restored(make_app, database_url, tmp_path):
    sink = HoldingSink()
    sink.controller.start()
    jobs = tmp_path / "jobs.db"
    app = app_sharing_the_workers_queue(make_app, jobs, sink.port)
    worker = WorkerProcess(database_url, jobs, sink.port, tmp_path / "worker.log")
    try:
        with app.app_context(), database.connection_context():
            create_user("mentee@example.org", "Mia Mentee", PASSWORD, timezone="UTC")
        with LiveServer(app, free_port()) as server:
            browsers = {"anonymous": requests.Session(), "member": logged_in(server.url, "mentee@example.org")}
            assert browsers["member"].get(f"{server.url}/profile", timeout=10).status_code == 200
            worker.start()
            with app.app_context(), database.connection_context():
                emails = [mail.send(f"person{n}@example.org", f"Message {n}", "Hello.") for n in range(EMAILS)]
            assert sink.holding.wait(30), f"the worker never sent:\n{worker.log()[-5000:]}"

            # The worker is in the middle of a message: the database goes away now.
            stop, seen = threading.Event(), []
            with Cut(database_url, tmp_path):
                sink.accept.set()  # the server accepts the message it held; recording it is up to the database
                visitors = hammer(browsers, server.url, stop, seen)
                time.sleep(4)  # the worker meets the cut with the emails still to send
                stop.set()
                for thread in visitors:
                    thread.join(15)
                during = len(sink.messages)

            assert seen and {(status, friendly) for _, status, friendly in seen} == {(503, True)}, Counter(seen)
            assert {path for path, _, _ in seen} == {"/", "/login", "/profile", "/mentors"}
            assert during < EMAILS, "the cut came too late to meet the worker's jobs"

            # Back without a restart: the same browsers, the same server, the same worker.
            assert browsers["anonymous"].get(f"{server.url}/", timeout=10).status_code == 200
            profile = browsers["member"].get(f"{server.url}/profile", timeout=10)
            assert profile.status_code == 200 and "mentee@example.org" in profile.text

            wait_until(lambda: all(e.status == "sent" for e in email_rows()), 90, "every email sent", worker)
            time.sleep(1)

        with app.app_context():
            rows = email_rows()
            expected = {delivery.message_id(row, "mentoring@example.org") for row in rows}
        assert len(rows) == EMAILS == len({e.id for e in emails})
        assert sink.message_ids() == Counter({message_id: 1 for message_id in expected})
        assert [(row.status, row.attempts, row.claim) for row in rows] == [("sent", 1, None)] * EMAILS
        assert "retried later" in worker.log(), "no job met the cut"
        if database_url.startswith("postgres"):
            # The held message was accepted after its connection was terminated: recorded later, never resent.
            assert "Executing portal.mail.tasks.record_sent" in worker.log()
    finally:
        worker.kill()
        sink.accept.set()
        sink.controller.stop()
