"""`flask --app portal backup` and `restore`: a consistent SQLite copy while the portal writes, and a checked restore."""
from __future__ import annotations

import sqlite3
import threading

import pytest

from portal import migrations
from portal.db import database
from portal.models import AuditLog, User

pytestmark = pytest.mark.usefixtures("db")


def rows(path, sql: str):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the SQLite commands")


def test_backup_while_a_writer_writes_is_consistent(app, runner, database_url, tmp_path):
    sqlite_only(database_url)
    database.close()
    stop, written, errors = threading.Event(), [0], []

    def writer():
        # Two rows per transaction: a consistent copy always holds an even number of them.
        try:
            with database.connection_context():
                while not stop.is_set():
                    with database.atomic():
                        AuditLog.create(action="backup.test", target=str(written[0]))
                        AuditLog.create(action="backup.test", target=str(written[0]))
                    written[0] += 1
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 50 and thread.is_alive():
            pass
        before = written[0]
        result = runner.invoke(args=["backup", str(tmp_path / "copy.db")])
    finally:
        stop.set()
        thread.join(10)
    assert result.exit_code == 0, result.output
    assert not errors, errors
    assert "copy.db" in result.output and f"schema version {migrations.head_version()}" in result.output
    assert rows(tmp_path / "copy.db", "PRAGMA integrity_check") == [("ok",)]
    (copied,) = rows(tmp_path / "copy.db", "SELECT COUNT(*) FROM audit_log WHERE action = 'backup.test'")[0]
    assert copied >= 2 * before and copied % 2 == 0
    assert rows(tmp_path / "copy.db", "SELECT COUNT(*) FROM user")[0][0] == User.select().count()


def test_backup_without_a_path_goes_beside_the_database_and_never_overwrites(app, runner, database_url, tmp_path):
    sqlite_only(database_url)
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    made = list((tmp_path / "backups").glob("portal-*.db"))
    assert len(made) == 1 and str(made[0]) in result.output
    again = runner.invoke(args=["backup", str(made[0])])
    assert again.exit_code != 0 and "already exists" in again.output


def test_restore_brings_the_data_back(app, runner, database_url, create_user, tmp_path):
    sqlite_only(database_url)
    create_user("kept@example.org")
    assert runner.invoke(args=["backup", str(tmp_path / "copy.db")]).exit_code == 0
    User.delete().where(User.email == "kept@example.org").execute()
    create_user("later@example.org")
    database.close()

    refused = runner.invoke(args=["restore", str(tmp_path / "copy.db")])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert User.select().where(User.email == "later@example.org").exists()

    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "copy.db")])
    assert result.exit_code == 0, result.output
    database.close()
    emails = {u.email for u in User.select()}
    assert "kept@example.org" in emails and "later@example.org" not in emails
    client = app.test_client()
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("content", [b"", b"just some text\n" * 100, "sqlite-other"])
def test_restore_refuses_what_is_not_a_portal_database(app, runner, database_url, create_user, tmp_path, content):
    sqlite_only(database_url)
    create_user("kept@example.org")
    database.close()
    path = tmp_path / "other.db"
    if content == "sqlite-other":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.commit()
        conn.close()
    else:
        path.write_bytes(content)
    result = runner.invoke(args=["restore", "--yes", str(path)])
    assert result.exit_code != 0
    assert "is not a portal database" in result.output
    assert User.select().where(User.email == "kept@example.org").exists()


def test_restore_refuses_a_missing_file_and_a_newer_schema(app, runner, database_url, tmp_path):
    sqlite_only(database_url)
    missing = runner.invoke(args=["restore", "--yes", str(tmp_path / "nowhere.db")])
    assert missing.exit_code != 0 and "does not exist" in missing.output
    assert runner.invoke(args=["backup", str(tmp_path / "copy.db")]).exit_code == 0
    conn = sqlite3.connect(tmp_path / "copy.db")
    conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, '2030-01-01')",
                 (migrations.head_version() + 1,))
    conn.commit()
    conn.close()
    newer = runner.invoke(args=["restore", "--yes", str(tmp_path / "copy.db")])
    assert newer.exit_code != 0 and "newer than this portal" in newer.output


def test_restore_upgrades_an_older_backup(app, runner, database_url, tmp_path):
    """A backup made by an older portal (the version-1 snapshot, with a person in it) is upgraded on restore."""
    sqlite_only(database_url)
    database.close()
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.executescript((migrations.SNAPSHOTS / "0001.sql").read_text())
    conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (1, '2026-01-01 00:00:00')")
    conn.execute(
        'INSERT INTO "user" (email, name, password_hash, is_admin, timezone, active, created_at) '
        "VALUES ('old@example.org', 'Old', 'x', 0, 'UTC', 1, '2026-01-01 00:00:00')"
    )
    conn.commit()
    conn.close()
    result = runner.invoke(args=["restore", "--yes", str(old)])
    assert result.exit_code == 0, result.output
    assert "schema version 1" in result.output and "upgraded" in result.output
    with database.connection_context():
        assert migrations.current_version(database) == migrations.head_version()
        assert User.get(User.email == "old@example.org").name == "Old"


def test_postgres_commands_are_printed_not_run(make_app, tmp_path):
    app = make_app()
    app.config["PORTAL"]["database"]["url"] = "postgresql://portal:s3cret@db.internal:5433/portal?schema=mentoring"
    runner = app.test_cli_runner()
    from portal import db as portal_db

    real = portal_db.database.obj
    try:
        from peewee import PostgresqlDatabase

        portal_db.database.initialize(PostgresqlDatabase("portal", host="db.internal"))
        dump = runner.invoke(args=["backup", "portal.dump"])
        restore = runner.invoke(args=["restore", "portal.dump"])
    finally:
        portal_db.database.initialize(real)
    assert dump.exit_code == 0, dump.output
    assert ("pg_dump --format=custom --schema mentoring --file portal.dump "
            "postgresql://portal@db.internal:5433/portal") in dump.output
    assert "s3cret" not in dump.output and "PGPASSWORD" in dump.output
    assert restore.exit_code == 0, restore.output
    assert ("pg_restore --clean --if-exists --no-owner --schema mentoring "
            "--dbname postgresql://portal@db.internal:5433/portal portal.dump") in restore.output
    assert "flask --app portal init-db" in restore.output
    assert not (tmp_path / "portal.dump").exists()
