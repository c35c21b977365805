"""Admins' bulk actions as jobs: a `JobProgress` row the job writes as it goes, which the pages show.

`start` stores the intent (refused while a run of the same kind is still under way in the programme), the job calls
`track` around its work, which marks it running, lets the work report `done/total` and records the result or why it
failed. A run whose worker stopped without a word for `STALE_AFTER` counts as failed, so no page waits on it forever.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from peewee import IntegrityError

from portal import audit, ids
from portal.db import database
from portal.models import JobProgress, Program, User, utcnow

log = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=30)
ACTIVE = ("queued", "running")


# kind (or the part before ":") -> (what the job does, the address of the page that shows a job's result)
KINDS: dict[str, tuple[str, Callable[[JobProgress], str]]] = {}


def kind(name: str, title: str, result_url: Callable[[JobProgress], str]) -> None:
    """Name a kind of job for the pages: its title and where its result shows; called next to its blueprint."""
    KINDS[name] = (title, result_url)


def describe(job: JobProgress) -> tuple[str, str]:
    """(title, address of the result) of a job."""
    title, result_url = KINDS[job.kind.split(":", 1)[0]]
    return title, result_url(job)


class Busy(Exception):
    """A run of the same kind is already under way in this programme."""


def _running_key(program: Program, kind: str) -> str:
    return f"{kind}:{program.id}"


def _give_up_stale(program: Program, kind: str) -> None:
    """A run not heard from for `STALE_AFTER` stopped with its worker: fail it and let a new one start."""
    JobProgress.update(state="failed", running_key=None, finished_at=utcnow(),
                       message="The job stopped without finishing; start it again.").where(
        JobProgress.program == program, JobProgress.kind == kind, JobProgress.state.in_(ACTIVE),
        JobProgress.updated_at < utcnow() - STALE_AFTER).execute()


def start(program: Program, kind: str, actor: User | None, message: str = "Waiting to start.") -> JobProgress:
    """Store a new run of this kind, or raise Busy while another is queued or running."""
    _give_up_stale(program, kind)
    try:
        with database.atomic():
            job = JobProgress.create(program=program, kind=kind, actor=actor, message=message,
                                     running_key=_running_key(program, kind))
            audit.record(actor, "job.start", f"job:{job.id}", kind=kind, program=program.id)
    except IntegrityError:
        raise Busy("This is already running; wait for it to finish.") from None
    return job


def active(program: Program, kind: str) -> JobProgress | None:
    """The run of this kind still under way in the programme, if any."""
    _give_up_stale(program, kind)
    return JobProgress.get_or_none(JobProgress.running_key == _running_key(program, kind))


def report(job_id: int, done: int, total: int, message: str) -> None:
    """How far the job got; written on its own, so the page sees it while the job goes on."""
    JobProgress.update(done=done, total=total, message=message, updated_at=utcnow()).where(
        JobProgress.id == job_id).execute()


def _finish(job_id: int, state: str, message: str, result: dict) -> None:
    now = utcnow()
    JobProgress.update(state=state, message=message, result=result, running_key=None, finished_at=now,
                       updated_at=now).where(JobProgress.id == job_id).execute()


def track(job_id: int, work: Callable[[Callable[[int, int, str], None]], tuple[str, dict]]) -> None:
    """Run `work(progress)` for this job: running, then done with its (message, result), or failed with why."""
    now = utcnow()
    updated = JobProgress.update(state="running", started_at=now, updated_at=now).where(
        JobProgress.id == job_id, JobProgress.state.in_(ACTIVE)).execute()
    if not updated:
        return  # finished already (a retried delivery of the same job) or given up as stale
    try:
        message, result = work(lambda done, total, text: report(job_id, done, total, text))
    except Exception as error:
        log.exception("job %s failed", job_id)
        try:
            _finish(job_id, "failed", _failure_text(error), {})
        except Exception:  # the database is away too: the stale rule fails the run later
            log.exception("could not record the failure of job %s", job_id)
        raise
    _finish(job_id, "done", message, result)


def _failure_text(error: Exception) -> str:
    # The portal's own errors are worded for admins; anything else may hold internals, so only the log has it.
    if type(error).__module__.startswith("portal."):
        return str(error)
    return "The job failed unexpectedly; the error is in the server's log."


def of_program(program: Program, job_id, kinds: tuple[str, ...]) -> JobProgress | None:
    """The job named in the address if it is of this programme and one of these kinds (or "survey:" prefixes)."""
    job_id = ids.id_or_none(job_id)  # from the address: "²" or a 30-digit number names no job
    if job_id is None:
        return None
    job = JobProgress.get_or_none(JobProgress.id == job_id, JobProgress.program == program)
    if job is None or not any(job.kind == k or job.kind.startswith(k + ":") for k in kinds):
        return None
    return job


def percent(job: JobProgress) -> int | None:
    """How far along, in percent, when the job knows its total."""
    return round(100 * job.done / job.total) if job.total else None
