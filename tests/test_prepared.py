"""Statements compiled once per process send the same SQL and give the same rows as the queries they stand for."""
from __future__ import annotations

from portal.db import database
from portal.models import Program, Shortlist, User
from portal.prepared import Prepared, PreparedFamily

BY_EMAIL = Prepared(lambda email: User.select().where(User.email == email, User.active).paginate(1, 1), 1)
BY_EMAILS = PreparedFamily(lambda *emails: User.select(User.email).where(User.email.in_(list(emails))).tuples())
SHORTLIST = Prepared(lambda program, mentee: (
    Shortlist.select(Shortlist, User).join(User, on=(Shortlist.mentor == User.id))
    .where(Shortlist.program == program, Shortlist.mentee == mentee).order_by(Shortlist.position)
), 2)


def test_the_sql_is_the_querys_own_with_the_values_in_their_places(create_user, db):
    mia = create_user("mia@example.org")
    query = User.select().where(User.email == "mia@example.org", User.active).paginate(1, 1)
    sql, params = query.sql()
    assert BY_EMAIL.sql() == sql and params[0] == "mia@example.org"
    found = BY_EMAIL.first("mia@example.org")
    assert isinstance(found, User) and found.id == mia.id and found.__data__ == query.get().__data__
    assert BY_EMAIL.first("nobody@example.org") is None


def test_joined_models_come_back_as_the_query_builds_them(create_user, program):
    mentee, mentor = create_user("leo@example.org"), create_user("mentor@example.org", name="Mentor One")
    Shortlist.create(program=program, mentee=mentee, mentor=mentor, position=1)
    [entry] = SHORTLIST.rows(program.id, mentee.id)
    assert entry.mentor_id == mentor.id and entry.mentor.name == "Mentor One"
    assert SHORTLIST.rows(program.id, mentor.id) == []


def test_another_database_gets_its_own_compilation(db):
    first = BY_EMAIL.sql()
    # Compiled for the database the proxy is bound to now: the same text while it stays bound there.
    assert BY_EMAIL.sql() is first
    assert BY_EMAIL._compiled[0] is database.obj
    assert Program.current() is not None


def test_a_family_compiles_one_statement_per_number_of_values(create_user, db):
    for name in ("ann", "bob", "cat"):
        create_user(f"{name}@example.org")
    assert sorted(BY_EMAILS.rows("ann@example.org", "cat@example.org")) == [("ann@example.org",), ("cat@example.org",)]
    assert BY_EMAILS.rows("bob@example.org") == [("bob@example.org",)]
    assert BY_EMAILS.rows() == []
    assert sorted(BY_EMAILS._members) == [0, 1, 2]
