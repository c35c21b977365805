"""No email is lost, none is sent twice: a real SMTP server that goes away, workers that die, senders that race.

The mail server is the aiosmtpd sink of tests/conftest.py; time is simulated with time-machine, and the worker's two
sources of jobs are run by hand: its scheduler (a failed email's own retry, when due) and the sweep (every 10 minutes).
Copies are counted by Message-ID, which stays the same on every attempt at one email.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections import Counter

import pytest
import time_machine

from portal import mail
from portal.db import database
from portal.mail import delivery, outbox, tasks
from portal.models import Email, utcnow
from portal.queue import queue
from tests.conftest import SmtpSink

START = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)


class FlakySink(SmtpSink):
    """The test's SMTP server, which can be stopped (port refused), refuse every message (451), or answer slowly."""

    def __init__(self):
        super().__init__()
        self.running = False
        self.refusing = False
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 Try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)

    def start(self):
        self.controller.start()
        self.running = True

    def go_down(self, how: str):
        if how == "stopped":
            self.controller.stop()
            self.running = False
        else:
            self.refusing = True

    def come_back(self):
        if not self.running:
            from aiosmtpd.controller import Controller

            # A stopped controller has closed its event loop: a new one listens on the same port.
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
            self.start()
        self.refusing = False

    def message_ids(self) -> Counter:
        return Counter(m["message"]["Message-ID"] for m in self.messages)


@pytest.fixture(autouse=True)
def clock():
    """Time stands still at START until a test moves it."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sink():
    server = FlakySink()
    server.start()
    yield server
    if server.running:
        server.controller.stop()


@pytest.fixture
def mail_app(make_app, sink):
    """An app delivering over SMTP to the sink, its jobs run in the caller (the tests play the worker)."""
    return make_app(mail={"transport": "smtp", "smtp_host": "127.0.0.1", "smtp_port": sink.port})


@pytest.fixture
def ctx(mail_app):
    with mail_app.app_context(), database.connection_context():
        yield


def run_scheduled_jobs() -> int:
    """What the worker's scheduler does each second: run the jobs whose time has come."""
    due = queue.read_schedule()
    for task in due:
        queue.execute(task)
    return len(due)


def stored(email_id: int, **fields) -> Email:
    """An email as `mail.send` stores it, without the job that would deliver it (a job lost with its worker)."""
    values = {"to_address": f"person{email_id}@example.org", "subject": f"Message {email_id}", "text_body": "Hello."}
    return Email.create(**{**values, **fields})


def status(email: Email) -> str:
    return Email.get_by_id(email.id).status


@pytest.mark.parametrize("outage", ["stopped", "refusing"])
@pytest.mark.parametrize("retries", ["scheduled", "sweep only"])
def test_after_an_hour_long_outage_every_email_arrives_exactly_once(sink, ctx, clock, outage, retries):
    """The server is away (port closed, or 451 to everything) for an hour; before this fix, emails gave up at 31 min."""
    sink.go_down(outage)
    emails = [mail.send(f"person{n}@example.org", f"Hello {n}", "A message.") for n in range(3)]
    assert {status(e) for e in emails} == {"failed"}

    for minute in range(1, 121):
        clock.shift(dt.timedelta(minutes=1))
        if minute == 60:
            assert sink.messages == []
            assert {status(e) for e in emails} == {"failed"}
            assert all(Email.get_by_id(e.id).next_attempt_at for e in emails), "still scheduled after an hour"
            sink.come_back()
        # "sweep only": the worker restarted with an empty schedule, so only the sweep knows what is due.
        if retries == "scheduled":
            run_scheduled_jobs()
        if minute % 10 == 0:
            tasks.sweep_outbox()

    expected = {delivery.message_id(Email.get_by_id(e.id), "mentoring@example.org") for e in emails}
    assert sink.message_ids() == Counter({message_id: 1 for message_id in expected})
    for email in emails:
        row = Email.get_by_id(email.id)
        assert row.status == "sent" and row.attempts > 5
        assert row.last_error is None and row.claim is None and row.next_attempt_at is None


def test_a_failed_email_is_retried_with_growing_pauses_then_left_for_an_admin(sink, ctx, clock):
    sink.go_down("refusing")
    email = mail.send("mia@example.org", "Hello", "A message.")
    row = Email.get_by_id(email.id)
    assert row.status == "failed" and row.attempts == 1 and "451" in row.last_error
    assert row.next_attempt_at == utcnow() + dt.timedelta(seconds=30)

    pauses = []
    while (row := Email.get_by_id(email.id)).next_attempt_at is not None:
        clock.move_to(row.next_attempt_at.replace(tzinfo=dt.UTC))
        assert run_scheduled_jobs() == 1
        after = Email.get_by_id(email.id)
        assert after.attempts == row.attempts + 1
        if after.next_attempt_at:
            pauses.append(after.next_attempt_at - utcnow())
    assert pauses[:5] == [dt.timedelta(seconds=s) for s in (60, 120, 240, 480, 960)]
    assert max(pauses) == dt.timedelta(hours=1)
    # Past its two days the email stays failed: neither the scheduler nor the sweep tries it again.
    assert utcnow() - row.created_at <= dt.timedelta(hours=48)
    clock.shift(dt.timedelta(hours=3))
    tasks.sweep_outbox()
    assert run_scheduled_jobs() == 0
    assert status(email) == "failed" and sink.messages == []

    sink.come_back()
    assert outbox.retry(email.id, None) is True
    assert status(email) == "sent" and len(sink.messages) == 1


def test_an_email_whose_job_was_lost_is_sent_by_the_sweep_once(sink, ctx, clock):
    email = stored(1)
    tasks.sweep_outbox()
    assert sink.messages == [] and status(email) == "queued", "a fresh email is its own job's to send"

    clock.shift(dt.timedelta(minutes=11))
    tasks.sweep_outbox()
    assert len(sink.messages) == 1 and status(email) == "sent"

    clock.shift(dt.timedelta(minutes=10))
    tasks.sweep_outbox()
    tasks.deliver_email(email.id)  # the lost job turning up after all
    assert len(sink.messages) == 1


def test_a_worker_killed_before_the_server_answered_leaves_an_email_the_sweep_sends_once(sink, ctx, clock):
    """The claim is taken and the process dies: the email is "sending" until the claim goes stale."""
    email = stored(1)
    assert delivery.claim_email(email.id) is not None  # ...and the worker is killed here

    tasks.deliver_email(email.id)  # a second job for it finds the claim held
    clock.shift(dt.timedelta(minutes=9))
    tasks.sweep_outbox()
    assert sink.messages == [] and status(email) == "sending"

    clock.shift(dt.timedelta(minutes=2))
    tasks.sweep_outbox()
    clock.shift(dt.timedelta(minutes=20))
    tasks.sweep_outbox()
    assert sink.message_ids() == Counter({delivery.message_id(Email.get_by_id(email.id), "mentoring@example.org"): 1})
    row = Email.get_by_id(email.id)
    assert row.status == "sent" and row.attempts == 2 and row.claim is None


def test_a_worker_killed_after_the_server_accepted_sends_a_copy_with_the_same_message_id(sink, ctx, mail_app, clock):
    """SMTP has no transactions: this copy cannot be prevented, only made recognisable to mail clients."""
    email = stored(1)
    assert delivery.claim_email(email.id) is not None
    config = mail_app.config["PORTAL"]["mail"]
    session = delivery.Session(config)
    session.send(delivery.build_message(Email.get_by_id(email.id), config["sender"]))
    session.smtp.close()
    # ...the server said 250, and the worker is killed before the row says "sent".

    clock.shift(dt.timedelta(minutes=11))
    tasks.sweep_outbox()
    clock.shift(dt.timedelta(minutes=10))
    tasks.sweep_outbox()

    first, second = (m["message"] for m in sink.messages)
    assert first["Message-ID"] == second["Message-ID"] == delivery.message_id(Email.get_by_id(email.id),
                                                                               config["sender"])
    assert status(email) == "sent"


def test_a_stale_sender_finishing_late_still_marks_the_email_sent(sink, ctx, clock):
    """A worker slower than the stale window loses its claim; its success still stops any further attempt."""
    email = stored(1)
    slow = delivery.claim_email(email.id)
    clock.shift(dt.timedelta(minutes=11))
    fast = delivery.claim_email(email.id)
    assert fast and fast != slow
    delivery.record_sent(email.id, slow)
    assert status(email) == "sent"
    assert delivery.claim_email(email.id) is None
    delivery.record_failure(Email.get_by_id(email.id), fast, OSError("too late"))
    assert status(email) == "sent", "a failure recorded under a lost claim does not undo a success"


def test_an_email_that_stops_its_worker_every_time_is_failed_for_an_admin_after_two_days(sink, ctx, clock):
    email = stored(1)
    for _ in range(5):
        assert delivery.claim_email(email.id) is not None  # each attempt kills the worker
        clock.shift(dt.timedelta(hours=12))
    tasks.sweep_outbox()
    row = Email.get_by_id(email.id)
    assert row.status == "failed" and row.next_attempt_at is None and "stopped while sending" in row.last_error
    assert sink.messages == []


def test_the_message_id_is_the_same_on_every_attempt(sink, ctx):
    email = stored(1)
    first = delivery.build_message(email, "Programme <mentoring@example.org>")
    again = delivery.build_message(Email.get_by_id(email.id), "Programme <mentoring@example.org>")
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"].endswith("@example.org>")
    assert delivery.build_message(stored(2), "mentoring@example.org")["Message-ID"] != first["Message-ID"]


def _race(app, *works, timeout: float = 30.0) -> None:
    """Run each callable in its own thread with its own connection, all released at once; re-raise any error."""
    barrier = threading.Barrier(len(works))
    errors = []

    def run(work):
        try:
            with app.app_context(), database.connection_context():
                barrier.wait(5)
                work()
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    assert errors == []


def test_the_sweep_and_an_admin_retry_racing_send_each_email_once(sink, mail_app, admin, clock):
    sink.delay = 0.1  # each message takes a while, so the two senders overlap
    with mail_app.app_context(), database.connection_context():
        emails = [stored(n, status="failed", attempts=1, last_error="OSError: down",
                         next_attempt_at=utcnow() - dt.timedelta(minutes=1)) for n in range(1, 6)]

    _race(mail_app, tasks.sweep_outbox, lambda: outbox.retry_all_failed(admin))

    with mail_app.app_context(), database.connection_context():
        assert sorted(sink.message_ids().values()) == [1] * 5
        for email in emails:
            row = Email.get_by_id(email.id)
            assert (row.status, row.attempts) == ("sent", 2), "exactly one claim was granted"


def test_two_workers_given_the_same_email_send_it_once(sink, mail_app, clock):
    sink.delay = 0.1
    with mail_app.app_context(), database.connection_context():
        email = stored(1)

    _race(mail_app, *[lambda: tasks.deliver_email(email.id)] * 4)

    assert len(sink.messages) == 1
    with mail_app.app_context(), database.connection_context():
        assert Email.get_by_id(email.id).attempts == 1


def test_only_one_of_many_contenders_claims_an_email(mail_app, clock):
    with mail_app.app_context(), database.connection_context():
        email = stored(1, status="failed", attempts=1, next_attempt_at=utcnow())
    claims = []

    _race(mail_app, *[lambda: claims.append(delivery.claim_email(email.id))] * 8)

    assert len(claims) == 8 and len([c for c in claims if c]) == 1
