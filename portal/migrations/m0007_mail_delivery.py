"""Version 7: an email's delivery claim and its next attempt, so a sweep retries what a worker or server dropped."""
from __future__ import annotations

from peewee import CharField, DateTimeField
from playhouse.migrate import migrate


def upgrade(migrator, database):
    # Emails already failed keep no schedule: they wait for an admin's retry, as they did before this version.
    migrate(
        migrator.add_column("email", "claim", CharField(null=True)),
        migrator.add_column("email", "claimed_at", DateTimeField(null=True)),
        migrator.add_column("email", "next_attempt_at", DateTimeField(null=True)),
        migrator.add_index("email", ("status", "next_attempt_at"), False),
    )
