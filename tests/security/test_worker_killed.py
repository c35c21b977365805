"""A real job worker killed with SIGKILL while it sends an email: after a restart and the sweep, it arrives once.

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
from tests.security.worker_process import WorkerProcess

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


def next_sweep_after(moment: dt.datetime) -> dt.datetime:
    """The first ten-minute mark (when the sweep runs) at least eleven minutes after `moment`, plus a second."""
    later = moment + dt.timedelta(minutes=11)
    mark = later.replace(minute=later.minute - later.minute % 10, second=0, microsecond=0)
    return (mark if mark >= later else mark + dt.timedelta(minutes=10)) + dt.timedelta(seconds=1)


def row(email_id: int) -> Email:
    with database.connection_context():
        return Email.get_by_id(email_id)


@pytest.fixture
def workers(tmp_path):
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.kill()


@pytest.mark.parametrize("stall_at", ["data", "quit"])
def test_a_worker_killed_while_sending_leaves_an_email_that_arrives_exactly_once(
    make_app, database_url, tmp_path, workers, stall_at
):
    """"data": killed before the server accepted. "quit": killed after it accepted, before the goodbye."""
    sink = StallingSink(stall_at)
    sink.controller.start()
    try:
        jobs = tmp_path / "jobs.db"
        app = make_app(jobs={"immediate": False, "backend": "sqlite", "sqlite_path": str(jobs), "name": "portal"},
                       mail={"transport": "smtp", "smtp_host": "127.0.0.1", "smtp_port": sink.port})
        worker = WorkerProcess(database_url, jobs, sink.port, tmp_path / "worker.log")
        workers.append(worker.start())

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
            workers.append(WorkerProcess(database_url, jobs, sink.port, tmp_path / "worker2.log").start(later))
            restarted = workers[-1]
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
