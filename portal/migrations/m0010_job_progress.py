"""Version 10: admins' bulk actions (running the matching, the weights preview, sending a survey) record their progress."""
from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField

from portal.models import JSONField


def upgrade(migrator, database):
    # The table as it was at version 10, frozen here so later model changes cannot alter this step.
    class Base(Model):
        class Meta:
            legacy_table_names = False

    class Program(Base):
        pass

    class User(Base):
        pass

    class JobProgress(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        kind = CharField()
        state = CharField(default="queued")
        done = IntegerField(default=0)
        total = IntegerField(default=0)
        message = TextField(default="")
        result = JSONField(default=dict)
        actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
        running_key = CharField(null=True, unique=True)
        created_at = DateTimeField()
        started_at = DateTimeField(null=True)
        updated_at = DateTimeField()
        finished_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("program", "kind", "created_at"), False),)

    database.bind([JobProgress, Program, User], bind_refs=False, bind_backrefs=False)
    database.create_tables([JobProgress], safe=False)
