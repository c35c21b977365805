"""Sending a survey now, as a job the admin follows on the surveys page."""
from __future__ import annotations

from portal import progress
from portal.models import JobProgress, Survey, User
from portal.surveys import defaults, tasks

KIND = "survey"


def start_sending(survey: Survey, actor: User) -> JobProgress:
    """Queue the survey's emails; raises progress.Busy while the same survey is being sent."""
    label = defaults.LABELS[survey.kind].lower()
    job = progress.start(survey.program, f"{KIND}:{survey.kind}", actor, f"Waiting for the job worker to send the {label}.")
    tasks.send_survey_now(job.id, survey.id, actor.id)
    return job
