"""Version 5: action items, private session notes, follow-ups, programme agendas, surveys, exit feedback."""
from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField
from playhouse.migrate import migrate

from portal.models import JSONField


def upgrade(migrator, database):
    # The tables as they were at version 5, frozen here so later model changes cannot alter this step.
    class Base(Model):
        class Meta:
            legacy_table_names = False

    class Program(Base):
        pass

    class User(Base):
        pass

    class Match(Base):
        pass

    class Meeting(Base):
        pass

    class Feedback(Base):
        pass

    class ActionItem(Base):
        match = ForeignKeyField(Match, on_delete="CASCADE")
        meeting = ForeignKeyField(Meeting, null=True, on_delete="SET NULL")
        feedback = ForeignKeyField(Feedback, null=True, on_delete="SET NULL")
        author = ForeignKeyField(User, on_delete="CASCADE")
        text = TextField()
        done_at = DateTimeField(null=True)
        done_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField()

        class Meta:
            indexes = ((("match", "done_at"), False),)

    class MeetingNote(Base):
        meeting = ForeignKeyField(Meeting, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")
        body = TextField(default="")
        updated_at = DateTimeField()

        class Meta:
            indexes = ((("meeting", "user"), True),)

    class FollowUp(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        match = ForeignKeyField(Match, null=True, on_delete="CASCADE")
        user = ForeignKeyField(User, null=True, on_delete="CASCADE")
        reason = CharField()
        details = TextField(default="")
        source = CharField(unique=True)
        created_at = DateTimeField()
        resolved_at = DateTimeField(null=True)
        resolved_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        resolution = TextField(default="")

        class Meta:
            indexes = ((("program", "resolved_at"), False),)

    class Agenda(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        slug = CharField()
        title = CharField()
        position = IntegerField()
        duration_minutes = IntegerField(default=60)
        summary = TextField(default="")
        before = JSONField(default=list)
        during = JSONField(default=list)
        after = JSONField(default=list)
        body = TextField(default="")
        active = BooleanField(default=True)
        updated_at = DateTimeField()

        class Meta:
            indexes = ((("program", "slug"), True),)

    class Survey(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        kind = CharField()
        questions = JSONField(default=list)
        sent_at = DateTimeField(null=True)
        reminded_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("program", "kind"), True),)

    class SurveyResponse(Base):
        survey = ForeignKeyField(Survey, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")
        role = CharField()
        answers = JSONField(default=dict)
        rating = IntegerField(null=True)
        submitted_at = DateTimeField()

        class Meta:
            indexes = ((("survey", "user"), True),)

    tables = [ActionItem, MeetingNote, FollowUp, Agenda, Survey, SurveyResponse]
    database.bind(tables + [Program, User, Match, Meeting, Feedback], bind_refs=False, bind_backrefs=False)
    database.create_tables(tables, safe=False)
    migrate(
        migrator.add_column("participant", "exit_feedback", TextField(null=True)),
        migrator.add_column("feedback", "fit", IntegerField(null=True)),
    )
