"""The database handle: SQLite (WAL) by default, PostgreSQL when DATABASE_URL says so."""
from __future__ import annotations

import select
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

import psycopg2.extensions
from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import parse
from playhouse.pool import PooledDatabase, PooledPostgresqlDatabase

database = DatabaseProxy()
_IDLE = psycopg2.extensions.TRANSACTION_STATUS_IDLE
# How each per-process memo keyed by memo_key is dropped (see forget_memos).
_memos: list[Callable[[], None]] = []
# Told of every statement that writes (see on_write).
_writes: list[Callable[[], None]] = []
_WRITING = ("INSERT", "UPDATE", "DELETE", "TRUNCA")

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # Concurrent writers wait for the lock instead of failing at once.
    "busy_timeout": 10000,
    "synchronous": "normal",
}


def open_database(url: str, *, pool_size: int = 0, recycle_seconds: int | None = None,
                  wait_seconds: float | None = None):
    """Build the peewee database for a URL and bind the proxy to it.

    On PostgreSQL, `pool_size` above 0 keeps up to that many connections per process and hands them from one
    request (or job) to the next; a connection older than `recycle_seconds` is replaced, one the server dropped is
    noticed when taken, and a request finding all of them busy waits up to `wait_seconds`.
    """
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ":memory:"
        db = _Sqlite(path, pragmas=SQLITE_PRAGMAS, timeout=10)
    else:
        parsed = urlparse(url)
        schema = parse_qs(parsed.query).get("schema", [None])[0]
        options = {}
        if schema:
            # A per-schema search path lets parallel test workers share one server database.
            url = url.split("?", 1)[0]
            options["options"] = f"-c search_path={schema}"
        params = {**parse(url), **options}
        if pool_size > 0:
            # A pooled connection serves request after request: it keeps the statements prepared on it.
            params["connection_factory"] = _PreparingConnection
            db = _Pool(
                max_connections=pool_size, stale_timeout=recycle_seconds or None, timeout=wait_seconds, **params
            )
        else:
            db = _Postgres(**params)
    close_idle_connections()  # of the pool the proxy is about to leave (tests and commands rebind it often)
    database.initialize(db)
    return db


class _NoticesWrites:
    """A database that tells on_write's listeners of each statement that writes, before it runs."""

    def execute_sql(self, sql, params=None, *args, **kwargs):
        if sql[:16].lstrip()[:6].upper() in _WRITING:
            for listener in _writes:
                listener()
        return super().execute_sql(sql, params, *args, **kwargs)


class _Sqlite(_NoticesWrites, SqliteDatabase):
    pass


class _Postgres(_NoticesWrites, PostgresqlDatabase):
    pass


class _PreparingConnection(psycopg2.extensions.connection):
    """A PostgreSQL connection that remembers the statements prepared on it (portal/prepared.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared: set[str] = set()


class _Pool(_NoticesWrites, PooledPostgresqlDatabase):
    """PostgreSQL's pool, which checks a connection it hands out without a round trip to the server when it can."""

    def _is_closed(self, conn) -> bool:
        # peewee's check sends SELECT 1 on every checkout: a statement per request. A server that drops a connection
        # (a terminated backend, a restart, an idle timeout) says so on the socket, so an idle connection with
        # nothing to read is open; anything else gets the full check.
        if conn.closed:
            return True
        if conn.get_transaction_status() == _IDLE and not _has_news(conn):
            return False
        return super()._is_closed(conn)


def _has_news(conn) -> bool:
    """Whether the server sent something to a connection that asked nothing: a goodbye, or a notice."""
    poll = select.poll()
    try:
        poll.register(conn.fileno(), select.POLLIN | select.POLLPRI)
        return bool(poll.poll(0))
    except (OSError, ValueError):
        return True


def close_idle_connections() -> None:
    """Close the pooled connections no thread holds (a process stopping, or the proxy bound elsewhere)."""
    if isinstance(database.obj, PooledDatabase):
        database.obj.close_idle()


def memo_key(program) -> tuple:
    """The key under which a per-process memo keeps what it read of a programme."""
    # The database is part of the key: a process that opens another database must not reuse what it read.
    return (str(database.obj.database), program.id, program.created_at)


def on_forget_memos(forget: Callable[[], None]) -> Callable[[], None]:
    """Register the function that drops a per-process memo, so forget_memos drops it too."""
    _memos.append(forget)
    return forget


def on_write(listener: Callable[[], None]) -> Callable[[], None]:
    """Register a function called before every statement that writes (INSERT, UPDATE, DELETE, TRUNCATE)."""
    _writes.append(listener)
    return listener


def forget_memos() -> None:
    """Drop every per-process memo (a database made afresh starts its ids and counters again)."""
    for forget in _memos:
        forget()


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def write_lock():
    """A transaction that holds the write lock from its first statement.

    SQLite's default transaction takes the lock only at its first write, so two checks of the same
    count could both pass; IMMEDIATE makes the second writer wait. PostgreSQL callers lock the rows
    they check with SELECT ... FOR UPDATE instead.
    """
    if is_postgres():
        return database.atomic()
    return database.atomic("IMMEDIATE")


def discard_connection() -> None:
    """Forget this thread's connection whatever state it is in, so the next query opens a fresh one.

    `database.close()` refuses while a transaction is recorded as open, and a connection the server dropped
    would otherwise stay in peewee's thread-local state, failing every later request on this thread. A pool
    forgets it too, so it neither hands it out again nor counts it against its size.
    """
    db = database.obj
    if db is None:
        return
    conn = db._state.conn
    db._state.reset()
    if conn is None:
        return
    if isinstance(db, PooledDatabase):
        db._close(conn, close_conn=True)  # out of the pool's books, then closed; errors closing are swallowed
        return
    try:
        conn.close()  # rolls back whatever it was in the middle of
    except Exception:  # noqa: BLE001 - already broken: there is nothing more to release
        pass


def tables_with_trigger(db, postgres_name: str, sqlite_prefix: str) -> set[str]:
    """The tables that carry a trigger: named `postgres_name` on PostgreSQL, one per event on SQLite."""
    if isinstance(getattr(db, "obj", db), PostgresqlDatabase):
        rows = db.execute_sql(
            "SELECT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name = %s AND trigger_schema = current_schema()", (postgres_name,))
    else:
        rows = db.execute_sql(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?", (f"{sqlite_prefix}%",))
    return {table for (table,) in rows}


def analyze() -> None:
    """Bring the planner's statistics up to date after a bulk load (the portal's own tables only).

    Without them the planner guesses row counts and can pick nested loops over the answers table that take
    seconds; PostgreSQL's autovacuum catches up eventually, but not before the first visitors. SQLite keeps none
    unless asked: without them it drives an export's join from the programme's matches and sorts every row again
    for each batch.
    """
    if not is_postgres():
        # A sample of each index is enough for the planner's choices, and keeps this quick on a large file.
        database.execute_sql("PRAGMA analysis_limit = 1000")
        database.execute_sql("ANALYZE")
        return
    # Only the schema the portal lives in: other schemas on the server are not ours to touch.
    tables = [row[0] for row in database.execute_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )]
    if tables:
        database.execute_sql("ANALYZE " + ", ".join(f'"{name}"' for name in tables))
