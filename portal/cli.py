"""Command-line tasks: `flask --app portal <command>`."""
from __future__ import annotations

import datetime as dt
import getpass
import os
import signal
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app

from portal import backup, migrations
from portal.db import analyze, database, forget_memos, is_postgres
from portal.models import Program, User
from portal.queue import queue

DEMO_LOGINS = ("admin@example.org", "mentor@example.org", "mentee@example.org")


def ensure_database() -> list[int]:
    """Create or upgrade the schema, then make sure a programme with questions and skills exists."""
    from portal import skills
    from portal.programme.operations import create_program
    from portal.questionnaire.operations import seed_questions

    applied = migrations.upgrade(database)
    forget_memos()  # a database made afresh starts its counters again: what was read from the last one must go
    program = Program.current() or create_program(current_app.config["PORTAL"]["programme"])
    seed_questions(program)
    skills.seed_vocabulary()
    return applied


def register(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db():
        """Create the database, or upgrade it to the newest schema (keeps all data)."""
        with database.connection_context():
            applied = ensure_database()
            # After a restore (pg_restore brings no planner statistics) or an upgrade, plan with current figures.
            analyze()
        version = migrations.head_version()
        click.echo(f"Database ready at schema version {version}" + (f" (applied {applied})." if applied else "."))

    @app.cli.command("create-admin")
    @click.argument("email")
    @click.option("--name", default=None, help="Display name (default: from the address).")
    @click.option("--password", default=None, help="Password (default: asked for, or PORTAL_ADMIN_PASSWORD).")
    def create_admin(email, name, password):
        """Create an admin account, or make an existing account an admin."""
        from portal.accounts import forms
        from portal.accounts.operations import create_user, normalise_email
        from portal.audit import record

        with database.connection_context():
            ensure_database()
            user = User.get_or_none(User.email == normalise_email(email))
            if user:
                user.is_admin = True
                user.save(only=[User.is_admin])
                record(None, "account.admin", f"user:{user.id}", via="cli")
                click.echo(f"{user.email} is now an admin.")
                return
            password = password or os.environ.get("PORTAL_ADMIN_PASSWORD")
            if not password:
                password = getpass.getpass("Password: ")
            if len(password) < forms.MIN_PASSWORD:
                raise click.BadParameter(f"use at least {forms.MIN_PASSWORD} characters", param_hint="password")
            name = name or normalise_email(email).split("@")[0].replace(".", " ").title()
            user = create_user(email, name, password, is_admin=True)
            record(None, "account.admin", f"user:{user.id}", via="cli")
            click.echo(f"Admin account created for {user.email}.")

    @app.cli.command("demo-data")
    @click.option("--mentors", default=40, show_default=True, type=click.IntRange(0, 200_000))
    @click.option("--mentees", default=32, show_default=True, type=click.IntRange(0, 200_000))
    @click.option("--seed", default=7, show_default=True, type=int)
    @click.option("--password", default="demo-password", show_default=True)
    @click.option("--if-empty", is_flag=True, help="Do nothing when the demo accounts already exist.")
    def demo_data(mentors, mentees, seed, password, if_empty):
        """Load realistic demo participants and the three demo accounts."""
        from portal.demo import story
        from portal.demo.generator import generate
        from portal.pairing import directory
        from portal.programme import operations as programme

        with database.connection_context():
            ensure_database()
            if if_empty and User.select().where(User.email == DEMO_LOGINS[0]).exists():
                click.echo("Demo data already loaded.")
                print_logins(None)
                return
            program = Program.current()
            # The people join a programme two days into pairing; the story then moves it months on (story.py).
            programme.reschedule(program, programme.today() - dt.timedelta(days=2))
            started = time.perf_counter()
            summary = generate(program, mentors=mentors, mentees=mentees, seed=seed, password=password)
            scene = story.tell(program, seed=seed)
            # The web workers' first search then reads the index instead of building it.
            directory.index_everyone(program)
            click.echo(
                f"Loaded {summary['mentors']} mentors and {summary['mentees']} mentees "
                f"({summary['both']} both) in {time.perf_counter() - started:.1f} s; {scene.summary()}."
            )
            print_logins(password)

    @app.cli.command("serve")
    @click.option("--host", default=None, help="Default: [server] host in config.toml.")
    @click.option("--port", default=None, type=int, help="Default: PORT, else [server] port.")
    @click.option("--workers", default=None, type=int, help="Job worker threads started alongside.")
    def serve(host, port, workers):
        """Serve the portal with a job worker in the same process (for a single machine)."""
        from werkzeug.serving import run_simple

        config = current_app.config["PORTAL"]
        host = host or config["server"]["host"]
        port = port or int(config["server"]["port"])
        consumer = None
        if not queue.immediate:
            # Every feature's tasks, so the in-process consumer runs the periodic ones too.
            queue.discover_tasks()
            from portal.kept import tasks as kept_tasks

            kept_tasks.count_as_worker_starts()
            consumer = queue.create_consumer(workers=workers or int(config["jobs"]["workers"]), worker_type="thread")
            consumer.start()
            # The consumer takes over SIGTERM to stop gracefully; here it must stop the web server too.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        click.echo(f"Portal at http://{host}:{port}/  (Ctrl+C stops it)")
        try:
            run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)
        finally:
            if consumer:
                consumer.stop(graceful=True)

    @app.cli.command("backup")
    @click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path):
        """Copy the SQLite database consistently while the portal runs (PostgreSQL: prints the pg_dump command)."""
        if is_postgres():
            commands = backup.postgres_commands(current_app.config["PORTAL"]["database"]["url"], path and str(path))
            echo_postgres("back it up with pg_dump (not run here):", [commands["dump"]], commands["password"])
            return
        source = database.obj.database
        target = path or backup.default_path(source)
        try:
            version = backup.backup_sqlite(source, target)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from None
        # The job queue's file is left out on purpose: each job's work is a row in this database first.
        click.echo(f"Backed up the database (schema version {version}) to {target}")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Replace the current database's data.")
    def restore_command(path, yes):
        """Replace the SQLite database with a backup, then upgrade it (PostgreSQL: prints the pg_restore command)."""
        if is_postgres():
            commands = backup.postgres_commands(current_app.config["PORTAL"]["database"]["url"], str(path))
            echo_postgres("restore with pg_restore (not run here), then upgrade the schema:",
                          [commands["restore"], "flask --app portal init-db"], commands["password"])
            return
        live = database.obj.database
        try:
            version = backup.restore_sqlite(path, live, replace=yes)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from None
        with database.connection_context():
            applied = migrations.upgrade(database)
        click.echo(f"Restored {path} (schema version {version}) into {live}"
                   + (f"; upgraded with migrations {applied}." if applied else "."))

    @app.cli.command("rotate-calendar-key")
    def rotate_calendar_key():
        """Re-encrypt stored calendar passwords and tokens under CALENDAR_SECRET (the old one in CALENDAR_SECRET_PREVIOUS)."""
        from portal.calendars import keys

        with database.connection_context():
            done = keys.rotate_stored_credentials()
        click.echo(f"Re-encrypted {done.rotated} calendar connection(s); {done.current} already used the current key.")
        if done.unreadable:
            click.echo(f"{len(done.unreadable)} connection(s) could not be decrypted with either key (users "
                       f"{', '.join(map(str, done.unreadable))}): is CALENDAR_SECRET_PREVIOUS the old secret? Those "
                       "people must connect their calendar again otherwise.", err=True)
            sys.exit(1)

    @app.cli.command("import-people")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--check-only", is_flag=True, help="Check the file and show the preview; import nothing.")
    def import_people(path, check_only):
        """Import the organisation's people from a CSV, all or nothing; exits 1 and imports nobody if a row is wrong."""
        from portal.organisation import csvfile, operations, roster

        with database.connection_context():
            ensure_database()
            try:
                with path.open("rb") as stream:
                    upload = operations.check_file(stream, path.name, None)
            except csvfile.FileProblem as problem:
                click.echo(f"{path.name}: {problem}", err=True)
                sys.exit(1)
            click.echo(f"{upload.rows} rows checked: {upload.errors} errors, {upload.warnings} warnings.")
            for note in upload.notes:
                click.echo(note)
            for kind in ("error", "warning"):
                for row in roster.problems(upload, kind).iterator():
                    click.echo(f"line {row.line}: {kind}: {getattr(row, kind)}", err=kind == "error")
            if upload.errors or check_only:
                operations.discard(upload)
            if upload.errors:
                click.echo(f"Nothing imported. {operations.SHOWN_ERRORS_NOTE}", err=True)
                sys.exit(1)
            counts = upload.counts
            if check_only:
                click.echo(f"Would import: {counts['new']} new, {counts['updated']} updated, "
                           f"{counts['unchanged']} unchanged.")
                return
            upload = operations.confirm_import(upload, None, background=False)
            counts = upload.counts
            click.echo(f"Imported: {counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged.")

    @app.cli.command("db-snapshot")
    def db_snapshot():
        """Write the SQLite schema of the newest version to portal/migrations/snapshots/."""
        from peewee import SqliteDatabase

        from portal.db import open_database

        scratch = open_database("sqlite:///:memory:")
        assert isinstance(scratch, SqliteDatabase)
        migrations.create_schema(scratch)
        path = migrations.SNAPSHOTS / f"{migrations.head_version():04d}.sql"
        path.write_text(migrations.snapshot_sql(scratch))
        click.echo(f"Wrote {path.relative_to(migrations.SNAPSHOTS.parent.parent.parent)}")


def echo_postgres(what_to_do: str, commands: list[str], password: str) -> None:
    """Tell someone running a PostgreSQL portal which commands to run themselves, and about the password."""
    click.echo(f"This portal uses PostgreSQL: {what_to_do}")
    for command in commands:
        click.echo(f"  {command}")
    if password:
        click.echo(f"  ({password})")


def print_logins(password: str | None) -> None:
    click.echo("Demo logins" + (f" (password: {password}):" if password else " (password as loaded, default demo-password):"))
    for email in DEMO_LOGINS:
        click.echo(f"  {email}")
