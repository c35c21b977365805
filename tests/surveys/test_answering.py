"""Answering a survey: the signed link and who it refuses, the form keeping what was typed, one response per person
that can change while the survey is open, and a low rating raising a follow-up."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from flask import url_for

from portal import events, links
from portal.models import FollowUp, SurveyResponse
from portal.surveys import operations
from tests.pairing.conftest import page_text
from tests.surveys.conftest import ENDS, MIDPOINT, at

AFTER_SENDING = at(MIDPOINT + dt.timedelta(days=1))


@pytest.fixture
def sent(people, run_job):
    """The mid-point survey went out this morning; the clock is a day later."""
    run_job(at(MIDPOINT, 0))
    with time_machine.travel(AFTER_SENDING, tick=True):
        yield people


def test_the_email_link_opens_the_survey_without_logging_in(sent, client, survey_link):
    response = client.get(survey_link(sent["leo"]))

    assert response.status_code == 200
    text = page_text(response)
    assert "Mid-point survey" in text and "Leo, a few minutes" in text
    for question in ("How is your mentoring relationship developing?", "Is this what you expected?",
                     "Are you reaching the goals you set at the start?", "What would make the programme better?"):
        assert question in text
    assert response.get_data(as_text=True).count('type="radio"') == 5
    assert "Open until 31 Mar 2027" in text


def test_answers_are_saved_once_per_person_and_can_be_changed(sent, client, survey_link):
    link = survey_link(sent["leo"])
    first = client.submit(link, {"answer_overall": "4", "answer_goals": "  Mostly, yes.  "})
    assert first.status_code == 302 and first.headers["Location"] == link
    assert "your answers are saved" in page_text(client.get(link))

    second = client.submit(link, {"answer_overall": "5", "answer_goals": "Yes, all of them.",
                                  "answer_improve": "More socials."})

    assert second.status_code == 302
    [response] = SurveyResponse.select()
    assert response.user_id == sent["leo"].id and response.role == "mentee" and response.rating == 5
    assert response.answers == {"relationship": "", "goals": "Yes, all of them.", "expectations": "",
                                "improve": "More socials.", "overall": 5}
    page = client.get(link).get_data(as_text=True)
    assert "Yes, all of them." in page
    assert re.search(r'<input checked id="answer_overall-\d" name="answer_overall"[^>]* value="5">', page)


@pytest.mark.parametrize("rating", ["", "9", "0", "five", "4.5"])
def test_a_missing_or_wrong_rating_keeps_what_was_typed(sent, client, survey_link, rating):
    link = survey_link(sent["leo"])
    data = {"answer_relationship": "We meet every two weeks <and> it helps.", "answer_improve": "Shorter forms."}
    if rating:
        data["answer_overall"] = rating

    response = client.submit(link, data)

    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Choose a rating from 1 to 5." in body
    assert "We meet every two weeks &lt;and&gt; it helps." in body and "Shorter forms." in body
    assert SurveyResponse.select().count() == 0


def test_a_very_long_answer_is_refused_with_a_message(sent, client, survey_link):
    response = client.submit(survey_link(sent["leo"]), {"answer_overall": "3", "answer_goals": "x" * 2001})

    assert response.status_code == 400
    assert "Please keep this under 2,000 characters." in page_text(response)


def test_the_form_needs_its_csrf_token(sent, client, survey_link):
    response = client.post(survey_link(sent["leo"]), data={"answer_overall": "4"})

    assert response.status_code == 400
    assert SurveyResponse.select().count() == 0


def test_forged_and_borrowed_links_are_refused(sent, app, client, survey_link):
    link = survey_link(sent["leo"])
    token = link.rsplit("/", 1)[1]
    survey = operations.survey_for(sent["match"].program, "midpoint")
    with app.test_request_context():
        made_for_feedback = links.make_token("feedback", {"survey": survey.id, "user": sent["leo"].id})
        for_una = operations.make_link(survey, sent["una"]).replace("http://localhost", "")
        for_eli = operations.make_link(survey, sent["eli"]).replace("http://localhost", "")
        signed_elsewhere = links.URLSafeTimedSerializer("another-secret", salt="portal.survey").dumps(
            {"survey": survey.id, "user": sent["leo"].id})

    for bad in (token[:-3] + "abc", made_for_feedback, signed_elsewhere, "not-a-token"):
        response = client.get(f"/surveys/answer/{bad}")
        assert response.status_code == 404, bad
        assert "This survey link does not work" in page_text(response)
    # Signed by the portal, but for people the survey was never sent to: not paired (Una), left the programme (Eli).
    assert client.get(for_una).status_code == 404
    assert client.get(for_eli).status_code == 404
    assert client.submit(for_una, {"answer_overall": "1"}, page=link).status_code == 404
    assert SurveyResponse.select().count() == 0


def test_someone_elses_link_is_refused_while_logged_in(sent, browser, survey_link):
    mia = browser("mia@example.org")

    response = mia.get(survey_link(sent["leo"]))

    assert response.status_code == 404
    assert "This survey link was sent to someone else" in page_text(response)
    assert mia.submit(survey_link(sent["leo"]), {"answer_overall": "1"}, page="/surveys").status_code == 404
    assert SurveyResponse.select().count() == 0


def test_the_link_expires_a_month_after_the_programme_ends(people, run_job, client, survey_link):
    run_job(at(MIDPOINT, 0))
    link = survey_link(people["leo"])

    with time_machine.travel(at(ENDS + dt.timedelta(days=29)), tick=True):
        assert client.get(link).status_code == 410  # the link still works; the survey itself has closed
    with time_machine.travel(at(ENDS + dt.timedelta(days=30), 0), tick=True):
        response = client.get(link)

    assert response.status_code == 410
    assert "This survey link has expired" in page_text(response)


def test_a_closed_survey_takes_no_more_answers(people, run_job, client, survey_link):
    run_job(at(MIDPOINT, 0))
    link = survey_link(people["leo"])

    with time_machine.travel(at(MIDPOINT + dt.timedelta(days=30), 0), tick=True):
        page = client.get(link)
        sent = client.submit(link, {"answer_overall": "5"})

    assert page.status_code == 410 and "The mid-point survey has closed" in page_text(page)
    assert sent.status_code == 410
    assert SurveyResponse.select().count() == 0


def test_a_low_rating_asks_the_team_to_follow_up_and_a_better_one_withdraws_it(sent, client, survey_link):
    link = survey_link(sent["leo"])

    client.submit(link, {"answer_overall": "2", "answer_relationship": "We have not met yet."})

    [follow_up] = FollowUp.select()
    response = SurveyResponse.get()
    assert (follow_up.reason, follow_up.source) == ("survey", f"survey:{response.id}")
    assert follow_up.user_id == sent["leo"].id and follow_up.match_id == sent["match"].id
    assert follow_up.details == "Leo Mentee (mentee) rated the mid-point survey 2 out of 5."

    client.submit(link, {"answer_overall": "1"})
    assert FollowUp.select().count() == 1  # the same answer never flags twice

    client.submit(link, {"answer_overall": "4"})
    assert FollowUp.select().count() == 0


def test_answering_sends_survey_answered_with_the_pair_it_is_about(sent, client, survey_link, heard):
    answered = heard(events.survey_answered)

    client.submit(survey_link(sent["leo"]), {"answer_overall": "4"})
    # Mia mentors Leo and Eli (who left, so that match still counts): her answer is about no single pair.
    client.submit(survey_link(sent["mia"]), {"answer_overall": "5"})

    response = SurveyResponse.get(SurveyResponse.user == sent["leo"])
    (leo_sender, leo), (_, mia) = answered
    assert leo_sender.id == sent["match"].program_id and leo["survey"].kind == "midpoint"
    assert (leo["response"].id, leo["user"].id, leo["role"], leo["match"].id) == (
        response.id, sent["leo"].id, "mentee", sent["match"].id)
    assert (mia["user"].id, mia["role"], mia["match"]) == (sent["mia"].id, "mentor", None)


def test_a_rating_of_three_raises_nothing(sent, client, survey_link):
    client.submit(survey_link(sent["mia"]), {"answer_overall": "3"})

    assert FollowUp.select().count() == 0
    assert SurveyResponse.get().role == "mentor"


def test_logged_in_participants_find_their_open_surveys(sent, browser):
    leo = browser("leo@example.org")

    listing = leo.get("/surveys")
    assert listing.status_code == 200
    assert "Answer the survey" in page_text(listing)
    with leo.application.test_request_context():
        address = url_for("surveys.answer", survey_id=operations.survey_for(sent["match"].program, "midpoint").id)
    assert f'href="{address}"' in listing.get_data(as_text=True)

    saved = leo.submit(address, {"answer_overall": "5", "answer_expectations": "Better than expected."})
    assert saved.status_code == 302
    assert "Change my answers" in page_text(leo.get("/surveys"))
    assert SurveyResponse.get().answers["expectations"] == "Better than expected."


def test_people_the_survey_was_not_sent_to_cannot_open_it(sent, browser):
    una = browser("una@example.org")
    survey = operations.survey_for(sent["match"].program, "midpoint")

    assert una.get(f"/surveys/{survey.id}").status_code == 404
    assert "No survey for you right now." in page_text(una.get("/surveys"))
    assert una.get("/surveys/999999").status_code == 404


def test_no_participant_sees_anyone_elses_answers(sent, client, browser, survey_link):
    client.submit(survey_link(sent["leo"]), {"answer_overall": "2", "answer_relationship": "Private worry."})
    mia = browser("mia@example.org")

    for url in ("/surveys", "/admin/surveys/midpoint/results", survey_link(sent["mia"])):
        assert "Private worry." not in mia.get(url).get_data(as_text=True)
    assert mia.get("/admin/surveys/midpoint/results").status_code == 403
