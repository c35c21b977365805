"""The console's long work as the jobs run it: proposing pairs and previewing weights, with their results."""
from __future__ import annotations

from portal.console import drafts, weights
from portal.models import Program, User


def propose(program_id: int, actor_id: int | None, objective: str, report) -> tuple[str, dict]:
    """Run the matching as the console's Propose button did; the admin's message and the draft's figures."""
    program = Program.get_by_id(program_id)
    actor = User.get_or_none(User.id == actor_id) if actor_id else None
    draft = drafts.run(program, actor, objective, report)
    figures = draft.summary[draft.objective]
    message = f"Proposed {figures['pairs']} pairs for {figures['pool']} mentees. Review them, then publish."
    return message, {"draft": draft.id, "pairs": figures["pairs"], "pool": figures["pool"]}


def preview(program_id: int, values: dict, report) -> tuple[str, dict]:
    """How the open draft would change under these weights (form values), kept with the values for the page."""
    program = Program.get_by_id(program_id)
    found = drafts.preview(program, weights.scoring_from(program, values), report)
    message = ("No open draft to compare with." if found is None
               else f"{found['moved']} mentees would get a different mentor (or none).")
    return message, {"values": values, "preview": found}
