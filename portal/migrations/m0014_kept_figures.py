"""Version 14: reporting figures counted by a job ahead of the page, shared by every worker."""
from __future__ import annotations

from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, Model, TextField


def upgrade(migrator, database):
    # The table as it was at version 14, frozen here so later model changes cannot alter this step.
    class Base(Model):
        class Meta:
            legacy_table_names = False

    class Program(Base):
        pass

    class KeptFigures(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        name = CharField()
        version = TextField()
        value = BlobField()
        as_of = DateTimeField()
        refreshing_since = DateTimeField(null=True)

        class Meta:
            indexes = ((("program", "name"), True),)

    database.bind([KeptFigures, Program], bind_refs=False, bind_backrefs=False)
    database.create_tables([KeptFigures], safe=False)
