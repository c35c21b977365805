"""Who the matching algorithm pairs, and within what: mentees still to pair, mentors' free places, hard rules."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from matching.profiles import MenteeProfile
from portal.models import Match, MatchRequest, PairingExclusion, Participant, Program, Shortlist
from portal.pairing import directory as mentor_directory
from portal.pairing import operations


@dataclass
class Pool:
    """Everything the algorithm needs from the database, as plain data."""

    mentees: list[MenteeProfile]
    room: dict[int, int]  # mentor id -> places free once matches, waiting requests and pins are counted
    forbidden: set[tuple[int, int]] = field(default_factory=set)  # (mentee id, mentor id)
    favourites: set[tuple[int, int]] = field(default_factory=set)
    waiting: int = 0  # mentees left out because a mentor has their request


def room(program: Program) -> dict[int, int]:
    """Free places per mentor in the directory: capacity less active matches and requests waiting for an answer."""
    matched, pending = mentor_directory.load_counts(program)
    return {
        mentor.id: max(0, mentor.capacity - matched.get(mentor.id, 0) - pending.get(mentor.id, 0))
        for mentor in mentor_directory.directory(program).mentors
    }


def forbidden_pairs(program: Program, mentee_ids: Iterable[int] | None = None) -> set[tuple[int, int]]:
    """Pairs never to propose: requests a mentor declined, matches that ended, and the admins' exclusions."""
    sources = [
        MatchRequest.select(MatchRequest.mentee, MatchRequest.mentor)
        .where(MatchRequest.program == program, MatchRequest.status == "declined"),
        Match.select(Match.mentee, Match.mentor).where(Match.program == program, Match.ended_at.is_null(False)),
        PairingExclusion.select(PairingExclusion.mentee, PairingExclusion.mentor)
        .where(PairingExclusion.program == program),
    ]
    wanted = None if mentee_ids is None else set(mentee_ids)
    return {pair for query in sources for pair in query.tuples() if wanted is None or pair[0] in wanted}


def why_forbidden(program: Program, mentee_id: int, mentor_id: int) -> str | None:
    """The hard rule a pair breaks, in words, or None."""
    if mentee_id == mentor_id:
        return "Nobody can mentor themselves."
    if MatchRequest.select().where(MatchRequest.program == program, MatchRequest.mentee == mentee_id,
                                   MatchRequest.mentor == mentor_id, MatchRequest.status == "declined").exists():
        return "This mentor declined this mentee's request."
    if Match.select().where(Match.program == program, Match.mentee == mentee_id, Match.mentor == mentor_id,
                            Match.ended_at.is_null(False)).exists():
        return "These two were matched before and the match ended."
    exclusion = PairingExclusion.get_or_none(PairingExclusion.program == program,
                                             PairingExclusion.mentee == mentee_id, PairingExclusion.mentor == mentor_id)
    if exclusion is not None:
        return f"An admin excluded this pair{': ' + exclusion.reason if exclusion.reason else ''}."
    return None


def favourites(program: Program, mentee_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(mentee, mentor) for every shortlisted mentor of these mentees."""
    wanted = set(mentee_ids)
    rows = Shortlist.select(Shortlist.mentee, Shortlist.mentor).where(Shortlist.program == program).tuples()
    return {pair for pair in rows if pair[0] in wanted}


def waiting_count(program: Program) -> int:
    """Mentees with no mentor whose request a mentor has not answered yet: the algorithm leaves them be."""
    return (
        Participant.taking_part(program, "mentee")
        .where(Participant.user.in_(MatchRequest.pending(program).select(MatchRequest.mentee)))
        .count()
    )


def gather(program: Program, pinned: Iterable[tuple[int, int]] = ()) -> Pool:
    """The pool for a run: mentees still to pair except those pinned, and room left after the pinned pairs."""
    pinned = list(pinned)
    taken_mentees = {mentee for mentee, _ in pinned}
    ids = [row.user_id for row, _ in operations.still_to_pair(program) if row.user_id not in taken_mentees]
    free = room(program)
    for _, mentor in pinned:
        if mentor in free:
            free[mentor] = max(0, free[mentor] - 1)
    return Pool(
        mentees=mentor_directory.mentee_profiles(program, ids) if ids else [],
        room=free, forbidden=forbidden_pairs(program, ids), favourites=favourites(program, ids),
        waiting=waiting_count(program),
    )
