"""Sending a survey stores its emails a batch a transaction and queues one delivery job a batch, reporting progress
between batches, instead of one transaction and one job per email."""
from __future__ import annotations


import pytest

from portal.mail import tasks as mail_tasks
from portal.models import Email, Match, Participant
from portal.queue import queue
from portal.surveys import operations, schedule
from tests.pairing.conftest import as_job, make_mentee, make_mentor  # noqa: F401
from tests.conftest import delivery_jobs
from tests.statements import statements


@pytest.fixture
def app(queued_app):
    return queued_app


def test_a_survey_to_six_people_in_batches_of_four_stores_two_batches_and_queues_two_jobs(
        as_job, make_mentor, make_mentee, program, monkeypatch):
    for i in range(3):
        mentor = make_mentor(f"mentor{i}@example.org", f"Mentor{i} Example")
        mentee = make_mentee(f"mentee{i}@example.org", f"Mentee{i} Example")
        Participant.update(status="paired").where(
            Participant.program == program, Participant.user.in_([mentor.id, mentee.id])).execute()
        Match.create(program=program, mentor=mentor, mentee=mentee, made_by="admin")
    monkeypatch.setattr(schedule, "PROGRESS_EVERY", 4)
    queue.flush()
    reports = []

    with as_job(), statements() as made:
        survey = operations.survey_for(program, "midpoint")
        sent = schedule.send_survey(survey, progress=lambda done, total, _: reports.append((done, total)))

    assert sent == 6 and reports == [(0, 6), (4, 6)]
    inserts = [sql for sql in made if sql.startswith("INSERT") and 'INTO "email"' in sql]
    assert len(inserts) == 2, inserts
    jobs = delivery_jobs()
    assert [type(task) for task in jobs] == [mail_tasks.deliver_emails.task_class] * 2
    stored = sorted(email.id for email in Email.select().where(Email.category == schedule.CATEGORY))
    assert sorted(i for task in jobs for i in task.args[0]) == stored and len(stored) == 6

    # The worker delivers both batches; sending again stores and queues nothing.
    for task in jobs:
        queue.execute(task)
    queue.flush()
    assert {email.status for email in Email.select().where(Email.category == schedule.CATEGORY)} == {"stored"}
    with as_job():
        assert schedule.send_survey(survey) == 0
    assert delivery_jobs() == []
