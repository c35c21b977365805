"""The pairing console's background work: publishing a draft, proposing pairs, previewing other weights."""
from __future__ import annotations

from portal import progress
from portal.console import proposals, publishing
from portal.queue import queue


@queue.task(retries=3, retry_delay=10)
def publish_draft(draft_id: int, actor_id: int | None) -> None:
    """Turn a published pairing draft into matches and send the match emails; pairs already settled are skipped."""
    publishing.publish(draft_id, actor_id)


@queue.task()
def run_matching(job_id: int, program_id: int, actor_id: int | None, objective: str) -> None:
    """Propose pairs for everyone still to pair, reporting its progress on the console."""
    progress.track(job_id, lambda report: proposals.propose(program_id, actor_id, objective, report))


@queue.task()
def preview_weights(job_id: int, program_id: int, values: dict) -> None:
    """Work out how other matching weights would change the open draft, for the preview page."""
    progress.track(job_id, lambda report: proposals.preview(program_id, values, report))
