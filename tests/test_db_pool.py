"""PostgreSQL connections are pooled per process: reused across requests, recycled when old, capped, and a broken one
is replaced; bulk loads leave the planner with current statistics."""
from __future__ import annotations

import os
import threading
import time
import uuid

import psycopg2
import pytest

from portal.db import database
from tests.conftest import PortalClient

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)")


@pytest.fixture
def database_url(worker_id):
    from tests.conftest import _postgres_url

    return _postgres_url(worker_id)


@pytest.fixture
def app_name(monkeypatch) -> str:
    """A libpq application name of this test's own, so only its connections are counted on the shared server."""
    name = f"pool-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("PGAPPNAME", name)
    return name


def server_connections(name: str) -> list[tuple[int, str]]:
    """(pid, state) of every server connection with that application name, seen from a connection of our own."""
    with psycopg2.connect(os.environ["TEST_DATABASE_URL"], application_name="pool-test-observer") as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT pid, state FROM pg_stat_activity WHERE application_name = %s ORDER BY pid", (name,))
            rows = cur.fetchall()
    conn.close()
    return rows


def terminate(pid: int) -> None:
    with psycopg2.connect(os.environ["TEST_DATABASE_URL"]) as conn, conn.cursor() as cur:
        # Waits until the server process has gone, as a dropped connection has by the time anyone next asks.
        cur.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    conn.close()


def pooled_app(make_app, **section):
    app = make_app(database=section)
    # The setup's own connection goes back to the pool too; start the count from a quiet process.
    if not database.is_closed():
        database.close()
    return app


def test_requests_reuse_one_pooled_connection(make_app, app_name):
    app = pooled_app(make_app, pool_size=3)
    client = PortalClient(app.test_client())
    assert client.get("/login").status_code == 200
    first = server_connections(app_name)
    assert len(first) == 1 and first[0][1] == "idle", first
    for _ in range(25):
        assert client.get("/login").status_code == 200
        assert client.get("/healthz").status_code == 200
    # Still the same one server process: returned at the end of each request and taken again by the next.
    assert server_connections(app_name) == first


def test_without_a_pool_each_request_closes_its_connection(make_app, app_name):
    app = pooled_app(make_app, pool_size=0)
    client = PortalClient(app.test_client())
    assert client.get("/login").status_code == 200
    assert server_connections(app_name) == []


def test_an_old_connection_is_recycled(make_app, app_name):
    app = pooled_app(make_app, pool_size=3, pool_recycle_seconds=1)
    client = app.test_client()
    assert client.get("/login").status_code == 200
    [(old, _)] = server_connections(app_name)
    time.sleep(1.3)
    assert client.get("/login").status_code == 200
    [(new, _)] = server_connections(app_name)
    assert new != old


def test_a_pooled_connection_the_server_dropped_is_replaced_unnoticed(make_app, app_name):
    app = pooled_app(make_app, pool_size=3)
    client = app.test_client()
    assert client.get("/login").status_code == 200
    [(idle, _)] = server_connections(app_name)
    terminate(idle)
    # Taken from the pool, it is checked first; the visitor never sees the dead one.
    assert client.get("/login").status_code == 200
    assert [pid for pid, _ in server_connections(app_name)] not in ([], [idle])


def test_a_healthy_pooled_connection_is_handed_out_without_a_round_trip(make_app, app_name, monkeypatch):
    app = pooled_app(make_app, pool_size=3)
    client = app.test_client()
    assert client.get("/login").status_code == 200
    pings = []
    adapter = database.obj._adapter
    checked = adapter.is_connection_closed
    monkeypatch.setattr(adapter, "is_connection_closed", lambda conn: pings.append(conn) or checked(conn))
    for _ in range(10):
        assert client.get("/login").status_code == 200
    assert pings == []  # no SELECT 1 before each request
    [(idle, _)] = server_connections(app_name)
    terminate(idle)
    assert client.get("/login").status_code == 200
    assert len(pings) == 1  # the server's goodbye on the socket sent it to the full check, which found it dead


def hold_connections(count: int):
    """`count` threads each holding a pooled connection until the returned event is set."""
    release, held = threading.Event(), threading.Barrier(count + 1)

    def hold():
        database.connect()
        try:
            held.wait(10)
            release.wait(20)
        finally:
            database.close()

    threads = [threading.Thread(target=hold, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    held.wait(10)
    return release, threads


def test_a_full_pool_answers_the_resting_page_then_recovers(make_app, app_name):
    app = pooled_app(make_app, pool_size=2, pool_wait_seconds=0.3)
    client = app.test_client()
    release, threads = hold_connections(2)
    try:
        busy = client.get("/login")
        assert busy.status_code == 503 and "The portal is resting" in busy.get_data(as_text=True)
        assert busy.headers["Retry-After"] == "30"
        assert client.get("/healthz").status_code == 503
        # Never more than the pool's size open, however many ask.
        assert len(server_connections(app_name)) == 2
    finally:
        release.set()
        for thread in threads:
            thread.join(10)
    assert client.get("/login").status_code == 200
    assert len(server_connections(app_name)) == 2


def test_a_broken_connection_leaves_the_pool_without_holding_a_place(make_app, app_name, create_user):
    """With room for one connection, a request after the held one was killed must still get a connection."""
    app = pooled_app(make_app, pool_size=1, pool_wait_seconds=0.5)
    client = app.test_client()
    database.connect()
    [(pid, _)] = server_connections(app_name)
    terminate(pid)
    resting = client.get("/login")
    assert resting.status_code == 503 and "The portal is resting" in resting.get_data(as_text=True)
    assert database.is_closed()
    assert client.get("/login").status_code == 200


def test_demo_data_leaves_planner_statistics(app, runner):
    result = runner.invoke(args=["demo-data", "--mentors", "30", "--mentees", "20"])
    assert result.exit_code == 0, result.output
    with database.connection_context():
        rows = dict(database.execute_sql(
            "SELECT relname, reltuples FROM pg_class JOIN pg_namespace n ON n.oid = relnamespace "
            "WHERE nspname = current_schema() AND relname IN ('answer', 'participant', 'user')"
        ).fetchall())
    # Never analysed, PostgreSQL records -1 rows; analysed, it knows how many there are.
    assert rows["participant"] >= 50 and rows["answer"] > rows["participant"] and rows["user"] >= 48, rows


def test_a_pooled_connection_prepares_each_statement_once_and_runs_it_by_name(make_app, app_name, create_user):
    from portal.models import User
    from portal.prepared import Prepared

    by_email = Prepared(lambda email: User.select().where(User.email == email, User.active).paginate(1, 1), 1)
    app = pooled_app(make_app, pool_size=3)
    mia = create_user("mia@example.org")
    with app.app_context(), database.connection_context():
        assert by_email.first("mia@example.org").id == mia.id
        connection = database.connection()
        assert by_email._name in connection.prepared
        assert by_email.first("nobody@example.org") is None
        cursor = database.execute_sql("SELECT name, statement FROM pg_prepared_statements WHERE name = %s",
                                      [by_email._name])
        [(name, statement)] = cursor.fetchall()
        assert "$1" in statement and '"user"' in statement
    # The next request takes the same connection from the pool and runs the statement by name, prepared once.
    client = PortalClient(app.test_client())
    assert client.get("/login").status_code == 200
    with app.app_context(), database.connection_context():
        assert database.connection() is connection and by_email.first("mia@example.org").id == mia.id


def test_a_connection_without_a_pool_prepares_nothing(make_app, app_name, create_user):
    from portal.models import User
    from portal.prepared import Prepared

    by_email = Prepared(lambda email: User.select().where(User.email == email).paginate(1, 1), 1)
    app = pooled_app(make_app, pool_size=0)
    create_user("mia@example.org")
    with app.app_context(), database.connection_context():
        assert by_email.first("mia@example.org") is not None
        assert not hasattr(database.connection(), "prepared")
        assert database.execute_sql("SELECT count(*) FROM pg_prepared_statements").fetchone() == (0,)
