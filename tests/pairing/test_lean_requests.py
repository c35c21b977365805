"""Participant pages make a handful of SQL statements, however many mentors there are: a regression fails here."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from portal.models import Match, MatchRequest, Program
from portal.pairing import directory, directory_changes, load_changes, tasks
from portal.pairing.operations import create_match
from tests.console.conftest import give_answers
from tests.statements import statements, within_bound

HTMX = {"HX-Request": "true", "HX-Target": "results"}
HOURS = {"timezone": "Europe/London", "working_hours": {"start": "09:00", "end": "17:00"}, "location": "Virtual"}
NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def people(create_user, program, pairing_open):
    """Six mentors with profiles, a mentee who shortlisted two, and a matched pair."""
    mentors = []
    for n in range(6):
        mentor = create_user(f"mentor{n}@example.org", roles=("mentor",), name=f"Mentor {n}")
        give_answers(program, mentor, "mentor", {**HOURS, "strengths": ["Python", "Leadership"][: n % 2 + 1],
                                                 "capacity": "2"}, capacity=2)
        mentors.append(mentor)
    mentee = create_user("mia@example.org", roles=("mentee",), name="Mia Chen")
    give_answers(program, mentee, "mentee", {**HOURS, "grow": ["Python"], "goals_6m": "Lead a team"})
    matched = create_user("leo@example.org", roles=("mentee",), name="Leo Lee")
    give_answers(program, matched, "mentee", {**HOURS, "grow": ["Python"], "goals_6m": "Grow"})
    match = Match.create(program=program, mentor=mentors[5], mentee=matched, made_by="admin")
    return dict(mentors=mentors, mentee=mentee, matched=matched, match=match)


def _count(call, bound: int):
    with statements() as made:
        response = call()
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    # PostgreSQL's row locks (the write lock of shortlist changes, requests and approvals) are one statement more
    # there than SQLite's BEGIN IMMEDIATE; they are the capacity rule, not waste, and stay at most two.
    locks = [sql for sql in made if sql.rstrip().endswith("FOR UPDATE")]
    assert len(made) - len(locks) <= bound and len(locks) <= 2, within_bound(made, bound)
    return response


def test_directory_and_profile_pages_make_a_handful_of_statements(people, browser):
    mia = browser("mia@example.org")
    mia.get("/mentors")  # the first search builds the index; later ones only read
    mentor = people["mentors"][0]
    # The viewer's own rows (session, roles, answers, matches for the navigation, calendar) are kept by the worker
    # between requests (portal/person_kept.py), with their shortlist: a search reads the counters, nothing more.
    assert b"Mentor 3" in _count(lambda: mia.get("/mentors"), 1).data
    assert b"Mentor" in _count(lambda: mia.get("/mentors?q=pythn", headers=HTMX), 1).data
    assert b"Mentor 0" in _count(lambda: mia.get(f"/mentors/{mentor.id}"), 4).data


def test_shortlist_requests_and_approvals_make_a_handful_of_statements(people, browser):
    mia = browser("mia@example.org")
    first, second = people["mentors"][:2]
    mia.get("/mentors")
    token = mia.token("/shortlist")
    _count(lambda: mia.post(f"/shortlist/{first.id}", data={"csrf_token": token, "action": "add"},
                            headers={"HX-Request": "true"}), 6)
    _count(lambda: mia.post(f"/shortlist/{second.id}", data={"csrf_token": token, "action": "add"},
                            headers={"HX-Request": "true", "HX-Target": "shortlist"}), 9)
    _count(lambda: mia.get("/shortlist"), 5)
    # Sending a request stores whose load moved beside the load counter (portal/pairing/load_changes.py).
    _count(lambda: mia.post("/requests", data={"csrf_token": token, "message": "Hello"}), 14)
    request = MatchRequest.get(MatchRequest.mentee == people["mentee"].id)
    mentor = browser(request.mentor.email)
    token = mentor.token("/inbox")
    _count(lambda: mentor.get("/inbox"), 4)
    with statements() as made:
        response = _count(lambda: mentor.post(f"/requests/{request.id}/approve", data={"csrf_token": token}), 19)
    # Both "you are now matched" emails are stored by one insert, in one transaction (mail.send_many).
    assert sum(sql.startswith("INSERT") and 'INTO "email"' in sql for sql in made) == 1, within_bound(made, 19)
    assert "/matches/" in response.headers["Location"]


def test_the_home_page_reads_the_persons_rows_once(people, browser):
    """The home page, the navigation and the questionnaire's progress share the person's rows, kept between requests."""
    mia = browser("mia@example.org")
    mia.get("/")
    response = _count(lambda: mia.get("/"), 3)
    assert b"required answers given" in response.data  # the questionnaire's progress, from the same rows


def test_match_page_and_session_offers_make_a_handful_of_statements(people, browser):
    leo = browser("leo@example.org")
    match = people["match"]
    with time_machine.travel(NOW, tick=True):
        leo.get(f"/matches/{match.id}")
        # One of these asks whether the pair has a session yet: until then the page says who reaches out first.
        assert b"Mentor 5" in _count(lambda: leo.get(f"/matches/{match.id}"), 6).data
        _count(lambda: leo.get(f"/matches/{match.id}/sessions"), 5)
        _count(lambda: leo.get(f"/matches/{match.id}/sessions", headers={"HX-Request": "true"}), 4)


def test_a_mentors_load_kept_between_requests_moves_with_every_request_and_match(people, browser):
    """Loads are counted again only when the load counter moves, and every change that matters moves it."""
    mentor = people["mentors"][0]
    mia = browser("mia@example.org")

    def room() -> str:
        page = mia.get(f"/mentors/{mentor.id}").get_data(as_text=True)
        return "Full" if "badge-closed" in page else "Popular" if "Popular" in page else "places left"

    assert room() == "places left"
    token = mia.token("/shortlist")
    mia.post(f"/shortlist/{mentor.id}", data={"csrf_token": token, "action": "add"})
    mia.post("/requests", data={"csrf_token": token, "message": "Hello"})
    request = MatchRequest.get(MatchRequest.mentee == people["mentee"].id)
    assert request.mentor_id == mentor.id
    # Capacity 2, one place asked for, nobody matched: still room, and the same page again reads no loads.
    assert room() == "places left"
    with statements() as made:
        room()
    assert not [sql for sql in made if "GROUP BY" in sql], within_bound(made, 0)
    approving = browser(mentor.email)
    approving.post(f"/requests/{request.id}/approve", data={"csrf_token": approving.token("/inbox")})
    assert Match.get(Match.mentee == people["mentee"].id).mentor_id == mentor.id
    # One of two places taken: the page moves at once.
    assert "1 place left" in mia.get(f"/mentors/{mentor.id}").get_data(as_text=True)


def test_only_the_mentors_whose_load_moved_are_counted_again(app, people, program, browser, create_user):
    """A withdrawal and a match that settles other requests move the load too, and only those mentors are counted."""
    first, second = people["mentors"][:2]
    nia = create_user("nia@example.org", roles=("mentee",), name="Nia Obi")
    give_answers(program, nia, "mentee", {**HOURS, "grow": ["Python"], "goals_6m": "Grow"})

    def load(mentor) -> tuple[int, int]:
        with app.test_request_context():
            held = directory.directory(Program.current()).get(mentor.id)
        return held.matched, held.pending

    assert load(first) == (0, 0)
    for email in ("mia@example.org", "nia@example.org"):
        mentee = browser(email)
        token = mentee.token("/shortlist")
        mentee.post(f"/shortlist/{first.id}", data={"csrf_token": token, "action": "add"})
        mentee.post("/requests", data={"csrf_token": token, "message": "Hello"})
    with statements() as made:
        assert load(first) == (0, 2)
    counted = [sql for sql in made if "GROUP BY" in sql]
    assert len(counted) == 2 and all('"mentor_id" IN (' in sql for sql in counted), within_bound(made, 0)

    mia = browser("mia@example.org")
    request = MatchRequest.get(MatchRequest.mentee == people["mentee"].id)
    mia.post(f"/requests/{request.id}/withdraw", data={"csrf_token": mia.token("/shortlist")})
    assert load(first) == (0, 1)
    # The admin pairs Nia with another mentor: her request to the first is settled, and both loads move.
    with app.test_request_context():
        create_match(program, second, nia, made_by="admin", actor=None)
    assert load(first) == (0, 0) and load(second) == (1, 0)


def test_a_load_change_that_says_not_whose_counts_everyone_again(app, people, program):
    mentor = people["mentors"][0]
    with app.test_request_context():
        assert directory.directory(Program.current()).get(mentor.id).matched == 0
    mentee = people["mentee"]
    Match.create(program=program, mentor=mentor, mentee=mentee, made_by="admin")
    with app.test_request_context():
        load_changes.note(program, None)
        with statements() as made:
            assert directory.directory(Program.current()).get(mentor.id).matched == 1
    assert not [sql for sql in made if '"mentor_id" IN (' in sql], within_bound(made, 0)


def test_a_new_index_takes_over_the_loads_without_counting_them_again(app, people, program):
    mentor, full = people["mentors"][0], people["mentors"][5]
    with app.test_request_context():
        first = directory.directory(Program.current())
    assert first.get(full.id).matched == 1
    directory_changes.note(program, [mentor.id])  # a mentor saved their answers: the index is updated for them
    tasks.update_directory(program.id)
    with app.test_request_context(), statements() as made:
        held = directory.directory(Program.current())
    assert held.index is not first.index and held.get(full.id).matched == 1
    assert not [sql for sql in made if "GROUP BY" in sql], within_bound(made, 0)
