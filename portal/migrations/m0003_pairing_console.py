"""Version 3: pairing drafts, their pairs and admin exclusions for the pairing console."""
from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, FloatField, ForeignKeyField, Model, TextField

from portal.models import JSONField


def upgrade(migrator, database):
    # The tables as they were at version 3, frozen here so later model changes cannot alter this step.
    class Base(Model):
        class Meta:
            legacy_table_names = False

    class Program(Base):
        pass

    class User(Base):
        pass

    class Match(Base):
        pass

    class PairingDraft(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        objective = CharField(default="optimal")
        status = CharField(default="draft")
        weights = JSONField(default=dict)
        summary = JSONField(default=dict)
        unmatched = JSONField(default=dict)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        published_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("program", "status"), False),)

    class DraftPair(Base):
        draft = ForeignKeyField(PairingDraft, on_delete="CASCADE")
        mentee = ForeignKeyField(User, on_delete="CASCADE")
        mentor = ForeignKeyField(User, on_delete="CASCADE")
        fit = FloatField(default=0.0)
        favourite = BooleanField(default=False)
        pinned = BooleanField(default=False)
        source = CharField(default="algorithm")
        outcome = CharField(default="")
        match = ForeignKeyField(Match, null=True, on_delete="SET NULL")

        class Meta:
            indexes = ((("draft", "mentee"), True), (("draft", "mentor"), False))

    class PairingExclusion(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        mentee = ForeignKeyField(User, on_delete="CASCADE")
        mentor = ForeignKeyField(User, on_delete="CASCADE")
        reason = TextField(default="")
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField()

        class Meta:
            indexes = ((("program", "mentee", "mentor"), True),)

    tables = [PairingDraft, DraftPair, PairingExclusion]
    database.bind(tables + [Program, User, Match], bind_refs=False, bind_backrefs=False)
    database.create_tables(tables, safe=False)
