"""Sending a survey now runs as a job: the same emails as before, its progress on the surveys page."""
from __future__ import annotations

import pytest

from portal import progress
from portal.models import JobProgress, Survey
from portal.surveys import schedule, sending
from tests.pairing.conftest import page_text


@pytest.fixture
def ada(admin, browser):
    return browser(admin.email)


def test_send_now_runs_as_a_job_and_emails_everyone_taking_part(people, ada, smtp_sink, program):
    response = ada.submit("/admin/surveys/midpoint/send", {"confirmed": "yes"}, page="/admin/surveys")
    job = JobProgress.get()
    assert (job.kind, job.state, job.result, job.total) == ("survey:midpoint", "done", {"emails": 2}, 2)
    assert response.location.endswith(f"/admin/surveys?job={job.id}")
    assert "Sending the survey: done. The mid-point survey is on its way to 2 people." in page_text(
        ada.get(response.location))
    survey = Survey.get(Survey.kind == "midpoint")
    expected = sorted(user.email for user, _ in schedule.recipients(survey.program))
    assert sorted(a for m in smtp_sink.messages for a in m["to"]) == expected == ["leo@example.org", "mia@example.org"]


def test_a_send_not_yet_run_shows_on_the_surveys_page_and_a_second_is_refused(people, ada, admin, program):
    survey = Survey.create(program=program, kind="end", questions=[])
    job = progress.start(program, f"{sending.KIND}:end", admin, "Waiting to send.")
    page = ada.get("/admin/surveys")
    assert f'hx-get="/admin/jobs/{job.id}"' in page.get_data(as_text=True)
    assert "Sending the survey: waiting to start." in page_text(page)
    again = ada.submit("/admin/surveys/end/send", {"confirmed": "yes"}, page="/admin/surveys", follow_redirects=True)
    assert "is already being sent; wait for it to finish." in page_text(again)
    assert JobProgress.select().count() == 1 and Survey.get_by_id(survey.id).sent_at is None
