"""Version 4: calendar connections, calendar feeds, meetings and their feedback."""
from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def upgrade(migrator, database):
    # The tables as they were at version 4, frozen here so later model changes cannot alter this step.
    class Base(Model):
        class Meta:
            legacy_table_names = False

    class User(Base):
        pass

    class Match(Base):
        pass

    class CalendarConnection(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", unique=True)
        kind = CharField()
        url = CharField(default="")
        username = CharField(default="")
        calendar_url = CharField(default="")
        account_id = CharField(default="")
        secret = TextField(default="")
        status = CharField(default="ok")
        problem = TextField(default="")
        created_at = DateTimeField()
        checked_at = DateTimeField(null=True)
        broken_at = DateTimeField(null=True)

    class CalendarFeed(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", unique=True)
        secret = CharField(unique=True)
        created_at = DateTimeField()

    class Meeting(Base):
        match = ForeignKeyField(Match, on_delete="CASCADE")
        organizer = ForeignKeyField(User, on_delete="CASCADE")
        number = IntegerField()
        agenda = CharField()
        starts_at = DateTimeField()
        ends_at = DateTimeField()
        zone = CharField(default="UTC")
        location_kind = CharField(default="virtual")
        location = CharField(default="")
        uid = CharField(unique=True)
        sequence = IntegerField(default=0)
        status = CharField(default="scheduled")
        sync_state = CharField(default="pending")
        sync_attempts = IntegerField(default=0)
        sync_error = TextField(default="")
        remote_id = CharField(default="")
        synced_sequence = IntegerField(default=-1)
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            indexes = ((("organizer", "starts_at"), False), (("match", "number"), False), (("sync_state",), False))

    class Feedback(Base):
        meeting = ForeignKeyField(Meeting, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")
        rating = IntegerField()
        went_well = TextField(default="")
        action_items = TextField(default="")
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            indexes = ((("meeting", "user"), True),)

    tables = [CalendarConnection, CalendarFeed, Meeting, Feedback]
    database.bind(tables + [User, Match], bind_refs=False, bind_backrefs=False)
    database.create_tables(tables, safe=False)
