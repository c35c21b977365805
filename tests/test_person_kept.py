"""A person's own rows kept per process between their requests, until a trigger says one of them changed."""
from __future__ import annotations

import datetime as dt

import pytest
from flask import session

from portal import person_kept
from portal.db import database
from portal.models import Answer, CalendarConnection, Counter, Match, Participant, Question, Shortlist, User
from portal.questionnaire import operations as questionnaire
from tests.snapshots import upgraded_from
from tests.statements import statements


def counter(user, kind: str = person_kept.PREFIX) -> int:
    found = Counter.get_or_none(Counter.name == person_kept.counter_name(user.id, kind))
    return found.value if found else 0


def reads_of(made: list[str], table: str) -> int:
    """Statements that read the table (a statement run by name carries its SELECT as a comment)."""
    return sum(1 for sql in made if "SELECT" in sql and f'FROM "{table}"' in sql)


@pytest.fixture
def pair(create_user, program):
    mia = create_user("mia@example.org", roles=("mentor",))
    leo = create_user("leo@example.org", roles=("mentee",))
    return mia, leo


def test_a_new_database_has_the_triggers_on_every_table_of_someones_own_rows(db):
    assert person_kept.installed(database) == set(person_kept.TABLES)


def test_an_upgraded_database_has_them_too(tmp_path):
    with upgraded_from(tmp_path, 15) as (upgraded, applied):
        assert applied == [16]
        assert person_kept.installed(upgraded) == set(person_kept.TABLES)


@pytest.mark.parametrize("write", [
    lambda mia, program: User.update(name="Mia Renamed").where(User.id == mia.id).execute(),
    lambda mia, program: Participant.update(status="exited").where(Participant.user == mia).execute(),
    lambda mia, program: Participant.delete().where(Participant.user == mia).execute(),
    lambda mia, program: Participant.create(program=program, user=mia, role="mentee"),
    lambda mia, program: Answer.create(program=program, user=mia, question=Question.select().first(), value="x"),
    lambda mia, program: CalendarConnection.create(user=mia, kind="caldav", url="https://cal.example.org/"),
], ids=["user", "participant-update", "participant-delete", "participant-insert", "answer", "calendar"])
def test_every_write_to_someones_own_rows_moves_their_counter_and_nobody_elses(pair, program, write):
    mia, leo = pair
    before = counter(mia), counter(leo), counter(mia, person_kept.SHORTLIST)

    write(mia, program)

    assert counter(mia) > before[0]
    assert counter(leo) == before[1]
    assert counter(mia, person_kept.SHORTLIST) == before[2]


def test_a_shortlist_change_moves_the_mentees_shortlist_counter_only(pair, program):
    """A mentee browsing changes the shortlist often: the rest of what is kept of them stays."""
    mia, leo = pair
    before = counter(leo), counter(leo, person_kept.SHORTLIST), counter(mia), counter(mia, person_kept.SHORTLIST)

    entry = Shortlist.create(program=program, mentee=leo, mentor=mia)
    entry.delete_instance()

    after = counter(leo), counter(leo, person_kept.SHORTLIST), counter(mia), counter(mia, person_kept.SHORTLIST)
    assert after == (before[0], before[1] + 2, before[2], before[3])


def test_a_match_moves_both_counters_and_a_changed_mentee_moves_the_one_it_left(pair, program, create_user):
    mia, leo = pair
    ana = create_user("ana@example.org", roles=("mentee",))
    before = counter(mia), counter(leo), counter(ana)
    match = Match.create(program=program, mentor=mia, mentee=leo, made_by="admin")
    assert (counter(mia), counter(leo), counter(ana)) == (before[0] + 1, before[1] + 1, before[2])

    Match.update(mentee=ana).where(Match.id == match.id).execute()

    assert (counter(mia), counter(leo), counter(ana)) == (before[0] + 2, before[1] + 2, before[2] + 1)


def test_a_write_in_a_transaction_moves_the_counter_when_it_commits(pair):
    mia, _ = pair
    before = counter(mia)
    with database.atomic():
        User.update(name="Mia Later").where(User.id == mia.id).execute()
    assert counter(mia) == before + 1


def test_a_signed_in_persons_next_page_reads_none_of_their_rows(client, pair):
    client.login("leo@example.org")
    client.get("/mentors")
    with statements() as made:
        assert client.get("/mentors").status_code == 200
    tables = ("user", "participant", "answer", "match", "shortlist", "counter")
    assert [reads_of(made, table) for table in tables] == [0, 0, 0, 0, 0, 1]


def test_another_processs_write_reaches_the_next_page_at_once(client, create_user):
    """Role checks stay exact: a right taken away elsewhere (a command, another worker) is gone on the next page."""
    ada = create_user("ada@example.org", roles=(), admin=True)
    client.login("ada@example.org")
    assert client.get("/admin/settings").status_code == 200

    User.update(is_admin=False).where(User.id == ada.id).execute()
    assert client.get("/admin/settings").status_code == 403

    User.update(is_admin=True).where(User.id == ada.id).execute()
    assert client.get("/admin/settings").status_code == 200


def test_signing_out_everywhere_ends_a_session_kept_in_another_worker(client, pair):
    mia, _ = pair
    client.login("mia@example.org")
    assert client.get("/").status_code == 200

    User.update(session_version=User.session_version + 1).where(User.id == mia.id).execute()

    response = client.get("/mentors")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_request_sees_its_own_write_at_once(app, pair, program):
    mia, _ = pair
    question = Question.select().where(Question.program == program).first()
    with app.test_request_context():
        assert question.id not in questionnaire.answers_of(mia, program)
        Answer.create(program=program, user=mia, question=question, value="written now")

        assert questionnaire.answers_of(mia, program)[question.id] == "written now"


def test_changing_what_it_was_given_changes_nothing_kept(app, pair, program):
    mia, _ = pair
    question = Question.select().where(Question.program == program, Question.kind == "skills").first()
    Answer.create(program=program, user=mia, question=question, value=["Python"])
    read = _as_viewer(app, mia, lambda: questionnaire.answers_of(mia, program))
    read[question.id].append("Changed in memory only")

    assert _as_viewer(app, mia, lambda: questionnaire.answers_of(mia, program))[question.id] == ["Python"]


def _as_viewer(app, user, call):
    """`call()` in a request of `user`'s, whose counter comes with the first counters the request reads."""
    with app.test_request_context():
        session["_user_id"] = user.get_id()
        person_kept.note_viewer()
        return call()


def test_the_same_person_is_read_once_between_requests_and_again_after_a_write(app, pair, program):
    mia, _ = pair
    _as_viewer(app, mia, lambda: questionnaire.answers_of(mia, program))
    with statements() as made:
        _as_viewer(app, mia, lambda: questionnaire.answers_of(mia, program))
    assert reads_of(made, "answer") == 0

    Answer.create(program=program, user=mia, question=Question.select().first(), value="elsewhere")
    with statements() as made:
        _as_viewer(app, mia, lambda: questionnaire.answers_of(mia, program))
    assert reads_of(made, "answer") == 1


def test_someone_elses_rows_are_read_as_they_are_without_a_statement_for_their_counter(app, pair, program):
    mia, leo = pair
    with statements() as made:
        _as_viewer(app, mia, lambda: (questionnaire.answers_of(mia, program), questionnaire.answers_of(leo, program)))
    assert reads_of(made, "counter") == 1
    assert reads_of(made, "answer") == 2


def test_inside_a_transaction_it_reads_the_database(app, pair, program):
    mia, _ = pair
    _as_viewer(app, mia, lambda: questionnaire.answers_of(mia, program))

    def in_transaction():
        with database.atomic():
            return questionnaire.answers_of(mia, program)

    with statements() as made:
        _as_viewer(app, mia, in_transaction)
    assert reads_of(made, "answer") == 1


def test_only_the_most_recently_seen_people_are_kept(app, program, create_user, monkeypatch):
    monkeypatch.setattr(person_kept, "LIMIT", 2)
    people = [create_user(f"p{i}@example.org") for i in range(3)]
    for person in people:
        _as_viewer(app, person, lambda person=person: questionnaire.answers_of(person, program))
    assert list(person_kept._kept) == [person_kept.counter_name(person.id) for person in people[1:]]


def test_a_write_made_at_the_same_moment_is_never_kept_under_the_older_counter(app, pair, program):
    """The counter is read before the rows: rows read after a write elsewhere are kept under a counter older than
    that write, so the next request, which reads the newer counter, reads the rows again."""
    mia, _ = pair
    question = Question.select().where(Question.program == program).first()

    def read_then_written_elsewhere():
        found = questionnaire.answers_of(mia, program)
        Answer.insert(program=program, user=mia, question=question, value="meanwhile",
                      updated_at=dt.datetime(2026, 1, 1)).execute()
        return found

    _as_viewer(app, mia, read_then_written_elsewhere)
    assert _as_viewer(app, mia, lambda: questionnaire.answers_of(mia, program))[question.id] == "meanwhile"
