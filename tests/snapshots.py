"""An SQLite database left at an older schema version (its snapshot), then upgraded as the portal upgrades one."""
from __future__ import annotations

import contextlib

from peewee import SqliteDatabase

from portal import migrations
from portal.db import open_database


def database_at(tmp_path, version: int, *statements: str):
    """The path of an SQLite file at schema `version`, with these statements run in it."""
    path = tmp_path / "old.db"
    old = SqliteDatabase(str(path))
    old.connect()
    old.connection().executescript((migrations.SNAPSHOTS / f"{version:04d}.sql").read_text())
    old.execute_sql("INSERT INTO schema_version (version, applied_at) VALUES (?, '2026-01-01 00:00:00')", (version,))
    for statement in statements:
        old.execute_sql(statement)
    old.close()
    return path


@contextlib.contextmanager
def upgraded_from(tmp_path, version: int):
    """`with upgraded_from(tmp_path, 15) as (db, applied):` the database and the versions its upgrade applied."""
    upgraded = open_database(f"sqlite:///{database_at(tmp_path, version)}")
    upgraded.connect()
    try:
        yield upgraded, migrations.upgrade(upgraded)
    finally:
        upgraded.close()
