"""Handing the console's work to the job worker: publishing a draft, proposing pairs, previewing weights."""
from __future__ import annotations

from decimal import Decimal

from portal import progress
from portal.console import drafts, tasks
from portal.models import JobProgress, PairingDraft, Program, User

MATCHING = "matching"
WEIGHTS = "weights"


def start_publishing(draft: PairingDraft, actor: User) -> None:
    """Mark the draft as publishing and hand the work to a job (it sends an email per person)."""
    drafts.mark_publishing(draft, actor)
    tasks.publish_draft(draft.id, actor.id)


def start_matching(program: Program, actor: User, objective: str) -> JobProgress:
    """Queue a proposal for everyone still to pair; refused while one is running or a draft is being published."""
    if objective not in drafts.OBJECTIVES:
        raise drafts.DraftError("Choose best total fit or stable.")
    draft = drafts.open_draft(program)
    if draft is not None and draft.status == "publishing":
        raise drafts.DraftError("This draft is being published; wait for it to finish.")
    try:
        job = progress.start(program, MATCHING, actor, "Waiting for the job worker to propose pairs.")
    except progress.Busy:
        raise drafts.DraftError("Pairs are already being proposed; wait for that run to finish.") from None
    tasks.run_matching(job.id, program.id, actor.id, objective)
    return job


def start_preview(program: Program, actor: User, values: dict) -> JobProgress:
    """Queue the preview of these weights (form values); refused while another preview is running."""
    plain = {name: str(value) if isinstance(value, Decimal) else value for name, value in values.items()}
    try:
        job = progress.start(program, WEIGHTS, actor, "Waiting for the job worker to compare the weights.")
    except progress.Busy:
        raise drafts.DraftError("A preview of other weights is already being worked out; wait for it.") from None
    tasks.preview_weights(job.id, program.id, plain)
    return job
