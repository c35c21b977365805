"""The launch's background work: a wave sent now, and the waves scheduled for today."""
from __future__ import annotations

from huey import crontab

from portal import progress
from portal.launch import sending
from portal.models import User, Wave, utcnow
from portal.queue import queue

KIND = "wave"


def _send(wave_id: int, actor_id: int | None, report) -> tuple[str, dict]:
    wave = Wave.get_by_id(wave_id)
    count = sending.send(wave, User.get_or_none(User.id == actor_id) if actor_id else None, report)
    return (f"Wave {wave.number} invited {count} {'person' if count == 1 else 'people'}.",
            {"wave": wave.number, "invited": count})


@queue.task()
def send_wave(job_id: int, wave_id: int, actor_id: int | None) -> None:
    """Send one wave's invitations, reporting how far it got."""
    progress.track(job_id, lambda report: _send(wave_id, actor_id, report))


@queue.periodic_task(crontab(minute="20"))
def send_scheduled_waves() -> None:
    """Hourly: each scheduled wave whose day has come is sent (a wave under way is left to finish)."""
    due = Wave.select().where(Wave.status == "scheduled", Wave.send_on <= utcnow().date())
    for wave in due:
        try:
            job = progress.start(wave.program, f"{KIND}:{wave.number}", None, f"Sending wave {wave.number} on its date.")
        except progress.Busy:
            continue
        progress.track(job.id, lambda report, wave_id=wave.id: _send(wave_id, None, report))
