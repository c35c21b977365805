"""A database that goes away: every visitor gets the friendly 503 page, and the portal recovers without a restart."""
from __future__ import annotations

import os
import socket

import psycopg2
import pytest

from portal.db import database, open_database
from tests.conftest import BACKENDS, PortalClient, _postgres_url

FRIENDLY = "The portal is resting"
PAGES = ["/", "/login", "/profile", "/mentors"]


def closed_port() -> int:
    """A local port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_friendly_503(response):
    html = response.get_data(as_text=True)
    assert response.status_code == 503, html[:1500]
    assert FRIENDLY in html and "<html" in html


def visitors(app, create_user):
    """An anonymous client and a logged-in mentee (remembered, so the user loader runs on every request)."""
    create_user("mentee@example.org")
    anonymous = PortalClient(app.test_client())
    member = PortalClient(app.test_client())
    member.submit("/login", {"email": "mentee@example.org", "password": "correct horse battery", "remember": "y"})
    assert member.get("/profile", follow_redirects=True).status_code == 200
    return {"anonymous": anonymous, "member": member}


def outage_and_back(app, create_user, go_away, come_back):
    clients = visitors(app, create_user)
    go_away()
    for who, client in clients.items():
        for url in PAGES:
            assert_friendly_503(client.get(url))
        # htmx asks for a fragment: it gets the short message, still 503.
        response = client.get("/", headers={"HX-Request": "true"})
        assert response.status_code == 503 and FRIENDLY in response.get_data(as_text=True)
    assert app.test_client().get("/healthz").status_code == 503
    come_back()
    assert clients["anonymous"].get("/").status_code == 200
    assert clients["anonymous"].get("/login").status_code == 200
    profile = clients["member"].get("/profile", follow_redirects=True)
    assert profile.status_code == 200 and "mentee@example.org" in profile.get_data(as_text=True)
    assert app.test_client().get("/healthz").status_code == 200


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, worker_id):
    if request.param == "postgres":
        return _postgres_url(worker_id)
    # The database lives in a directory of its own, so the test can take the directory away.
    (tmp_path / "data").mkdir()
    return f"sqlite:///{tmp_path / 'data' / 'portal.db'}"


def only_on(backend: str, url: str) -> None:
    if not url.startswith(backend):
        pytest.skip(f"a {backend} outage")


def test_sqlite_file_gone_then_back(app, db, database_url, create_user, tmp_path):
    """The directory of the database file disappears (a volume unmounted) and comes back."""
    only_on("sqlite", database_url)
    database.close()
    here, away = tmp_path / "data", tmp_path / "elsewhere"
    outage_and_back(app, create_user, lambda: here.rename(away), lambda: away.rename(here))


def test_sqlite_unreachable_database_then_back(app, db, database_url, create_user, tmp_path):
    """The proxy bound to a database that cannot be opened, then to the real one again."""
    only_on("sqlite", database_url)
    database.close()
    real = database.obj
    outage_and_back(
        app, create_user,
        lambda: open_database(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"),
        lambda: database.initialize(real),
    )


def test_a_connection_left_in_a_transaction_is_discarded_not_kept(app, db, database_url, create_user):
    """A connection a failed request left mid-transaction must not stay in this thread's state for the next one."""
    only_on("sqlite", database_url)
    database.close()
    clients = visitors(app, create_user)
    database.connect()
    database.execute_sql("BEGIN")
    database.push_transaction(object())  # as if an error had escaped before the transaction was popped
    assert clients["member"].get("/profile", follow_redirects=True).status_code == 200
    assert database.is_closed() and not database.in_transaction()
    assert clients["member"].get("/profile", follow_redirects=True).status_code == 200


def _terminate(pid: int) -> None:
    """Terminate one server process from a second connection (only ours: other test runs share the server)."""
    with psycopg2.connect(os.environ["TEST_DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
    conn.close()


def test_postgres_connection_terminated_then_back(app, db, database_url, create_user):
    """The server drops the connection this thread holds: 503, and the next request connects afresh."""
    only_on("postgres", database_url)
    database.close()
    clients = visitors(app, create_user)
    for who, client in clients.items():
        # A connection held across requests by this thread (as a worker thread keeps it), killed by the server.
        database.connect(reuse_if_open=True)
        pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        _terminate(pid)
        assert_friendly_503(client.get("/profile" if who == "member" else "/"))
        assert database.is_closed()
        assert client.get("/profile" if who == "member" else "/", follow_redirects=True).status_code == 200


def test_postgres_server_unreachable_then_back(app, db, database_url, create_user):
    """The server does not answer at all (a closed port), then answers again."""
    only_on("postgres", database_url)
    database.close()
    real = database.obj
    outage_and_back(
        app, create_user,
        lambda: open_database(f"postgresql://root@127.0.0.1:{closed_port()}/test"),
        lambda: database.initialize(real),
    )
