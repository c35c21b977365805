"""Version 13: announcements to chat channels (Slack, Microsoft Teams), stored before they are posted."""
from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def upgrade(migrator, database):
    # The table as it was at version 13, frozen here so later model changes cannot alter this step.
    class Base(Model):
        class Meta:
            legacy_table_names = False

    class Program(Base):
        pass

    class ChatAnnouncement(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        channel = CharField()
        occasion = CharField()
        text = TextField()
        link = CharField(default="")
        status = CharField(default="queued")
        attempts = IntegerField(default=0)
        last_error = TextField(default="")
        created_at = DateTimeField()
        claimed_at = DateTimeField(null=True)
        next_attempt_at = DateTimeField(null=True)
        sent_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("program", "occasion", "channel"), True), (("status", "next_attempt_at"), False))

    database.bind([ChatAnnouncement, Program], bind_refs=False, bind_backrefs=False)
    database.create_tables([ChatAnnouncement], safe=False)
