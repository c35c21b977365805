"""Background jobs on huey: SQLite queue by default, Redis in production.

Run a worker with `huey_consumer portal.jobs.huey` (or `flask --app portal serve`, which starts one
in-process). A job first looks at the database, so running it twice does no harm.
"""
from __future__ import annotations

import contextlib

from flask import current_app, has_app_context, has_request_context
from huey import RedisHuey, SqliteHuey, crontab

from portal.config import load_config, resolve_path
from portal.db import database

_app = None


def build_huey(config: dict):
    jobs = config["jobs"]
    if jobs["backend"] == "redis":
        import os

        url = os.environ.get(jobs["redis_url_env"], "redis://127.0.0.1:6379/0")
        return RedisHuey("portal", url=url, immediate=jobs["immediate"])
    path = resolve_path(jobs["sqlite_path"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("portal", filename=str(path), immediate=jobs["immediate"])


huey = build_huey(load_config())


@contextlib.contextmanager
def job_context():
    """A request context and a database connection for a job, reusing the caller's when there is one.

    Jobs render emails whose links are built with url_for, which needs a request: the job gets one
    for the configured base URL.
    """
    global _app
    if has_request_context():
        app_ctx = contextlib.nullcontext()
    else:
        app = current_app._get_current_object() if has_app_context() else _app
        if app is None:
            from portal import create_app

            app = _app = create_app()
        app_ctx = app.test_request_context(base_url=app.config["PORTAL"]["server"]["base_url"])
    with app_ctx:
        opened = database.is_closed()
        if opened:
            database.connect()
        try:
            yield
        finally:
            if opened:
                database.close()


@huey.task(retries=6, retry_delay=30, retry_backoff=2)
def deliver_email(email_id: int) -> None:
    """Send one stored email; retried with backoff while the mail server is unreachable."""
    from portal import mail

    with job_context():
        mail.deliver(email_id)


@huey.periodic_task(crontab(minute="*/10"))
def expire_requests() -> None:
    """Pass unanswered requests on to the mentee's next favourite once their time is up."""
    from portal.pairing import operations

    with job_context():
        operations.expire_requests()


@huey.task(retries=3, retry_delay=10)
def publish_draft(draft_id: int, actor_id: int | None) -> None:
    """Turn a published pairing draft into matches and send the match emails; pairs already settled are skipped."""
    from portal.console import drafts

    with job_context():
        drafts.publish(draft_id, actor_id)


@huey.task(context=True)
def sync_meeting(meeting_id: int, task=None) -> None:
    """Invites by email and the event in the organiser's calendar; retried with backoff while the server is away."""
    from huey.exceptions import RetryTask

    from portal.meetings import sync

    with job_context():
        try:
            sync.sync(meeting_id)
        except sync.RetryLater as later:
            # A delay of the server's choosing (Graph's Retry-After) or exponential backoff, never a tight loop.
            raise RetryTask(str(later), delay=later.delay) from later


@huey.periodic_task(crontab(minute="*/15"))
def send_reminders() -> None:
    """Reminders and feedback requests that are due in the running programme; each email goes once (its dedupe key)."""
    from portal.reminders import send

    with job_context():
        send.run_current()


@huey.periodic_task(crontab(minute="7"))
def send_surveys() -> None:
    """Hourly: the mid-point and end surveys on their dates, and their one reminder; each email goes once."""
    from portal.surveys import schedule

    with job_context():
        schedule.run()
