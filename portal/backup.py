"""Backups: a consistent SQLite copy while the portal runs, restore with a check, and the PostgreSQL commands."""
from __future__ import annotations

import datetime as dt
import os
import shlex
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlparse, urlunparse

from portal.migrations import head_version
from portal.models import MODELS, SchemaVersion

# Tables every portal database has had since the first schema: a file without them is not ours.
CORE_TABLES = {"user", "program", "participant", SchemaVersion._meta.table_name}


class BackupError(Exception):
    """Something the person running the command must fix; the message says what."""


def _stamp() -> str:
    """Now in UTC, for a backup's file name."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")


def _tables(conn: sqlite3.Connection) -> set[str]:
    """The names of the tables in an open SQLite file."""
    return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _copy(source, target, timeout: float = 5.0) -> None:
    """Copy one SQLite file into another with the online backup API, reading the source read-only."""
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    copy = sqlite3.connect(target, timeout=timeout)
    try:
        origin.backup(copy)
    finally:
        copy.close()
        origin.close()


def default_path(database_path: str) -> Path:
    """backups/portal-<UTC time>.db beside the database."""
    return Path(database_path).resolve().parent / "backups" / f"portal-{_stamp()}.db"


def backup_sqlite(database_path: str, target: Path) -> int:
    """Copy the live database to `target` with SQLite's online backup API; returns its schema version.

    The backup reads one consistent snapshot while writers go on (WAL), unlike a file copy, which can
    miss what is still in the -wal file or catch a page half written.
    """
    if target.exists():
        raise BackupError(f"{target} already exists; choose another path.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    _copy(database_path, partial)
    os.replace(partial, target)  # a backup file is whole or absent
    return portal_version(target)


def portal_version(path: Path) -> int:
    """The schema version of a portal database file, or BackupError saying why it is not one we can use."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"{path} cannot be opened: {error}.") from None
    try:
        tables = _tables(conn)
        if not CORE_TABLES <= tables:
            raise BackupError(f"{path} is not a portal database (it has no {', '.join(sorted(CORE_TABLES - tables))}).")
        (check,) = conn.execute("PRAGMA integrity_check").fetchone()
        if check != "ok":
            raise BackupError(f"{path} is damaged: {check}")
        row = conn.execute(f'SELECT MAX(version) FROM "{SchemaVersion._meta.table_name}"').fetchone()
    except sqlite3.DatabaseError as error:  # "file is not a database", and the like
        raise BackupError(f"{path} is not a portal database ({error}).") from None
    finally:
        conn.close()
    version = row[0] if row else None
    if not version:
        raise BackupError(f"{path} has no schema version; it is not a portal database we can restore.")
    if version > head_version():
        raise BackupError(
            f"{path} is at schema version {version}, newer than this portal ({head_version()}); "
            "restore it with the portal version that made it."
        )
    return version


def has_data(database_path: str) -> bool:
    """Whether the live database holds any portal table (so restoring over it would replace something)."""
    if not Path(database_path).exists():
        return False
    conn = sqlite3.connect(f"file:{database_path}?mode=ro", uri=True)
    try:
        tables = _tables(conn)
    finally:
        conn.close()
    return bool(tables & {m._meta.table_name for m in MODELS})


def restore_sqlite(source: Path, database_path: str, *, replace: bool = False) -> int:
    """Replace the live database's content with `source` (checked first); returns the version restored.

    A live database holding portal data is replaced only when `replace` says so. The online backup API writes
    into the live file under SQLite's own locks, so a portal still running sees the old data or the new, never
    a mix. The caller upgrades the schema afterwards if it is older.
    """
    version = portal_version(source)
    if has_data(database_path) and not replace:
        raise BackupError(
            f"{database_path} holds a portal database; restoring replaces all of it. Run again with --yes to go ahead."
        )
    _copy(source, database_path, timeout=30)
    return version


def postgres_commands(url: str, path: str | None) -> dict[str, str]:
    """The pg_dump and pg_restore commands for a DATABASE_URL; the password is left to PGPASSWORD."""
    parsed = urlparse(url)
    schema = parse_qs(parsed.query).get("schema", [None])[0]
    netloc = parsed.hostname or ""
    if parsed.port:
        netloc = f"{netloc}:{parsed.port}"
    if parsed.username:
        netloc = f"{parsed.username}@{netloc}"
    # libpq takes postgresql:// URIs; a password on a command line would land in the shell's history.
    target = urlunparse(("postgresql", netloc, parsed.path, "", "", ""))
    file = path or f"portal-{_stamp()}.dump"
    only = ["--schema", schema] if schema else []
    dump = ["pg_dump", "--format=custom", *only, "--file", file, target]
    restore = ["pg_restore", "--clean", "--if-exists", "--no-owner", *only, "--dbname", target, file]
    return {
        "dump": shlex.join(dump),
        "restore": shlex.join(restore),
        "password": "set PGPASSWORD first (the URL's password is not shown)" if parsed.password else "",
    }
