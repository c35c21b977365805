"""Shared fixtures: an app on SQLite (and PostgreSQL when TEST_DATABASE_URL is set), clients, users, a mail sink."""
from __future__ import annotations

import os
import re
import socket
import threading
import time
import uuid
from email import message_from_bytes, policy

import psycopg2
import pytest

from portal import create_app
from portal.accounts.operations import create_user as make_account
from portal.db import database
from portal.models import Participant, Program
from portal.queue import queue

PASSWORD = "correct horse battery"
BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("TEST_DATABASE_URL") else [])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_schemas_made: set[tuple[str, str]] = set()


@pytest.fixture(scope="session", autouse=True)
def _drop_test_schemas():
    """Leave the PostgreSQL server as it was found."""
    yield
    for base, schema in _schemas_made:
        with psycopg2.connect(base) as conn, conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.close()


def _postgres_url(worker: str) -> str:
    """A fresh schema for this test on the TEST_DATABASE_URL server, one per xdist worker."""
    base = os.environ["TEST_DATABASE_URL"]
    # The process id keeps two test runs against the same server out of each other's way.
    schema = f"portal_test_{worker}_{os.getpid()}"
    _schemas_made.add((base, schema))
    with psycopg2.connect(base) as conn, conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    conn.close()
    return f"{base.split('?', 1)[0]}?schema={schema}"


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, worker_id):
    if request.param == "postgres":
        return _postgres_url(worker_id)
    return f"sqlite:///{tmp_path / 'portal.db'}"


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app with config overrides; the database is created and seeded."""

    def build(**overrides):
        config = {
            "database": {"url": database_url},
            "jobs": {"immediate": True},
            "mail": {"transport": "outbox"},
            "server": {"base_url": "http://localhost"},
            "flask": {"TESTING": True, "SECRET_KEY": "test-secret-key"},
            # The mentor directory's shared index files, one folder per test.
            "directory": {"index_path": str(tmp_path / "directory-index")},
        }
        for section, values in overrides.items():
            config.setdefault(section, {}).update(values)
        app = create_app(config)
        from portal.cli import ensure_database

        with app.app_context(), database.connection_context():
            ensure_database()
        return app

    yield build
    if not database.is_closed():
        database.close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def queued_app(make_app, tmp_path):
    """An app whose jobs wait in a real queue (a SQLite file) for a worker, as they do when the portal is served."""
    app = make_app(jobs={"immediate": False, "backend": "sqlite", "name": f"test-{uuid.uuid4().hex[:12]}",
                         "sqlite_path": str(tmp_path / "jobs.db")})
    yield app
    queue.flush()


def delivery_jobs() -> list:
    """The email delivery jobs waiting in the queue (one email's or a batch's), in their order."""
    from portal.mail import tasks

    return [task for task in queue.pending()
            if isinstance(task, (tasks.deliver_email.task_class, tasks.deliver_emails.task_class))]


@pytest.fixture
def db(app):
    """A database connection for the test body, without an app context.

    A context held for the whole test would be reused by every test-client request, so `g` (and
    Flask-Login's cached user) would leak from one request and one client to the next. Code that
    needs the app wraps itself in `with app.app_context():`.
    """
    database.connect(reuse_if_open=True)
    yield database
    if not database.is_closed():
        database.close()


@pytest.fixture
def program(db) -> Program:
    return Program.current()


class PortalClient:
    """A test client that fills in the CSRF token from the page, as a browser would."""

    TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf-token" content="([^"]+)"')

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def token(self, url: str = "/") -> str:
        match = self.TOKEN.search(self.client.get(url).get_data(as_text=True))
        assert match, f"no CSRF token on {url}"
        return match.group(1) or match.group(2)

    def answer_to(self, url: str, **kwargs):
        """GET `url` for its status and headers only: a streamed download's body is closed now, not when collected."""
        response = self.client.get(url, **kwargs)
        response.close()
        return response

    def submit(self, url: str, data: dict | None = None, *, page: str | None = None, **kwargs):
        """POST a form as if filled in on `page` (default: the same URL)."""
        payload = {"csrf_token": self.token(page or url), **(data or {})}
        return self.client.post(url, data=payload, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        response = self.submit("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response


@pytest.fixture
def client(app):
    return PortalClient(app.test_client())


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def create_user(db, program):
    """Factory: create_user(email, roles=("mentee",), admin=False, name=None) -> User."""

    def create(email: str, roles=("mentee",), *, admin: bool = False, name: str | None = None, timezone="UTC"):
        user = make_account(email, name or email.split("@")[0].replace(".", " ").title(), PASSWORD,
                            timezone=timezone, is_admin=admin)
        # Directly, not through registration: tests create people whatever phase the dates say.
        for role in roles:
            Participant.create(program=program, user=user, role=role)
        return user

    return create


@pytest.fixture
def heard():
    """heard(signal) -> the list of (sender, keyword arguments) that signal sends from then until the test ends."""
    connected = []

    def listen(signal) -> list:
        calls = []

        def record(sender, **kwargs):
            calls.append((sender, kwargs))

        # A local function: held strongly until the test disconnects it.
        signal.connect(record, weak=False)
        connected.append((signal, record))
        return calls

    yield listen
    for signal, record in connected:
        signal.disconnect(record)


@pytest.fixture
def admin(create_user):
    return create_user("admin@example.org", roles=(), admin=True, name="Ada Admin")


class SmtpSink:
    """A real SMTP server (aiosmtpd) collecting what it receives."""

    def __init__(self, **server):
        """`server`: aiosmtpd's SMTP options (a `timeout` for idle sessions, say)."""
        from aiosmtpd.controller import Controller

        self.messages = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **server)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        # aiosmtpd's session object is the connection the message came over (kept here, so no other takes its id).
        self.messages.append({"from": envelope.mail_from, "to": envelope.rcpt_tos, "message": message,
                              "session": session})
        return "250 OK"

    def sessions(self) -> int:
        """How many SMTP sessions brought the messages received."""
        return len({id(m["session"]) for m in self.messages})

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"expected {count} emails, got {len(self.messages)}"
        return self.messages

    def to(self, address: str) -> list:
        return [m["message"] for m in self.messages if address in m["to"]]


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture
def smtp_app(make_app, smtp_sink):
    """An app that delivers mail over SMTP to the sink."""
    return make_app(mail={"transport": "smtp", "smtp_host": "127.0.0.1", "smtp_port": smtp_sink.port})


def text_of(message) -> str:
    """The plain-text part of an email."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def link_in(text: str, path_fragment: str) -> str:
    match = re.search(r"https?://\S*" + re.escape(path_fragment) + r"\S*", text)
    assert match, f"no link with {path_fragment!r} in: {text}"
    return match.group(0)


class LiveServer:
    """The app served on 127.0.0.1 in a thread, for the browser tests."""

    def __init__(self, app, port):
        from werkzeug.serving import make_server

        self.url = f"http://127.0.0.1:{port}"
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def free_tcp_port() -> int:
    """A local port nothing listens on."""
    return free_port()
