"""Publishing a pairing draft: the job's work, a match for every pair not yet settled."""
from __future__ import annotations

from portal.models import DraftPair, PairingDraft, User, utcnow
from portal.pairing import operations


def publish(draft_id: int, actor_id: int | None) -> dict[str, int]:
    """Create a match for every pair not yet settled, as mentee-led pairing does (same emails); safe to run again."""
    draft = PairingDraft.get_by_id(draft_id)
    actor = User.get_or_none(User.id == actor_id) if actor_id else None
    counts = {"matched": 0, "skipped": 0}
    for pair in draft.pairs.where(DraftPair.outcome == "").order_by(DraftPair.id):
        try:
            match = operations.create_match(draft.program, pair.mentor, pair.mentee, actor=actor,
                                            made_by="algorithm" if pair.source == "algorithm" else "admin")
        except operations.PairingError as error:
            DraftPair.update(outcome=str(error)).where(DraftPair.id == pair.id).execute()
            counts["skipped"] += 1
        else:
            DraftPair.update(outcome="matched", match=match).where(DraftPair.id == pair.id).execute()
            counts["matched"] += 1
    PairingDraft.update(status="published", published_at=utcnow(), updated_at=utcnow()).where(
        PairingDraft.id == draft.id).execute()
    return counts
