"""Pairs and people the programme team should look at: raised by answers, cleared by an admin."""
from __future__ import annotations

from peewee import IntegrityError

from portal import audit
from portal.db import database
from portal.models import FollowUp, Match, Program, User, utcnow

REASONS = {
    "low_rating": "Low session rating",
    "low_fit": "Pairing may not fit",
    "exit": "Left the programme",
    "survey": "Low survey rating",
}
LOW = 2  # a rating of 2 or less out of 5 asks for a follow-up


def flag(program: Program, reason: str, source: str, *, match: Match | None = None, user: User | None = None,
         details: str = "") -> FollowUp | None:
    """Raise a follow-up once per source (e.g. "feedback:12:rating"); None when that source already raised one."""
    if reason not in REASONS:
        raise ValueError(f"unknown follow-up reason {reason!r}")
    try:
        with database.atomic():
            return FollowUp.create(program=program, match=match, user=user, reason=reason, source=source,
                                   details=details)
    except IntegrityError:
        return None


def withdraw(source: str) -> None:
    """Drop an open follow-up whose answer was changed so that it no longer asks for one."""
    FollowUp.delete().where(FollowUp.source == source, FollowUp.resolved_at.is_null()).execute()


def open_ones(program: Program):
    """Unresolved follow-ups, newest first."""
    return (FollowUp.select().where(FollowUp.program == program, FollowUp.resolved_at.is_null())
            .order_by(FollowUp.created_at.desc(), FollowUp.id.desc()))


def resolve(follow_up: FollowUp, actor: User, resolution: str = "") -> bool:
    """Mark a follow-up handled, with what was done; False when it was already resolved."""
    with database.atomic():
        done = FollowUp.update(resolved_at=utcnow(), resolved_by=actor, resolution=resolution.strip()).where(
            FollowUp.id == follow_up.id, FollowUp.resolved_at.is_null()).execute()
        if done:
            audit.record(actor, "follow_up.resolve", f"follow_up:{follow_up.id}", reason=follow_up.reason)
    return bool(done)
