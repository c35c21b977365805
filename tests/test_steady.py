"""The programme, settings, questions, agendas and skills kept per process until a trigger says they changed."""
from __future__ import annotations

import pytest

from portal import migrations, settings, steady
from portal.db import database, open_database
from portal.models import Agenda, Counter, Program, Question, Setting, Skill, SkillAlias
from portal.questionnaire import operations as questionnaire
from tests.snapshots import upgraded_from
from tests.statements import statements


def reads_of(made: list[str], table: str) -> int:
    """Statements that read the table (a statement run by name carries its SELECT as a comment)."""
    return sum(1 for sql in made if "SELECT" in sql and f'FROM "{table}"' in sql)


def version() -> int:
    found = Counter.get_or_none(Counter.name == steady.VERSION)
    return found.value if found else 0


def test_a_new_database_has_the_triggers_on_every_steady_table(db):
    assert steady.installed(database) == set(steady.TABLES)


def test_an_upgraded_database_has_them_too(tmp_path):
    with upgraded_from(tmp_path, 14) as (upgraded, applied):
        assert applied[0] == 15
        assert steady.installed(upgraded) == set(steady.TABLES)


@pytest.mark.parametrize("write", [
    lambda program: Program.update(name="Renamed").where(Program.id == program.id).execute(),
    lambda program: Setting.insert(program=program, key="meeting_minutes", value=30).execute(),
    lambda program: Question.update(prompt="Changed").where(Question.program == program).execute(),
    lambda program: Question.select().where(Question.program == program).first().delete_instance(),
    lambda program: Agenda.create(program=program, slug="extra", title="Extra", position=9, duration_minutes=30),
    lambda program: Skill.create(name="Underwater basket weaving"),
    lambda program: SkillAlias.create(alias="ubw", skill=Skill.get()),
], ids=["program", "setting", "question-update", "question-delete", "agenda", "skill", "skill-alias"])
def test_every_write_to_a_steady_table_moves_the_counter(program, write):
    before = version()

    write(program)

    assert version() > before


def test_a_write_elsewhere_moves_nothing(program, create_user):
    before = version()

    create_user("someone@example.org", roles=("mentor",))

    assert version() == before


def test_a_request_takes_what_the_last_one_read_until_a_write_says_otherwise(app, program):
    with app.test_request_context():
        settings.get(program, "meeting_minutes")
        questionnaire.questions_for(program, {"mentee"})
        Program.current()
    with statements() as made, app.test_request_context():
        assert settings.get(program, "meeting_minutes") == 60
        assert questionnaire.questions_for(program, {"mentee"})
        assert Program.current().id == program.id
    # One statement: the counter. Nothing of the programme, its settings or questions.
    assert [reads_of(made, t) for t in ("program", "setting", "question", "counter")] == [0, 0, 0, 1]

    # Another process's write: the same tables, through another connection's trigger.
    Setting.insert(program=program, key="meeting_minutes", value=45).execute()
    with statements() as made, app.test_request_context():
        assert settings.get(program, "meeting_minutes") == 45
    assert reads_of(made, "setting") == 1


def test_a_request_sees_its_own_write_at_once(app, program):
    with app.test_request_context():
        assert Program.current().name == program.name
        Program.update(name="Spring cohort").where(Program.id == program.id).execute()

        assert Program.current().name == "Spring cohort"


def test_changing_a_row_it_was_given_changes_nothing_kept(app, program):
    with app.test_request_context():
        Program.current().name = "Changed in memory only"
        questionnaire.questions_for(program, {"mentee"})[0].prompt = "Not saved"
    with app.test_request_context():
        assert Program.current().name == program.name
        assert questionnaire.questions_for(program, {"mentee"})[0].prompt != "Not saved"


def test_inside_a_transaction_it_reads_the_database(app, program):
    with app.test_request_context():
        Program.current()
        with statements() as made, database.atomic():
            Program.current()
    assert reads_of(made, "program") == 1


def test_another_database_starts_afresh(app, program, tmp_path):
    with app.test_request_context():
        Program.current()
    first = database.obj
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        other.connect()
        migrations.upgrade(other)
        with app.test_request_context():
            assert Program.current() is None
        other.close()
    finally:
        database.initialize(first)
