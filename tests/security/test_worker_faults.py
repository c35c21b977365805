"""A real job worker killed while it sends, or a mail server refusing for an hour: every email arrives exactly once.

The worker is `huey_consumer portal.worker.queue` in its own process, sharing the database and a SQLite job queue with
the test's app; the mail server is an aiosmtpd sink that stalls at the moment chosen, so the kill lands mid-send. The
restarted worker runs on a clock eleven minutes on (the claim has gone stale) and at a ten-minute mark, so its own
scheduler runs the outbox sweep at once, as it would in production.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from email import message_from_bytes, policy

import pytest

from portal import mail
from portal.db import database
from portal.mail import delivery
from portal.models import Email
from portal.queue import queue
from tests.conftest import SmtpSink
from tests.security.worker_process import WorkerProcess, app_sharing_the_workers_queue

SENDER = "mentoring@example.org"


class StallingSink(SmtpSink):
    """An SMTP server that, once, stops answering at one step: after the message's data, or at QUIT."""

    def __init__(self, stall_at: str):
        super().__init__()
        self.stall_at = stall_at
        self.stalled = threading.Event()
        self.released = threading.Event()
        self.stalled_message_ids: list[str] = []

    async def _stall(self) -> None:
        self.stalled.set()
        while not self.released.is_set():
            await asyncio.sleep(0.05)

    async def handle_DATA(self, server, session, envelope):
        if self.stall_at == "data" and not self.stalled.is_set():
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.stalled_message_ids.append(message["Message-ID"])
            await self._stall()
            return "451 4.3.0 Not accepted"  # the client is gone by now; nothing was accepted
        return await super().handle_DATA(server, session, envelope)

    async def handle_QUIT(self, server, session, envelope):
        if self.stall_at == "quit" and not self.stalled.is_set():
            await self._stall()
        return "221 Bye"


def wait_until(check, timeout: float, what: str, worker: WorkerProcess):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout}s; worker log:\n{worker.log()[-4000:]}")


def next_sweep_after(moment: dt.datetime, wait: dt.timedelta = dt.timedelta(minutes=11)) -> dt.datetime:
    """The first ten-minute mark (when the sweep runs) at least `wait` after `moment`, plus a second."""
    later = moment + wait
    mark = later.replace(minute=later.minute - later.minute % 10, second=0, microsecond=0)
    return (mark if mark >= later else mark + dt.timedelta(minutes=10)) + dt.timedelta(seconds=1)


def row(email_id: int) -> Email:
    with database.connection_context():
        return Email.get_by_id(email_id)


@pytest.fixture
def deploy(make_app, database_url, tmp_path):
    """deploy(sink) -> (app, start_worker): the web app, and workers sharing its database, job queue and mail server."""
    started: list[WorkerProcess] = []

    def build(sink):
        jobs = tmp_path / "jobs.db"

        def start_worker(clock: dt.datetime | None = None) -> WorkerProcess:
            worker = WorkerProcess(database_url, jobs, sink.port, tmp_path / f"worker{len(started) + 1}.log")
            started.append(worker.start(clock))
            return worker

        return app_sharing_the_workers_queue(make_app, jobs, sink.port), start_worker

    yield build
    for worker in started:
        worker.kill()


@pytest.mark.parametrize("stall_at", ["data", "quit"])
def test_a_worker_killed_while_sending_leaves_an_email_that_arrives_exactly_once(deploy, stall_at):
    """"data": killed before the server accepted. "quit": killed after it accepted, before the goodbye."""
    sink = StallingSink(stall_at)
    sink.controller.start()
    try:
        app, start_worker = deploy(sink)
        worker = start_worker()

        with app.app_context():
            with database.connection_context():
                email = mail.send("mia@example.org", "Your match", "Meet Sam.")
            assert sink.stalled.wait(30), f"the worker never reached the server:\n{worker.log()[-4000:]}"
            worker.kill()
            sink.released.set()

            claimed = row(email.id)
            assert claimed.attempts == 1
            if stall_at == "data":
                assert claimed.status == "sending" and sink.messages == []
            else:
                # The server accepted the message: the row says so before the worker says goodbye.
                assert claimed.status == "sent" and len(sink.messages) == 1

            later = next_sweep_after(claimed.claimed_at or claimed.sent_at)
            restarted = start_worker(later)
            wait_until(lambda: row(email.id).status == "sent", 60, "the email sent after the restart", restarted)
            sink.wait_for(1)

            # The job the killed worker took turning up after all, and a sweep, change nothing.
            with database.connection_context():
                from portal.mail import tasks

                tasks.deliver_email(email.id)
                tasks.sweep_outbox()
            wait_until(lambda: queue.pending_count() == 0, 30, "the queue drained", restarted)
            time.sleep(1)

            sent = row(email.id)
            expected = delivery.message_id(sent, SENDER)
            assert [m["message"]["Message-ID"] for m in sink.messages] == [expected]
            assert sink.stalled_message_ids in ([], [expected]), "the same Message-ID on every attempt"
            assert sent.status == "sent" and sent.claim is None
            assert sent.attempts == (2 if stall_at == "data" else 1)
    finally:
        sink.released.set()
        sink.controller.stop()


class RefusingSink(SmtpSink):
    """An SMTP server answering 451 to every message while `refusing`."""

    def __init__(self):
        super().__init__()
        self.refusing = True
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            self.refused += 1
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


def test_a_mail_server_refusing_for_an_hour_then_back_gets_every_email_once(deploy):
    """The worker meets the refusals, is restarted an hour and a minute later: its due retries and the sweep race."""
    sink = RefusingSink()
    sink.controller.start()
    try:
        app, start_worker = deploy(sink)
        first = start_worker()
        with app.app_context():
            with database.connection_context():
                emails = [mail.send(f"person{n}@example.org", f"Message {n}", "Hello.") for n in range(4)]
            wait_until(lambda: all(row(e.id).status == "failed" for e in emails), 30, "every email refused", first)
            first.kill()  # the worker goes down too: only its schedule and the sweep know what is due

            started = min(row(e.id).created_at for e in emails)
            sink.refusing = False
            later = next_sweep_after(started, dt.timedelta(hours=1, minutes=1))
            restarted = start_worker(later)
            wait_until(lambda: all(row(e.id).status == "sent" for e in emails), 60, "every email sent", restarted)
            wait_until(lambda: queue.pending_count() == 0, 30, "the queue drained", restarted)
            time.sleep(1)

            rows = [row(e.id) for e in emails]
            expected = sorted(delivery.message_id(r, SENDER) for r in rows)
        assert sink.refused >= len(emails)
        assert sorted(m["message"]["Message-ID"] for m in sink.messages) == expected
        assert all(r.status == "sent" and r.claim is None and r.next_attempt_at is None for r in rows)
    finally:
        sink.controller.stop()
