"""Version 11: the launch's invitation waves, and who each wave invited (never twice)."""
from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField

from portal.models import JSONField


def upgrade(migrator, database):
    # The tables as they were at version 11, frozen here so later model changes cannot alter this step.
    class Base(Model):
        class Meta:
            legacy_table_names = False

    class Program(Base):
        pass

    class OrgPerson(Base):
        pass

    class Email(Base):
        pass

    class Wave(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        number = IntegerField()
        kind = CharField()
        segment = JSONField(default=dict)
        send_on = DateField()
        subject = CharField()
        body = TextField()
        sender_name = CharField(default="")
        reply_to = CharField(default="")
        status = CharField(default="draft")
        sent_at = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            indexes = ((("program", "number"), True),)

    class WaveInvitation(Base):
        wave = ForeignKeyField(Wave, on_delete="CASCADE")
        person = ForeignKeyField(OrgPerson, on_delete="CASCADE")
        email = ForeignKeyField(Email, null=True, on_delete="SET NULL")
        sent_at = DateTimeField()

        class Meta:
            indexes = ((("wave", "person"), True),)

    tables = [Wave, WaveInvitation]
    database.bind(tables + [Program, OrgPerson, Email], bind_refs=False, bind_backrefs=False)
    database.create_tables(tables, safe=False)
