"""Version 6: session versions and confirmed addresses on users, known devices on failed logins, reset requests."""
from __future__ import annotations

from peewee import SQL, BooleanField, CharField, DateTimeField, IntegerField, Model
from playhouse.migrate import migrate


def upgrade(migrator, database):
    # The table as it is at version 6, frozen here so later model changes cannot alter this step.
    class ResetRequest(Model):
        email = CharField(index=True)
        ip = CharField(index=True)
        at = DateTimeField(index=True)

        class Meta:
            legacy_table_names = False

    ResetRequest.bind(database)
    database.create_tables([ResetRequest], safe=False)
    migrate(
        migrator.add_column("user", "session_version", IntegerField(default=0, constraints=[SQL("DEFAULT 0")])),
        # Every account that exists already was made before addresses were confirmed: it counts as confirmed.
        migrator.add_column("user", "email_confirmed", BooleanField(default=True, constraints=[SQL("DEFAULT TRUE")])),
        migrator.add_column("login_attempt", "device", CharField(default="")),
        migrator.add_index("login_attempt", ("device",), False),
    )
