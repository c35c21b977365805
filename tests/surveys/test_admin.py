"""The admins' survey pages: overview and sending switches, send now, the question editor and the results."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from portal import settings
from portal.models import AuditLog, Survey
from portal.surveys import operations
from tests.pairing.conftest import page_text
from tests.surveys.conftest import MIDPOINT, at

ADMIN_PAGES = ["/admin/surveys", "/admin/surveys/midpoint/questions", "/admin/surveys/end/results"]


@pytest.fixture
def ada(admin, browser):
    return browser(admin.email)


def rows_of(survey: Survey, **changes) -> dict:
    """The editor's form as the page fills it in, with `changes` (field name -> value) applied."""
    data = {}
    for index, question in enumerate(survey.questions):
        data.update({f"questions-{index}-key": question["key"], f"questions-{index}-text": question["text"],
                     f"questions-{index}-position": str(index + 1)})
    last = len(survey.questions)
    data.update({f"questions-{last}-key": "", f"questions-{last}-text": "", f"questions-{last}-kind": "text",
                 f"questions-{last}-position": str(last + 1)})
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_participants_are_kept_out_of_the_admin_pages(people, browser, url):
    leo = browser("leo@example.org")

    assert leo.get(url).status_code == 403
    assert leo.submit("/admin/surveys/midpoint/send", page="/surveys").status_code == 403


def test_overview_shows_dates_sending_and_response_rate(people, admin, run_job, browser, client, survey_link):
    run_job(at(MIDPOINT, 0))
    with time_machine.travel(at(MIDPOINT + dt.timedelta(days=1)), tick=True):
        client.submit(survey_link(people["leo"]), {"answer_overall": "4"})
        # Logged in now: a session from a year earlier (in test time) would have run out.
        text = page_text(browser(admin.email).get("/admin/surveys"))

    assert "Mid-point survey 5 questions 1 Mar 2027 1 Mar 2027, 00:00 UTC open until 31 Mar 2027 – 1 of 2 (50%)" in text
    assert "End-of-programme survey 5 questions 1 Jun 2027 Not yet" in text


def test_sending_settings_are_saved_and_bad_input_is_kept(people, ada, program):
    bad = ada.submit("/admin/surveys/settings", {"survey_end_enabled": "y", "survey_reminder_days": "40"},
                     page="/admin/surveys")
    assert bad.status_code == 400
    assert "Between 1 and 25 days." in page_text(bad) and 'value="40"' in bad.get_data(as_text=True)
    assert settings.get(program, "survey_reminder_days") == 5

    good = ada.submit("/admin/surveys/settings", {"survey_end_enabled": "y", "survey_reminder_days": "7"},
                      page="/admin/surveys")

    assert good.status_code == 302
    assert settings.get(program, "survey_midpoint_enabled") is False
    assert settings.get(program, "survey_end_enabled") is True
    assert settings.get(program, "survey_reminder_days") == 7
    assert "automatic sending off" in page_text(ada.get("/admin/surveys"))
    assert AuditLog.select().where(AuditLog.action == "setting.update").count() == 2


def test_send_now_sends_once(people, ada, smtp_sink):
    first = ada.submit("/admin/surveys/end/send", {"confirmed": "yes"}, page="/admin/surveys")
    assert first.status_code == 302 and "/admin/surveys?job=" in first.location
    assert "on its way to 2 people" in page_text(ada.get(first.location))
    assert sorted(a for m in smtp_sink.messages for a in m["to"]) == ["leo@example.org", "mia@example.org"]

    again = ada.submit("/admin/surveys/end/send", {"confirmed": "yes"}, page="/admin/surveys")

    assert again.status_code == 302
    assert "was already sent" in page_text(ada.get("/admin/surveys"))
    assert len(smtp_sink.messages) == 2
    assert AuditLog.get(AuditLog.action == "survey.send").details == {"kind": "end", "emails": 2}


def test_unknown_survey_kind_is_not_found(ada, people):
    assert ada.get("/admin/surveys/weekly/questions").status_code == 404
    assert ada.get("/admin/surveys/1/results").status_code == 404


def test_admin_rewords_adds_reorders_and_removes_questions(people, ada, program):
    survey = operations.survey_for(program, "midpoint")
    url = "/admin/surveys/midpoint/questions"
    assert 'value="How is your mentoring relationship developing?"' in ada.get(url).get_data(as_text=True)

    response = ada.submit(url, rows_of(
        survey,
        **{"questions-0-text": "How are you and your mentoring partner getting on?",
           "questions-2-remove": "y",
           "questions-4-position": "1",
           "questions-5-text": "How often do you meet?", "questions-5-kind": "rating", "questions-5-position": "2"},
    ))

    assert response.status_code == 302
    survey = Survey.get_by_id(survey.id)
    assert [(q["text"], q["kind"]) for q in survey.questions] == [
        ("Overall, how would you rate the programme? (1 = poor, 5 = excellent)", "rating"),
        ("How often do you meet?", "rating"),
        ("How are you and your mentoring partner getting on?", "text"),
        ("Are you reaching the goals you set at the start?", "text"),
        ("What would make the programme better?", "text"),
    ]
    assert survey.questions[0]["key"] == "overall" and survey.questions[1]["key"].startswith("q")
    entry = AuditLog.get(AuditLog.action == "survey.questions")
    assert entry.target == f"survey:{survey.id}" and len(entry.details["after"]) == 5
    assert "Questions saved." in page_text(ada.get(url))


def test_the_overall_rating_cannot_be_removed_and_typed_changes_stay(people, ada, program):
    survey = operations.survey_for(program, "midpoint")
    url = "/admin/surveys/midpoint/questions"

    response = ada.submit(url, rows_of(survey, **{"questions-4-remove": "y", "questions-1-text": "Goals: how far?",
                                                  "questions-5-text": "Anything else?"}))

    assert response.status_code == 400
    text = page_text(response)
    assert "The overall rating stays" in text
    assert 'value="Goals: how far?"' in response.get_data(as_text=True)
    assert 'value="Anything else?"' in response.get_data(as_text=True)
    assert Survey.get_by_id(survey.id).questions == survey.questions


def test_an_emptied_question_is_marked_and_nothing_is_saved(people, ada, program):
    survey = operations.survey_for(program, "end")

    response = ada.submit("/admin/surveys/end/questions", rows_of(
        survey, **{"questions-0-text": "   ", "questions-3-text": "What would you change?"}))

    assert response.status_code == 400
    assert "Give the question its wording, or tick Remove." in page_text(response)
    assert 'value="What would you change?"' in response.get_data(as_text=True)
    assert Survey.get_by_id(survey.id).questions == survey.questions


def test_a_stale_editor_page_is_refused(people, ada, program):
    survey = operations.survey_for(program, "midpoint")
    stale = rows_of(survey, **{"questions-0-key": "gone"})

    response = ada.submit("/admin/surveys/midpoint/questions", stale)

    assert response.status_code == 400
    assert "The questions changed since this page was opened" in page_text(response)


def test_edited_questions_are_what_participants_answer(people, ada, program, run_job, client, survey_link):
    """Edited before it goes out: the email and form carry the new questions."""
    survey = operations.survey_for(program, "midpoint")
    ada.submit("/admin/surveys/midpoint/questions", rows_of(
        survey, **{"questions-1-remove": "y", "questions-5-text": "Would you mentor next year?"}))
    run_job(at(MIDPOINT, 0))
    with time_machine.travel(at(MIDPOINT + dt.timedelta(days=1)), tick=True):
        link = survey_link(people["mia"])
        form = page_text(client.get(link))
        assert "Would you mentor next year?" in form and "Are you reaching the goals" not in form
        new_key = Survey.get_by_id(survey.id).questions[-1]["key"]
        client.submit(link, {"answer_overall": "5", f"answer_{new_key}": "Gladly."})

    assert Survey.get_by_id(survey.id).responses.get().answers[new_key] == "Gladly."


def test_results_show_rates_by_role_the_rating_and_every_written_answer(people, admin, run_job, client, browser,
                                                                      survey_link):
    run_job(at(MIDPOINT, 0))
    with time_machine.travel(at(MIDPOINT + dt.timedelta(days=1)), tick=True):
        client.submit(survey_link(people["leo"]), {"answer_overall": "2", "answer_improve": "More structure, please."})
        browser().submit(survey_link(people["mia"]), {"answer_overall": "5", "answer_improve": "Nothing, it is great."})
        results = browser(admin.email).get("/admin/surveys/midpoint/results")

    assert results.status_code == 200
    text = page_text(results)
    assert "Mentors 1 1 100% Mentees 1 1 100% Everyone 2 2 100%" in text
    assert "Average 3.5 out of 5, from 2 ratings." in text
    assert "5 1 50% 4 0 0% 3 0 0% 2 1 50% 1 0 0%" in text
    assert "More structure, please. Leo Mentee, mentee" in text
    assert "Nothing, it is great. Mia Mentor, mentor" in text
    assert "No written answers yet." in text  # the questions nobody wrote anything for


def test_results_before_sending_say_so(people, ada):
    assert "This survey has not gone out yet." in page_text(ada.get("/admin/surveys/end/results"))
