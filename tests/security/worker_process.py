"""The real job worker (`huey_consumer portal.worker.queue`) in a process of its own, for tests that kill it.

Run as a module it is the consumer, optionally with its clock moved: `python -m tests.security.worker_process
--clock 2030-03-04T09:20:05 -w 1`. The clock ticks on from there, so a restarted worker can be "eleven minutes
later" without the test waiting eleven minutes (time-machine only moves this process's clock).
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    """`huey_consumer portal.worker.queue` configured through the environment, as a deployment runs it."""

    def __init__(self, database_url: str, jobs_file: Path, smtp_port: int, log_file: Path):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "PORTAL_JOBS_BACKEND": "sqlite",
            "PORTAL__JOBS__SQLITE_PATH": str(jobs_file),
            "PORTAL__JOBS__NAME": "portal",
            "PORTAL_MAIL_TRANSPORT": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "PORTAL_BASE_URL": "http://localhost",
            "PORTAL_SECRET_KEY": "test-secret-key",
        }
        self.log_file = log_file
        self.process: subprocess.Popen | None = None

    def start(self, clock: dt.datetime | None = None) -> WorkerProcess:
        """Start the consumer (one worker thread, polling briskly), its clock at `clock` if given."""
        args = [sys.executable, "-m", "tests.security.worker_process"]
        if clock is not None:
            args += ["--clock", clock.replace(tzinfo=None).isoformat()]
        args += ["-w", "1", "-k", "thread", "-d", "0.05", "-m", "0.2", "-C"]
        with open(self.log_file, "a") as log:
            self.process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is cleaned up, as when the machine loses the process."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def log(self) -> str:
        return self.log_file.read_text() if self.log_file.exists() else ""


def app_sharing_the_workers_queue(make_app, jobs_file: Path, smtp_port: int):
    """The test's app (the web side), queueing jobs in the worker's SQLite queue and sending to the same server."""
    return make_app(jobs={"immediate": False, "backend": "sqlite", "sqlite_path": str(jobs_file), "name": "portal"},
                    mail={"transport": "smtp", "smtp_host": "127.0.0.1", "smtp_port": smtp_port})


def main(argv: list[str]) -> None:
    if argv[:1] == ["--clock"]:
        import time_machine

        # Started, never stopped: the process lives on the moved clock until it ends.
        time_machine.travel(dt.datetime.fromisoformat(argv[1]).replace(tzinfo=dt.UTC), tick=True).start()
        argv = argv[2:]
    from huey.bin.huey_consumer import consumer_main

    sys.argv = ["huey_consumer", "portal.worker.queue", *argv]
    consumer_main()


if __name__ == "__main__":
    main(sys.argv[1:])
