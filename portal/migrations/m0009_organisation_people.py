"""Version 9: the organisation's people, from CSV imports checked before they are confirmed."""
from __future__ import annotations

from peewee import SQL, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField
from playhouse.migrate import migrate

from portal.models import JSONField


def upgrade(migrator, database):
    # The tables as they were at version 9, frozen here so later model changes cannot alter this step.
    class Base(Model):
        class Meta:
            legacy_table_names = False

    class User(Base):
        pass

    class OrgPerson(Base):
        email = CharField(unique=True)
        name = CharField()
        department = CharField(default="")
        job_title = CharField(default="")
        location = CharField(default="")
        manager_email = CharField(default="")
        status = CharField(default="invited", index=True)
        user = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField()
        updated_at = DateTimeField()

    class PeopleImport(Base):
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        filename = CharField(default="")
        status = CharField(default="checked")
        rows = IntegerField(default=0)
        errors = IntegerField(default=0)
        warnings = IntegerField(default=0)
        notes = JSONField(default=list)
        counts = JSONField(default=dict)
        problem = TextField(default="")
        created_at = DateTimeField()
        finished_at = DateTimeField(null=True)

    class PeopleImportRow(Base):
        upload = ForeignKeyField(PeopleImport, on_delete="CASCADE")
        line = IntegerField()
        email = CharField(default="")
        name = CharField(default="")
        department = CharField(default="")
        job_title = CharField(default="")
        location = CharField(default="")
        manager_email = CharField(default="")
        error = TextField(default="")
        warning = TextField(default="")

        class Meta:
            indexes = ((("upload", "line"), True), (("upload", "email"), False))

    tables = [OrgPerson, PeopleImport, PeopleImportRow]
    database.bind(tables + [User], bind_refs=False, bind_backrefs=False)
    database.create_tables(tables, safe=False)
    # Existing programmes keep their size until an import sets it: nobody could be told apart as typing it before.
    migrate(migrator.add_column("program", "organisation_size_by_hand",
                                BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])))
