"""The sweep stores its emails a batch a transaction and queues one delivery job a batch, not one of each per email."""
from __future__ import annotations

import datetime as dt

import pytest

from portal.mail import tasks as mail_tasks
from portal.models import Email, Match, Participant, utcnow
from portal.queue import queue
from portal.reminders import send
from tests.conftest import delivery_jobs
from tests.statements import statements


@pytest.fixture
def app(queued_app):
    return queued_app


def _pairs_without_a_session(make_mentor, make_mentee, program, count: int) -> None:
    """`count` pairs matched 60 days ago that never booked a session: both people are due a first-session reminder."""
    for i in range(count):
        mentor = make_mentor(f"mentor{i}@example.org", f"Mentor{i} Example")
        mentee = make_mentee(f"mentee{i}@example.org", f"Mentee{i} Example")
        Participant.update(status="paired").where(
            Participant.program == program, Participant.user.in_([mentor.id, mentee.id])).execute()
        Match.create(program=program, mentor=mentor, mentee=mentee, made_by="admin",
                     started_at=utcnow() - dt.timedelta(days=60))


def test_a_sweep_of_six_emails_in_batches_of_four_stores_two_batches_and_queues_two_jobs(
        run, make_mentor, make_mentee, program, monkeypatch):
    _pairs_without_a_session(make_mentor, make_mentee, program, 3)
    monkeypatch.setattr(send, "_EMAILS_PER_BATCH", 4, raising=False)
    queue.flush()

    with statements() as made:
        sent = run(send.remind_first_meeting)

    assert sent == 6
    inserts = [sql for sql in made if sql.startswith("INSERT") and 'INTO "email"' in sql]
    assert len(inserts) == 2, inserts
    jobs = delivery_jobs()
    assert [type(task) for task in jobs] == [mail_tasks.deliver_emails.task_class] * 2
    batches = [task.args[0] for task in jobs]
    stored = [email.id for email in Email.select().where(Email.category == "reminders").order_by(Email.id)]
    assert sorted(i for batch in batches for i in batch) == stored
    assert sorted(len(batch) for batch in batches) == [2, 4]

    # The worker delivers every batch; a second sweep finds every key sent and queues nothing.
    for task in jobs:
        queue.execute(task)
    queue.flush()
    assert {email.status for email in Email.select().where(Email.category == "reminders")} == {"stored"}
    assert run(send.remind_first_meeting) == 0
    assert delivery_jobs() == []
    assert Email.select().where(Email.category == "reminders").count() == 6
