"""Version 2: shortlists, match requests and named counters for mentee-led pairing."""
from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def upgrade(migrator, database):
    # The tables as they were at version 2, frozen here so later model changes cannot alter this step.
    class Base(Model):
        class Meta:
            legacy_table_names = False

    class Program(Base):
        pass

    class User(Base):
        pass

    class Shortlist(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        mentee = ForeignKeyField(User, on_delete="CASCADE")
        mentor = ForeignKeyField(User, on_delete="CASCADE")
        position = IntegerField(default=0)
        created_at = DateTimeField()

        class Meta:
            indexes = ((("program", "mentee", "mentor"), True),)

    class MatchRequest(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        mentee = ForeignKeyField(User, on_delete="CASCADE")
        mentor = ForeignKeyField(User, on_delete="CASCADE")
        status = CharField(default="pending")
        message = TextField(default="")
        reason = TextField(default="")
        created_at = DateTimeField()
        expires_at = DateTimeField()
        decided_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("status", "expires_at"), False), (("mentor", "status"), False), (("mentee", "status"), False))

    class Counter(Base):
        name = CharField(primary_key=True)
        value = IntegerField(default=0)

    tables = [Shortlist, MatchRequest, Counter]
    database.bind(tables + [Program, User], bind_refs=False, bind_backrefs=False)
    database.create_tables(tables, safe=False)
