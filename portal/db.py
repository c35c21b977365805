"""The database handle: SQLite (WAL) by default, PostgreSQL when DATABASE_URL says so."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # Concurrent writers wait for the lock instead of failing at once.
    "busy_timeout": 10000,
    "synchronous": "normal",
}


def open_database(url: str):
    """Build the peewee database for a URL and bind the proxy to it."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ":memory:"
        db = SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10)
    else:
        parsed = urlparse(url)
        schema = parse_qs(parsed.query).get("schema", [None])[0]
        if schema:
            # A per-schema search path lets parallel test workers share one server database.
            url = url.split("?", 1)[0]
            db = connect(url, options=f"-c search_path={schema}")
        else:
            db = connect(url)
    database.initialize(db)
    return db


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
    would otherwise stay in peewee's thread-local state, failing every later request on this thread.
    """
    db = database.obj
    if db is None:
        return
    conn = db._state.conn
    db._state.reset()
    if conn is not None:
        try:
            conn.close()  # rolls back whatever it was in the middle of
        except Exception:  # noqa: BLE001 - already broken: there is nothing more to release
            pass
