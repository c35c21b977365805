"""Surveys' background work: sending them on their dates."""
from __future__ import annotations

from huey import crontab

from portal.queue import queue
from portal.surveys import schedule


@queue.periodic_task(crontab(minute="7"))
def send_surveys() -> None:
    """Hourly: the mid-point and end surveys on their dates, and their one reminder; each email goes once."""
    schedule.run()
