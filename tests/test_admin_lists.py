"""Admin lists hold one page at a time, however many rows there are: 300 mentees to pair, 300 written answers."""
from __future__ import annotations

import re

import pytest

from portal.models import Participant, Survey, SurveyResponse, User, utcnow
from portal.pairing.routes import UNPAIRED_PAGE_SIZE
from portal.surveys import defaults
from portal.surveys.results import ANSWERS_PER_PAGE

MANY = 300


@pytest.fixture
def crowd(program):
    """300 mentees who finished the questionnaire, none paired: the ids in joining order."""
    User.insert_many([{"email": f"m{i:03d}@example.org", "name": f"Mentee {i:03d}", "password_hash": "-"}
                      for i in range(MANY)]).execute()
    users = list(User.select().where(User.email.startswith("m")).where(User.name.startswith("Mentee ")))
    Participant.insert_many([{"program": program.id, "user": u.id, "role": "mentee", "status": "ready",
                              "questionnaire_completed_at": utcnow()} for u in users]).execute()
    return users


@pytest.fixture
def admin_browser(admin, client):
    client.login(admin.email)
    return client


def test_unpaired_shows_one_page_and_the_next_ones_hold_the_rest(admin_browser, crowd):
    seen = []
    pages = -(-MANY // UNPAIRED_PAGE_SIZE)
    for page in range(1, pages + 1):
        body = admin_browser.get(f"/admin/unpaired?page={page}").get_data(as_text=True)
        names = re.findall(r">(Mentee \d{3})</a>", body)
        assert len(names) == UNPAIRED_PAGE_SIZE
        assert f"Page {page} of {pages}" in body
        seen += names
    assert sorted(seen) == sorted(u.name for u in crowd)
    beyond = admin_browser.get(f"/admin/unpaired?page={pages + 1}").get_data(as_text=True)
    assert re.findall(r">(Mentee \d{3})</a>", beyond) == []


def test_survey_results_show_one_page_of_written_answers(admin_browser, program, crowd):
    survey = Survey.create(program=program, kind="midpoint", questions=defaults.questions(), sent_at=utcnow())
    text_keys = [q["key"] for q in survey.questions if q["kind"] != "rating"]
    SurveyResponse.insert_many([{"survey": survey.id, "user": u.id, "role": "mentee", "rating": 4,
                                 "answers": {**{key: f"Answer {i:03d}" for key in text_keys}, defaults.OVERALL: 4}}
                                for i, u in enumerate(crowd)]).execute()
    first = admin_browser.get("/admin/surveys/midpoint/results").get_data(as_text=True)
    assert first.count("<blockquote") == ANSWERS_PER_PAGE * len(text_keys)
    assert "Average 4.0" in first and f"from {MANY} ratings" in first  # the ratings still count everyone
    last = admin_browser.get(f"/admin/surveys/midpoint/results?page={MANY // ANSWERS_PER_PAGE}").get_data(as_text=True)
    assert last.count("<blockquote") == ANSWERS_PER_PAGE * len(text_keys) and "Answer 299" in last
    assert "Answer 299" not in first


def _admin_pages(app) -> list[str]:
    """Every admin GET page whose address names nothing but a survey kind, found from the app's own routes."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if "GET" in rule.methods and getattr(view, "admin_only", False) and rule.arguments <= {"kind"}:
            found.append(rule.rule.replace("<kind>", "midpoint"))
    return sorted(found)


def test_no_admin_page_lists_more_than_one_page_of_300_mentees(app, admin_browser, crowd, program):
    survey = Survey.create(program=program, kind="midpoint", questions=defaults.questions(), sent_at=utcnow())
    text_keys = [q["key"] for q in survey.questions if q["kind"] != "rating"]
    SurveyResponse.insert_many([{"survey": survey.id, "user": u.id, "role": "mentee", "rating": 3,
                                 "answers": {text_keys[0]: f"Fine, says {u.name}", defaults.OVERALL: 3}}
                                for u in crowd]).execute()
    pages = _admin_pages(app)
    assert {"/admin/unpaired", "/admin/people", "/admin/surveys/midpoint/results", "/admin/pairing"} <= set(pages)
    too_long = {}
    for url in pages:
        response = admin_browser.get(url)
        if response.mimetype != "text/html":  # the promotion poster is a PDF, not a list
            continue
        body = response.get_data(as_text=True)
        shown = len(set(re.findall(r"Mentee (\d{3})", body)))
        if shown > 50:
            too_long[url] = shown
    assert too_long == {}
