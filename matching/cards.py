"""Result cards: a ranked mentor with the reasons shown on the card, best first."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from matching import reasons as why
from matching import text
from matching.columns import MentorColumns
from matching.fit import FitScorer
from matching.index import STORY, TermIndex
from matching.profiles import MentorProfile, Vocabulary
from matching.results import RankedMentor
from matching.search import SearchHits, TermMatch
from matching.selection import Candidates

CARD_REASONS = 3


def cards(mentors: tuple[MentorProfile, ...], index: TermIndex, columns: MentorColumns, found: Candidates,
          chosen: list[int], scorer: FitScorer | None, hits: SearchHits | None = None,
          reasons: int | None = CARD_REASONS, voice: why.Voice = why.TO_MENTEE) -> list[RankedMentor]:
    """Results for the candidates at `chosen`: the search match first, then fit reasons; cut to `reasons`."""
    taken = np.asarray(chosen, dtype=np.intp)
    positions = found.positions.take(taken)
    held = index.held_by(positions.tolist())
    matches = hits.explain(positions, held) if hits is not None and not hits.everyone else [[] for _ in chosen]
    score, relevance = found.score.take(taken).tolist(), found.relevance.take(taken).tolist()
    fit = found.fit.take(taken).tolist() if found.fit is not None else [None] * len(chosen)
    room, full, popular = (column.take(positions).tolist() for column in (columns.room, columns.full, columns.popular))
    if scorer is not None:
        known = why.facts(scorer, columns, positions, held)
    result = []
    for k, position in enumerate(positions.tolist()):
        mentor = loaded(mentors[position], columns, position)
        said = [match_reason(hits.query, matches[k], mentor)] if matches[k] else []
        common: list[str] = []
        if scorer is not None:
            because, common = why.explain(scorer, mentor, known[k], voice)
            said += because
        result.append(RankedMentor(
            mentor=mentor,
            score=round(score[k], 6),
            reasons=said if reasons is None else said[:reasons],
            common=common,
            room=room[k],
            full=full[k],
            popular=popular[k],
            matched_terms=list(dict.fromkeys(m.label(mentor) for m in matches[k])),
            relevance=round(relevance[k], 6),
            fit=None if fit[k] is None else round(fit[k], 6),
            shared_minutes=known[k].minutes if scorer is not None else None,
        ))
    return result


def loaded(mentor: MentorProfile, columns: MentorColumns, position: int) -> MentorProfile:
    """The profile with the matches and requests the columns hold for its position."""
    matched, pending = int(columns.matched[position]), int(columns.pending[position])
    if (mentor.matched, mentor.pending) == (matched, pending):
        return mentor
    return replace(mentor, matched=matched, pending=pending)


def match_reason(query: str, matches: list[TermMatch], mentor: MentorProfile) -> str:
    """ 'Matches “pyhton”: Python' — what the query hit on this mentor."""
    shown = [f"“{m.key}” in their experience" if m.field == STORY else m.label(mentor) for m in matches]
    return f"Matches “{query.strip()}”: {', '.join(list(dict.fromkeys(shown))[:3])}"


def like_reason(mentor: MentorProfile, wanted: MentorProfile, vocabulary: Vocabulary) -> str:
    """ 'Also mentors on Leadership, like Priya' — for an alternative to a mentor in demand."""
    offered = {text.phrase(vocabulary.canonical(s)) for s in mentor.skills}
    shared = [vocabulary.canonical(s) for s in wanted.skills if text.phrase(vocabulary.canonical(s)) in offered]
    return f"Also mentors on {why.join_names(shared[:3])}, like {wanted.first_name}"


def similarity(index: TermIndex, vocabulary: Vocabulary, wanted: MentorProfile, positions: np.ndarray) -> np.ndarray:
    """Share of the wanted mentor's skills that each mentor at `positions` (ascending) also offers."""
    entries = {index.skill(vocabulary.canonical(s)) for s in wanted.skills} - {None}
    return (index.count(entries, positions) / max(len(entries), 1)).astype(np.float32)
