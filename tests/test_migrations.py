"""Schema migrations: an empty database gets the newest schema; upgrades keep every row."""
from __future__ import annotations

import sys
import types

import pytest
from peewee import SqliteDatabase
from playhouse.migrate import migrate

from portal import migrations
from portal.db import database, open_database
from portal.models import MODELS, SchemaVersion, User
from tests.snapshots import database_at


@pytest.fixture
def sqlite_file(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'upgrade.db'}")
    db.connect()
    yield db
    db.close()


def test_empty_database_is_created_at_head_version(sqlite_file):
    assert migrations.current_version(sqlite_file) is None
    assert migrations.upgrade(sqlite_file) == [migrations.head_version()]
    assert migrations.current_version(sqlite_file) == migrations.head_version()
    assert set(sqlite_file.get_tables()) >= {m._meta.table_name for m in MODELS}


def test_upgrade_twice_changes_nothing(sqlite_file):
    migrations.upgrade(sqlite_file)
    User.create(email="kept@example.org", name="Kept", password_hash="x")
    assert migrations.upgrade(sqlite_file) == []
    assert User.select().count() == 1


def test_refuses_database_with_tables_but_no_version(sqlite_file):
    sqlite_file.create_tables([User])
    with pytest.raises(RuntimeError, match="no schema version"):
        migrations.upgrade(sqlite_file)


def test_head_snapshot_matches_the_models(tmp_path):
    """A model change without a migration and a new snapshot fails here."""
    snapshot = migrations.SNAPSHOTS / f"{migrations.head_version():04d}.sql"
    assert snapshot.exists(), "run `flask --app portal db-snapshot` after adding a migration"
    from_snapshot = SqliteDatabase(str(tmp_path / "snap.db"))
    from_snapshot.connect()
    from_snapshot.connection().executescript(snapshot.read_text())
    fresh = open_database("sqlite:///:memory:")
    fresh.connect()
    fresh.create_tables(MODELS)
    assert migrations.schema_of(from_snapshot) == migrations.schema_of(fresh)


@pytest.mark.parametrize("version", range(1, migrations.head_version() + 1))
def test_every_snapshot_upgrades_to_the_models_with_rows_kept(tmp_path, version):
    """Each released schema, with a row in it, becomes today's schema and keeps the row."""
    path = database_at(
        tmp_path, version,
        'INSERT INTO "user" (email, name, password_hash, is_admin, timezone, active, created_at) '
        "VALUES ('old@example.org', 'Old Timer', 'hash', 0, 'UTC', 1, '2026-01-01 00:00:00')",
    )
    db = open_database(f"sqlite:///{path}")
    db.connect()
    migrations.upgrade(db)
    assert User.get(User.email == "old@example.org").name == "Old Timer"
    upgraded = migrations.schema_of(db)
    db.close()
    fresh = open_database("sqlite:///:memory:")
    fresh.connect()
    fresh.create_tables(MODELS)
    assert upgraded == migrations.schema_of(fresh)


def test_pending_migration_runs_once_and_keeps_data(sqlite_file, monkeypatch):
    """The runner applies a new migration module in order, records it and leaves rows alone."""
    migrations.upgrade(sqlite_file)
    User.create(email="before@example.org", name="Before", password_hash="x")
    head = migrations.head_version()
    module = types.ModuleType(f"portal.migrations.m{head + 1:04d}_nickname")

    def upgrade(migrator, db):
        from peewee import CharField

        migrate(migrator.add_column("user", "nickname", CharField(default="")))

    module.upgrade = upgrade
    monkeypatch.setitem(sys.modules, module.__name__, module)
    real = migrations._migration_modules
    monkeypatch.setattr(migrations, "_migration_modules", lambda: {**real(), head + 1: module})

    assert migrations.upgrade(sqlite_file) == [head + 1]
    assert migrations.upgrade(sqlite_file) == []
    columns = {c.name for c in sqlite_file.get_columns("user")}
    assert "nickname" in columns
    assert sqlite_file.execute_sql('SELECT email, nickname FROM "user"').fetchall() == [("before@example.org", "")]
    assert SchemaVersion.select().order_by(SchemaVersion.version.desc()).first().version == head + 1


def test_failed_migration_leaves_database_at_last_good_version(sqlite_file, monkeypatch):
    migrations.upgrade(sqlite_file)
    head = migrations.head_version()
    broken = types.ModuleType("broken")

    def upgrade(migrator, db):
        db.execute_sql('UPDATE "user" SET name = name')
        raise RuntimeError("boom")

    broken.upgrade = upgrade
    real = migrations._migration_modules
    monkeypatch.setattr(migrations, "_migration_modules", lambda: {**real(), head + 1: broken})
    with pytest.raises(RuntimeError, match="boom"):
        migrations.upgrade(sqlite_file)
    assert migrations.current_version(sqlite_file) == head


def test_init_db_command_creates_and_upgrades(runner, app):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert f"schema version {migrations.head_version()}" in result.output
    with app.app_context(), database.connection_context():
        assert migrations.current_version(database) == migrations.head_version()
