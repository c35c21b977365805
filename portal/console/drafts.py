"""Pairing drafts: run the algorithm, edit its proposal (remove, swap, pin); `jobs` hands it to the publishing job."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from peewee import chunked

from matching.problem import PairingProblem
from matching.profiles import FitWeights
from matching.reasons import Voice
from portal import audit, settings
from portal.db import database
from portal.models import DraftPair, PairingDraft, Program, User, utcnow
from portal.pairing import directory as mentor_directory
from portal.pairing import operations
from portal.console import pool as pools

OBJECTIVES = {
    "optimal": "Best total fit",
    "stable": "Stable (no pair would rather swap)",
}
OPEN = ("draft", "publishing")
INSERT_BATCH = 500  # rows per insert: SQLite allows a few thousand bound values per statement


class DraftError(Exception):
    """An edit the draft cannot take, with a message for the admin."""


@dataclass(frozen=True)
class Scoring:
    """The fit weights and shortlist bonus a proposal is scored with."""

    weights: FitWeights
    favourite_bonus: float

    @classmethod
    def of(cls, program: Program) -> Scoring:
        return cls(mentor_directory.weights(program), settings.get(program, "favourite_bonus"))

    @classmethod
    def from_json(cls, stored: dict) -> Scoring:
        values = dict(stored)
        bonus = float(values.pop("favourite_bonus", 0.0))
        return cls(FitWeights(**values), bonus)

    def to_json(self) -> dict:
        return {**asdict(self.weights), "favourite_bonus": self.favourite_bonus}


def open_draft(program: Program) -> PairingDraft | None:
    """The programme's draft being edited or published, if any."""
    return PairingDraft.select().where(PairingDraft.program == program, PairingDraft.status.in_(OPEN)).first()


def problem_for(program: Program, scoring: Scoring, pinned=()) -> tuple[PairingProblem, pools.Pool]:
    """The matching problem for everyone still to pair, around the pinned pairs."""
    found = pools.gather(program, pinned)
    problem = PairingProblem.build(
        mentor_directory.directory(program), found.mentees, weights=scoring.weights, room=found.room,
        forbidden=found.forbidden, favourites=found.favourites, favourite_bonus=scoring.favourite_bonus,
    )
    return problem, found


def _figures(assignment, pool_size: int) -> dict:
    return {
        "pairs": len(assignment.pairs), "pool": pool_size, "total": round(float(assignment.total), 4),
        "value": round(float(assignment.value), 4), "favourites": int(assignment.favourites),
        "blocking_pairs": int(assignment.blocking_pairs), "seconds": round(float(assignment.seconds), 3),
        "unmatched": len(assignment.unmatched),
    }


def _no_report(done: int, total: int, message: str) -> None:
    """Where work reports its progress when nobody follows it."""


def run(program: Program, actor: User, objective: str = "optimal", progress=_no_report) -> PairingDraft:
    """Propose pairs for everyone still to pair, keeping the open draft's pinned pairs; compares both objectives."""
    if objective not in OBJECTIVES:
        raise DraftError("Choose best total fit or stable.")
    draft = open_draft(program)
    if draft is not None and draft.status == "publishing":
        raise DraftError("This draft is being published; wait for it to finish.")
    pinned = [] if draft is None else list(draft.pairs.where(DraftPair.pinned))
    scoring = Scoring.of(program)
    progress(0, 3, "Reading who is still to pair and every mentor's free places.")
    problem, found = problem_for(program, scoring, [(p.mentee_id, p.mentor_id) for p in pinned])
    progress(1, 3, f"Scoring and pairing {len(found.mentees)} mentees, both ways.")
    # The solvers (SciPy's optimisers, tens of MB) load in the job that pairs, not in every web worker.
    from matching.assignment import compare

    results = compare(problem)
    chosen = results[objective]
    progress(2, 3, f"Saving {len(chosen.pairs)} proposed pairs.")
    with database.atomic():
        if draft is None:
            draft = PairingDraft.create(program=program, created_by=actor)
        draft.objective = objective
        draft.weights = scoring.to_json()
        draft.summary = {name: _figures(result, len(found.mentees)) for name, result in results.items()}
        draft.summary["waiting"] = found.waiting
        draft.unmatched = {str(mentee): reason for mentee, reason in chosen.unmatched.items()}
        draft.updated_at = utcnow()
        draft.save()
        DraftPair.delete().where(DraftPair.draft == draft, DraftPair.pinned == False).execute()  # noqa: E712
        rows = [{"draft": draft.id, "mentee": p.mentee_id, "mentor": p.mentor_id, "fit": float(p.fit),
                 "favourite": bool(p.favourite)} for p in chosen.pairs]
        for batch in chunked(rows, INSERT_BATCH):
            DraftPair.insert_many(batch).execute()
        audit.record(actor, "pairing.run", f"draft:{draft.id}", objective=objective, pairs=len(chosen.pairs),
                     pinned=len(pinned), unmatched=len(chosen.unmatched))
    return draft


def totals(draft: PairingDraft) -> dict:
    """The draft as it stands now: pairs, total fit, favourites honoured, pinned pairs."""
    pairs = list(draft.pairs.select(DraftPair.fit, DraftPair.favourite, DraftPair.pinned).tuples())
    return {
        "pairs": len(pairs), "total": round(sum(f for f, _, _ in pairs), 4),
        "favourites": sum(1 for _, fav, _ in pairs if fav), "pinned": sum(1 for *_, pin in pairs if pin),
    }


def _editable(draft: PairingDraft) -> None:
    if draft.status != "draft":
        raise DraftError("This draft is no longer open for changes.")


def _touch(draft: PairingDraft) -> None:
    PairingDraft.update(updated_at=utcnow()).where(PairingDraft.id == draft.id).execute()


def remove(pair: DraftPair, actor: User) -> None:
    """Take a pair out of the draft: the mentee goes back to the pool, the mentor's place frees up."""
    _editable(pair.draft)
    with database.atomic():
        pair.delete_instance()
        draft = pair.draft
        unmatched = dict(draft.unmatched or {})
        unmatched[str(pair.mentee_id)] = "removed"
        PairingDraft.update(unmatched=unmatched, updated_at=utcnow()).where(PairingDraft.id == draft.id).execute()
        audit.record(actor, "pairing.remove", f"draft:{draft.id}", mentee=pair.mentee_id, mentor=pair.mentor_id)


def set_pinned(pair: DraftPair, pinned: bool, actor: User) -> None:
    """Pin a pair so a new run keeps it, or let the algorithm reconsider it."""
    _editable(pair.draft)
    DraftPair.update(pinned=pinned).where(DraftPair.id == pair.id).execute()
    _touch(pair.draft)
    audit.record(actor, "pairing.pin" if pinned else "pairing.unpin", f"draft:{pair.draft_id}",
                 mentee=pair.mentee_id, mentor=pair.mentor_id)


def for_admins(mentee) -> Voice:
    """Reasons worded about the mentee, for the admins reading them."""
    return Voice.about(mentee.name.split()[0] if mentee.name.strip() else "The mentee")


def fit_of(program: Program, scoring: Scoring, mentee_id: int, mentor_id: int):
    """The explanation (score, reasons, terms) of one pair, or None if the mentor is not in the directory."""
    profiles = mentor_directory.mentee_profiles(program, [mentee_id])
    if not profiles:
        return None
    return mentor_directory.directory(program).explain(profiles[0], mentor_id, scoring.weights,
                                                       for_admins(profiles[0]))


def _check_pair(program: Program, draft: PairingDraft, mentee_id: int, mentor_id: int,
                moving: tuple[int, ...] = ()) -> None:
    """Raise DraftError unless the pair keeps the hard rules and the mentor has a place in the draft."""
    reason = pools.why_forbidden(program, mentee_id, mentor_id)
    if reason:
        raise DraftError(reason)
    free = pools.room(program)
    if mentor_id not in free:
        raise DraftError("That mentor has not finished the questionnaire or has left the programme.")
    in_draft = draft.pairs.where(DraftPair.mentor == mentor_id, DraftPair.id.not_in(list(moving) or [0])).count()
    if free[mentor_id] - in_draft <= 0:
        raise DraftError(f"{User.get_by_id(mentor_id).name} has no place left in this draft.")


def swap(first: DraftPair, second: DraftPair, actor: User) -> None:
    """Exchange the mentors of two pairs; both are pinned, as the admin chose them."""
    draft = first.draft
    _editable(draft)
    if first.draft_id != second.draft_id or first.id == second.id:
        raise DraftError("Choose two different pairs of the same draft.")
    program = draft.program
    scoring = Scoring.from_json(draft.weights)
    for mentee, mentor in ((first.mentee_id, second.mentor_id), (second.mentee_id, first.mentor_id)):
        reason = pools.why_forbidden(program, mentee, mentor)
        if reason:
            raise DraftError(f"{User.get_by_id(mentee).name} and {User.get_by_id(mentor).name}: {reason}")
    favourites = pools.favourites(program, [first.mentee_id, second.mentee_id])
    with database.atomic():
        for pair, mentor in ((first, second.mentor_id), (second, first.mentor_id)):
            explained = fit_of(program, scoring, pair.mentee_id, mentor)
            DraftPair.update(
                mentor=mentor, fit=explained.score if explained else 0.0,
                favourite=(pair.mentee_id, mentor) in favourites, pinned=True, source="admin",
            ).where(DraftPair.id == pair.id).execute()
        _touch(draft)
        audit.record(actor, "pairing.swap", f"draft:{draft.id}", first=first.mentee_id, second=second.mentee_id)


def pin(program: Program, actor: User, mentee_id: int, mentor_id: int) -> DraftPair:
    """Pair a mentee with a mentor by hand in the draft (made if none is open); the pair is pinned."""
    draft = open_draft(program)
    if draft is None:
        draft = PairingDraft.create(program=program, created_by=actor, weights=Scoring.of(program).to_json())
    _editable(draft)
    existing = draft.pairs.where(DraftPair.mentee == mentee_id).first()
    if existing is None and not operations.still_to_pair(program, mentee_id):
        raise DraftError("That mentee already has a mentor or a request waiting.")
    _check_pair(program, draft, mentee_id, mentor_id, moving=(existing.id,) if existing else ())
    explained = fit_of(program, Scoring.from_json(draft.weights), mentee_id, mentor_id)
    favourite = (mentee_id, mentor_id) in pools.favourites(program, [mentee_id])
    with database.atomic():
        if existing is not None:
            existing.delete_instance()
        pair = DraftPair.create(draft=draft, mentee=mentee_id, mentor=mentor_id,
                                fit=explained.score if explained else 0.0, favourite=favourite, pinned=True,
                                source="admin")
        unmatched = dict(draft.unmatched or {})
        unmatched.pop(str(mentee_id), None)
        PairingDraft.update(unmatched=unmatched, updated_at=utcnow()).where(PairingDraft.id == draft.id).execute()
        audit.record(actor, "pairing.pin_pair", f"draft:{draft.id}", mentee=mentee_id, mentor=mentor_id)
    return pair


def discard(draft: PairingDraft, actor: User) -> None:
    """Throw the draft away; nothing is published."""
    _editable(draft)
    PairingDraft.update(status="discarded", updated_at=utcnow()).where(PairingDraft.id == draft.id).execute()
    audit.record(actor, "pairing.discard", f"draft:{draft.id}")


def mark_publishing(draft: PairingDraft, actor: User) -> None:
    """Mark the draft as publishing, once: the publishing job (`jobs.start_publishing`) does the rest."""
    _editable(draft)
    if not draft.pairs.exists():
        raise DraftError("The draft has no pairs to publish.")
    updated = PairingDraft.update(status="publishing", updated_at=utcnow()).where(
        PairingDraft.id == draft.id, PairingDraft.status == "draft").execute()
    if not updated:
        raise DraftError("This draft is already being published.")
    audit.record(actor, "pairing.publish", f"draft:{draft.id}", pairs=draft.pairs.count())


def preview(program: Program, scoring: Scoring, progress=_no_report) -> dict | None:
    """How the open draft would change under other weights: pairs moved and the total before and after.

    None without an open draft. Pinned pairs stay; the rest is proposed again with the new weights.
    """
    draft = open_draft(program)
    if draft is None or draft.status != "draft":
        return None
    pairs = list(draft.pairs)
    pinned = [p for p in pairs if p.pinned]
    progress(0, 2, "Reading who is still to pair and every mentor's free places.")
    problem, _ = problem_for(program, scoring, [(p.mentee_id, p.mentor_id) for p in pinned])
    progress(1, 2, f"Pairing again with the new weights ({len(pairs)} pairs in the draft).")
    from matching.assignment import solve  # in the job only, as in run()

    result = solve(problem, draft.objective)
    after = {p.mentee_id: p.mentor_id for p in result.pairs}
    after_total = float(result.total)
    for pair in pinned:
        after[pair.mentee_id] = pair.mentor_id
        explained = fit_of(program, scoring, pair.mentee_id, pair.mentor_id)
        after_total += explained.score if explained else 0.0
    before = {p.mentee_id: p.mentor_id for p in pairs}
    before_total = sum(p.fit for p in pairs)
    moved = sum(1 for mentee in before.keys() | after.keys() if before.get(mentee) != after.get(mentee))
    return {
        "draft": draft.id, "moved": moved, "pairs_before": len(before), "pairs_after": len(after),
        "before": round(before_total, 2), "after": round(after_total, 2), "delta": round(after_total - before_total, 2),
    }


def mentor_places(program: Program) -> tuple[int, int]:
    """(mentors with a free place, free places in all)."""
    free = pools.room(program)
    return sum(1 for places in free.values() if places), sum(free.values())
