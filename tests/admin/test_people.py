"""The admin's people table (search, filters, sort, pages, a fixed number of queries) and a person's journey."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.models import Answer, Feedback, Match, MatchRequest, Meeting, Participant, Question, Survey, SurveyResponse


def _department(program, user, value):
    question = Question.get(Question.program == program, Question.key == "department")
    Answer.create(program=program, user=user, question=question, value=value)


def test_people_list_filters_and_serves_fragment_to_htmx(client, admin, create_user):
    create_user("zed@example.org", roles=("mentor",), name="Zed Zimmer")
    create_user("amy@example.org", roles=("mentee",), name="Amy Adams")
    client.login("admin@example.org")

    full = client.get("/admin/people?q=zed").get_data(as_text=True)
    assert "<html" in full and "Zed Zimmer" in full and "Amy Adams" not in full

    fragment = client.get("/admin/people?q=zed", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment
    assert "Zed Zimmer" in fragment and "1 participant." in fragment

    mentees = client.get("/admin/people?role=mentee").get_data(as_text=True)
    assert "Amy Adams" in mentees and "Zed Zimmer" not in mentees


@pytest.fixture
def people(program, admin, create_user):
    """Four people: a paired mentor and mentee, one who left and one who was deleted."""
    mia = create_user("mia@example.org", roles=("mentor",), name="Mia Mentor")
    leo = create_user("leo@example.org", roles=("mentee",), name="Leo Learner")
    sam = create_user("sam@example.org", roles=("mentee",), name="Sam Left")
    gone = create_user("gone@erased.invalid", roles=("mentee",), name="Deleted person")
    Match.create(program=program, mentor=mia, mentee=leo)
    Participant.update(status="exited", exited_at=dt.datetime(2026, 3, 1)).where(
        Participant.user.in_([sam.id, gone.id])).execute()
    Participant.update(questionnaire_completed_at=dt.datetime(2026, 2, 1)).where(Participant.user == leo).execute()
    _department(program, mia, "Engineering")
    _department(program, leo, "Design")
    return {"mia": mia, "leo": leo, "sam": sam, "gone": gone}


def _names(client, query: str) -> list[str]:
    page = client.get("/admin/people" + query)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    order = ["Mia Mentor", "Leo Learner", "Sam Left", "Deleted person"]
    return sorted([n for n in order if n in text], key=text.index)


@pytest.mark.parametrize("query, expected", [
    ("?status=active", ["Leo Learner", "Mia Mentor"]),
    ("?status=left", ["Sam Left"]),
    ("?status=deleted", ["Deleted person"]),
    ("?department=Design", ["Leo Learner"]),
    ("?finished=yes", ["Leo Learner"]),
    ("?finished=no", ["Deleted person", "Mia Mentor", "Sam Left"]),
    ("?paired=yes", ["Leo Learner", "Mia Mentor"]),
    ("?paired=no&role=mentee", ["Deleted person", "Sam Left"]),
    ("?q=example.org&sort=name&order=desc", ["Sam Left", "Mia Mentor", "Leo Learner"]),
    ("?sort=email", ["Deleted person", "Leo Learner", "Mia Mentor", "Sam Left"]),
    # Values the table does not know are dropped, never an error.
    ("?status=bogus&paired=maybe&sort=password&order=sideways&department=Nowhere&page=-3",
     ["Deleted person", "Leo Learner", "Mia Mentor", "Sam Left"]),
])
def test_filters_and_sort(client, people, query, expected):
    client.login("admin@example.org")
    assert _names(client, query) == expected


def test_sort_links_and_pages_keep_the_query(client, program, admin, create_user):
    for n in range(55):
        create_user(f"person{n:02}@example.org", roles=("mentee",), name=f"Person {n:02}")
    client.login("admin@example.org")
    page = client.get("/admin/people?role=mentee&paired=no&sort=name&order=desc").get_data(as_text=True)
    assert "Person 54" in page and "Person 00" not in page
    next_link = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(next_link).query) == {"role": ["mentee"], "paired": ["no"], "order": ["desc"],
                                                   "page": ["2"]}
    assert 'href="/admin/people?role=mentee&amp;paired=no"' in page  # the name column's link turns the order
    second = client.get("/admin/people?role=mentee&paired=no&order=desc&page=2").get_data(as_text=True)
    assert "Person 00" in second and "Person 54" not in second


@pytest.fixture
def statements(db, monkeypatch):
    """Counts the SQL statements sent to the database."""
    sent = []
    real = db.obj if hasattr(db, "obj") else db
    execute = real.execute_sql

    def counted(sql, *args, **kwargs):
        sent.append(sql)
        return execute(sql, *args, **kwargs)

    monkeypatch.setattr(real, "execute_sql", counted)
    return sent


def test_a_page_takes_the_same_few_statements_however_many_people(client, program, admin, create_user, statements):
    client.login("admin@example.org")
    mentor = create_user("m@example.org", roles=("mentor",))

    def count() -> int:
        statements.clear()
        assert client.get("/admin/people?status=active&paired=no&department=Design&sort=joined").status_code == 200
        assert client.get("/admin/people?page=2").status_code == 200
        return len(statements)

    count()  # the first pages fill what the worker keeps of the admin between requests
    few = count()
    for n in range(120):
        user = create_user(f"p{n}@example.org", roles=("mentee",))
        _department(program, user, "Design")
        if n % 3 == 0:
            Match.create(program=program, mentor=mentor, mentee=user)
    many = count()
    assert many == few
    assert many <= 2 * 10  # the login, the programme, the department question, a count and a page


def test_journey_on_a_persons_page(client, program, people):
    mia, leo = people["mia"], people["leo"]
    match = Match.get(Match.mentee == leo)
    MatchRequest.create(program=program, mentee=leo, mentor=mia, status="approved",
                        expires_at=dt.datetime(2026, 1, 20), created_at=dt.datetime(2026, 1, 10))
    meeting = Meeting.create(match=match, organizer=mia, number=1, agenda="first", uid="u1",
                             starts_at=dt.datetime(2026, 2, 3, 10), ends_at=dt.datetime(2026, 2, 3, 11))
    Feedback.create(meeting=meeting, user=leo, rating=2, fit=4, created_at=dt.datetime(2026, 2, 4))
    survey = Survey.create(program=program, kind="midpoint")
    SurveyResponse.create(survey=survey, user=leo, role="mentee", rating=5, submitted_at=dt.datetime(2026, 3, 2))
    Participant.update(exited_at=dt.datetime(2026, 4, 1), status="exited", exit_reason="moved on").where(
        Participant.user == leo).execute()
    client.login("admin@example.org")
    page = client.get(f"/people/{leo.id}").get_data(as_text=True)
    timeline = page[page.index('id="journey"'):]
    steps = ["Registered as mentee", "Asked Mia Mentor to mentor them (approved)", "Matched with Mia Mentor",
             "Finished the mentee questionnaire", "Session 1", "Gave feedback on session 1: rated 2 of 5, fit 4 of 5",
             "Answered the midpoint survey, rated 5 of 5", "Left the programme as mentee: moved on"]
    positions = [timeline.index(step) for step in steps[3:]]
    assert positions == sorted(positions)
    assert all(step in timeline for step in steps)
    mentor_page = client.get(f"/people/{mia.id}").get_data(as_text=True)
    assert "Leo Learner asked to be mentored (approved)" in mentor_page


def test_journey_is_for_admins_only(client, people):
    client.login("leo@example.org")
    assert 'id="journey"' not in client.get(f"/people/{people['leo'].id}").get_data(as_text=True)
