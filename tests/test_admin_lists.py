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
