"""Changing a wave: its text, date, sender and segment; scheduling it; sending it now as a job."""
from __future__ import annotations

from portal import audit, progress
from portal.db import database
from portal.launch import tasks
from portal.models import JobProgress, User, Wave

EDITABLE = ("subject", "body", "send_on", "sender_name", "reply_to", "segment")


def save_wave(wave: Wave, values: dict, actor: User) -> list[str]:
    """Store the wave's new values; returns the names of those that changed."""
    changed = [name for name in EDITABLE if name in values and getattr(wave, name) != values[name]]
    if not changed:
        return []
    with database.atomic():
        for name in changed:
            setattr(wave, name, values[name])
        wave.save(only=[getattr(Wave, name) for name in changed])
        audit.record(actor, "launch.wave_edit", f"wave:{wave.id}", changed=changed)
    return changed


def set_scheduled(wave: Wave, scheduled: bool, actor: User) -> None:
    """Send the wave by itself on its date, or not (a wave already sent may be scheduled again for newcomers)."""
    with database.atomic():
        Wave.update(status="scheduled" if scheduled else ("sent" if wave.sent_at else "draft")).where(
            Wave.id == wave.id).execute()
        audit.record(actor, "launch.wave_schedule", f"wave:{wave.id}", scheduled=scheduled)


def send_now(wave: Wave, actor: User) -> JobProgress:
    """Queue the wave's sending as a job; progress.Busy while the same wave is under way."""
    job = progress.start(wave.program, f"{tasks.KIND}:{wave.number}", actor, f"Waiting to send wave {wave.number}.")
    tasks.send_wave(job.id, wave.id, actor.id)
    return job
