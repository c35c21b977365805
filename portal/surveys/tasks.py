"""Surveys' background work: sending them on their dates, or now when an admin asks."""
from __future__ import annotations

from huey import crontab

from portal import progress
from portal.models import Survey, User
from portal.queue import queue
from portal.surveys import defaults, schedule


@queue.periodic_task(crontab(minute="7"))
def send_surveys() -> None:
    """Hourly: the mid-point and end surveys on their dates, and their one reminder; each email goes once."""
    schedule.run()


def _send_now(survey_id: int, actor_id: int | None, report) -> tuple[str, dict]:
    survey = Survey.get_by_id(survey_id)
    label = defaults.LABELS[survey.kind].lower()
    count = schedule.send_now(survey, User.get_or_none(User.id == actor_id) if actor_id else None, report)
    if count is None:
        return f"The {label} was already sent on {survey.sent_at:%-d %B %Y}.", {"emails": None}
    return f"The {label} is on its way to {count} {'person' if count == 1 else 'people'}.", {"emails": count}


@queue.task()
def send_survey_now(job_id: int, survey_id: int, actor_id: int | None) -> None:
    """An admin's "send now": email the survey to everyone taking part, reporting how far it got."""
    progress.track(job_id, lambda report: _send_now(survey_id, actor_id, report))
