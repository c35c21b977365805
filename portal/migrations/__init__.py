"""Versioned schema migrations: an empty database is created at the newest version, an older one upgraded.

A migration is a module `mNNNN_name.py` in this package with `upgrade(migrator, database)`,
written with playhouse.migrate operations so that existing rows are kept. Each version also
has a SQLite snapshot in `snapshots/NNNN.sql` (written by `flask --app portal db-snapshot`);
the tests upgrade every older snapshot with data in it and compare the result with the models.
"""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from playhouse.migrate import SchemaMigrator

from portal import person_kept, steady
from portal.models import MODELS, SchemaVersion, utcnow

SNAPSHOTS = Path(__file__).parent / "snapshots"
BASE_VERSION = 1  # the first schema, created from the models; it has no module


def _migration_modules() -> dict[int, object]:
    found = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            found[int(info.name[1:5])] = importlib.import_module(f"{__name__}.{info.name}")
    return dict(sorted(found.items()))


def head_version() -> int:
    return max([BASE_VERSION, *_migration_modules()])


def current_version(db) -> int | None:
    """The version the database is at, or None for an empty database."""
    if not db.table_exists(SchemaVersion._meta.table_name):
        return None
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else None


def create_schema(db) -> None:
    """The newest schema in an empty database: the models' tables and the triggers on them."""
    db.create_tables(MODELS)
    steady.install(db)
    person_kept.install(db)


def upgrade(db) -> list[int]:
    """Bring the database to the newest schema; returns the versions applied."""
    version = current_version(db)
    if version is None:
        existing = set(db.get_tables())
        ours = {m._meta.table_name for m in MODELS}
        if existing & ours:
            raise RuntimeError("The database has portal tables but no schema version; refusing to guess.")
        with db.atomic():
            create_schema(db)
            SchemaVersion.create(version=head_version(), applied_at=utcnow())
        return [head_version()]
    applied = []
    for number, module in _migration_modules().items():
        if number <= version:
            continue
        # Each step commits on its own, so a failure leaves the database at the last good version.
        with db.atomic():
            module.upgrade(SchemaMigrator.from_database(db), db)
            SchemaVersion.create(version=number, applied_at=utcnow())
        applied.append(number)
    return applied


def schema_of(db) -> dict[str, list[tuple]]:
    """Tables, columns (name, type, nullable) and index columns as the database reports them."""
    result = {}
    for table in sorted(db.get_tables()):
        columns = sorted((c.name, c.data_type.lower(), c.null) for c in db.get_columns(table))
        indexes = sorted((tuple(i.columns), i.unique) for i in db.get_indexes(table))
        result[table] = columns + [("index",) + i for i in indexes]
    return result


def snapshot_sql(db) -> str:
    """The SQLite DDL of the current schema, for snapshots/NNNN.sql."""
    rows = db.execute_sql(
        # Tables, then their indexes, then the triggers on them.
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name"
    ).fetchall()
    return "".join(f"{sql};\n" for (sql,) in rows)
