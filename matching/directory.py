"""The mentor directory: search, filters and ranking by fit for the mentee who is looking."""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from matching import fit as fitting
from matching import text
from matching.columns import EITHER, IN_PERSON, POSITION_BITS, VIRTUAL, MentorColumns, location_code
from matching.hours import as_reference
from matching.index import STORY, TermIndex
from matching.profiles import FitWeights, MenteeProfile, MentorProfile, Vocabulary
from matching.results import RankedMentor, Ranking
from matching.search import SearchHits, TermMatch, search

CARD_REASONS = 3
NEEDS_KEPT = 256  # mentees whose resolved needs are cached
# With a query, fit can move a mentor by at most half their relevance: search finds, fit orders the finds.
RELEVANCE_FLOOR = 0.5
# Mentors whose pending requests already fill their places sink a little, to spread requests around.
POPULAR_FACTOR = 0.9
# Sort keys pack (full, score, room, position) into one int64, so one argpartition gives a deterministic order.
_SCORE_STEPS = (1 << 24) - 1
_SCORE_SHIFT = POSITION_BITS + 3  # above position and room rank (0..MAX_ROOM_RANK)
_TIER_SHIFT = _SCORE_SHIFT + 24
_MAX_POSITIONS = 1 << POSITION_BITS
_SAMPLE_FROM = 64  # candidates per wanted result from which sorting a sample first pays


@dataclass
class _Candidates:
    """Mentors still in the running, as parallel arrays: position, relevance, fit and the score to sort by."""

    positions: np.ndarray
    relevance: np.ndarray
    fit: np.ndarray | None = None
    score: np.ndarray | None = None


class MentorDirectory:
    """Every mentor of a programme, indexed once; build again when profiles change."""

    def __init__(self, mentors: Sequence[MentorProfile], vocabulary: Vocabulary, reference: datetime | None = None):
        self.mentors = tuple(sorted(mentors, key=lambda m: m.id))
        if len(self.mentors) >= _MAX_POSITIONS:
            raise ValueError(f"at most {_MAX_POSITIONS - 1} mentors")
        self._position = {m.id: i for i, m in enumerate(self.mentors)}
        if len(self._position) != len(self.mentors):
            raise ValueError("mentor ids must be unique")
        self.vocabulary = vocabulary
        self.reference = as_reference(reference)
        self.index = TermIndex.build(self.mentors, vocabulary)
        self.columns = MentorColumns(self.mentors, self.reference)
        self.phrases = fitting.SkillPhrases(vocabulary)
        self._needs: dict[MenteeProfile, fitting.Needs] = {}

    @classmethod
    def build(cls, mentors: Sequence[MentorProfile], vocabulary: Vocabulary, *,
              reference: datetime | None = None) -> "MentorDirectory":
        """Index the mentors; working hours go to UTC with each zone's offset at `reference` (default now)."""
        return cls(mentors, vocabulary, reference)

    def __len__(self) -> int:
        return len(self.mentors)

    def get(self, mentor_id: int) -> MentorProfile:
        """The profile of a mentor by user id (KeyError if not in the directory)."""
        return self.mentors[self._position[mentor_id]]

    def search(self, query: str) -> SearchHits:
        """The search core: mentors matching a fuzzy query, with relevance and the terms matched."""
        return search(self.index, query)

    def rank(self, mentee: MenteeProfile | None, *, query: str = "", department: str | None = None,
             location: str | None = None, min_shared_hours: float | None = None, has_room: bool = False,
             weights: FitWeights = FitWeights(), limit: int = 20, offset: int = 0) -> Ranking:
        """One page of mentors matching the query and filters, best fit for the mentee first.

        `location` keeps mentors who meet that way, including those happy with either. `min_shared_hours` needs a
        mentee with working hours (it is ignored otherwise); mentors whose hours are unknown do not pass it.
        """
        hits = self.search(query)
        scorer = self._scorer(mentee, weights)
        mask = self._filter(hits.mask, department, location, has_room)
        if scorer is not None and min_shared_hours and scorer.needs.length:
            candidates = np.flatnonzero(mask)
            mask[candidates[scorer.minutes(candidates) < round(min_shared_hours * 60)]] = False
        total = int(np.count_nonzero(mask))
        if not hits.everyone:
            mask = self._prune(mask, hits.scores, scorer is not None, offset + limit)
        positions = np.flatnonzero(mask)
        found = _Candidates(positions, hits.scores[positions])
        if scorer is not None:
            found.fit = scorer.fit(positions)
        tier = self._score(found, scorer is not None, has_query=not hits.everyone)
        order = self._order(found.positions, found.score, tier, offset + limit)[offset:]
        return Ranking(total=total, results=self._cards(found, order, scorer, hits), query=query, offset=offset)

    def alternatives(self, mentee: MenteeProfile | None, *, exclude: Iterable[int] = (),
                     weights: FitWeights = FitWeights(), count: int = 3, like: int | None = None) -> list[RankedMentor]:
        """The best mentors with room and no queue of requests: what to offer instead of a popular mentor.

        `like` is the id of the mentor the mentee wanted: mentors who offer the same skills come first.
        """
        excluded = [self._position[i] for i in [*exclude, like] if i in self._position]
        available = ~self.columns.full & ~self.columns.popular
        available[excluded] = False
        positions = np.flatnonzero(available)
        found = _Candidates(positions, np.zeros(len(positions), dtype=np.float32))
        scorer = self._scorer(mentee, weights)
        found.score = found.fit = scorer.fit(positions) if scorer is not None else None
        wanted = self.get(like) if like in self._position else None
        similar = self._similarity(wanted, positions) if wanted else None
        if similar is not None:
            found.score = similar if scorer is None else (found.fit + similar) / 2
        if found.score is None:
            found.score = found.relevance  # no mentee and no mentor to be like: by room, then id
        order = self._order(positions, found.score, np.zeros(len(positions), dtype=bool), count)
        cards = self._cards(found, order, scorer)
        for card, i in zip(cards, order):
            if similar is not None and similar[i] > 0:
                card.reasons[:] = [self._like_reason(card.mentor, wanted), *card.reasons][:CARD_REASONS]
        return cards

    def fit(self, mentee: MenteeProfile | None, mentor_id: int, weights: FitWeights = FitWeights()) -> RankedMentor:
        """One mentor's fit for the mentee, with every reason and what they have in common, for the profile page."""
        positions = np.array([self._position[mentor_id]], dtype=np.intp)
        found = _Candidates(positions, np.zeros(1, dtype=np.float32))
        scorer = self._scorer(mentee, weights)
        found.score = found.fit = scorer.fit(positions) if scorer is not None else found.relevance
        if scorer is None:
            found.fit = None
        return self._cards(found, [0], scorer, reasons=None)[0]

    # Steps ---------------------------------------------------------------------------------------------------------

    def _scorer(self, mentee: MenteeProfile | None, weights: FitWeights) -> fitting.FitScorer | None:
        """Fit tables for the mentee; what the mentee needs is kept for a while, as they search keystroke by keystroke."""
        if mentee is None:
            return None
        needs = self._needs.pop(mentee, None)
        if needs is None:
            needs = fitting.resolve(mentee, self.index, self.columns, self.vocabulary, self.phrases, self.reference)
        self._needs[mentee] = needs  # most recently used last
        if len(self._needs) > NEEDS_KEPT:
            del self._needs[next(iter(self._needs))]
        return fitting.FitScorer(needs, self.index, self.columns, weights)

    def _filter(self, mask: np.ndarray, department: str | None, location: str | None, has_room: bool) -> np.ndarray:
        """A new mask with the filters that need no mentee applied."""
        mask = mask.copy()
        if department:
            mask &= self.columns.department == self.columns.department_code(department)
        wanted = location_code(location)
        if wanted in (VIRTUAL, IN_PERSON):
            mask &= (self.columns.location == wanted) | (self.columns.location == EITHER)
        if has_room:
            mask &= ~self.columns.full
        return mask

    def _prune(self, mask: np.ndarray, relevance: np.ndarray, by_fit: bool, count: int) -> np.ndarray:
        """Drop mentors whose relevance is too low to reach the first `count` whatever their fit, before fit is scored.

        A score is at most the relevance and at least RELEVANCE_FLOOR * POPULAR_FACTOR of it, and full mentors only
        follow the rest; so once `count` mentors with room have relevance r, nobody below that share of r can reach
        the page.
        """
        eligible = mask & ~self.columns.full if by_fit else mask
        within = relevance * eligible  # relevance where eligible, else 0 (hits always have relevance above 0)
        top = float(within.max(initial=0))
        if np.count_nonzero(within >= top) < count:
            ranked = within[eligible]
            if len(ranked) <= count:
                return mask
            top = float(np.partition(ranked, len(ranked) - count)[len(ranked) - count])
        return within >= top * (RELEVANCE_FLOOR * POPULAR_FACTOR if by_fit else 1.0)

    def _score(self, found: _Candidates, by_fit: bool, has_query: bool) -> np.ndarray:
        """Set the score to sort by and return the tier: full mentors come after the rest when a mentee looks."""
        if not by_fit:
            # An admin browsing: relevance, then room (in the sort key); nobody is pushed down for being full.
            found.score = found.relevance
            return np.zeros(len(found.positions), dtype=bool)
        score = found.relevance * (RELEVANCE_FLOOR + (1 - RELEVANCE_FLOOR) * found.fit) if has_query else found.fit
        found.score = np.where(self.columns.popular[found.positions], score * POPULAR_FACTOR, score)
        return self.columns.full[found.positions]

    def _order(self, positions: np.ndarray, score: np.ndarray, tier: np.ndarray, count: int) -> list[int]:
        """Indices into `positions` of the best `count`: tier, then score, room and id, all in one int64 key."""
        if count <= 0 or not len(positions):
            return []
        # Scores are in [0, 1]; 24 bits of them keep ties rare and leave the low bits to room and position.
        key = ((1 - score) * _SCORE_STEPS + 0.5).astype(np.int64)
        key <<= _SCORE_SHIFT
        key |= self.columns.sort_low[positions]
        if tier.any():
            key |= tier.astype(np.int64) << _TIER_SHIFT
        chosen = np.arange(len(key))
        if len(key) > count * _SAMPLE_FROM:
            # The count-th smallest key of a strided sample is no smaller than the count-th of all keys, so the
            # keys up to it hold the best `count`; only those few are sorted (argpartition is slow on large arrays).
            stride = int(math.sqrt(len(key) / count))
            sample = key[::stride]
            chosen = np.flatnonzero(key <= np.partition(sample, count - 1)[count - 1])
        return chosen[np.argsort(key[chosen], kind="stable")][:count].tolist()

    def _similarity(self, wanted: MentorProfile, positions: np.ndarray) -> np.ndarray:
        """Share of the wanted mentor's skills each mentor at `positions` also offers."""
        entries = {self.index.skill(self.vocabulary.canonical(s)) for s in wanted.skills} - {None}
        return (self.index.count(entries, positions) / max(len(entries), 1)).astype(np.float32)

    def _like_reason(self, mentor: MentorProfile, wanted: MentorProfile) -> str:
        offered = {text.phrase(self.vocabulary.canonical(s)) for s in mentor.skills}
        shared = [self.vocabulary.canonical(s) for s in wanted.skills
                  if text.phrase(self.vocabulary.canonical(s)) in offered]
        return f"Also mentors on {fitting.join_names(shared[:3])}, like {wanted.first_name}"

    def _cards(self, found: _Candidates, order: list[int], scorer: fitting.FitScorer | None,
               hits: SearchHits | None = None, reasons: int | None = CARD_REASONS) -> list[RankedMentor]:
        """Results for the candidates at `order`: reasons best first (the search match first), cut to `reasons`."""
        positions = found.positions[order]
        searched = hits is not None and not hits.everyone
        matches = hits.explain(positions) if searched else [[] for _ in order]
        if scorer is not None:
            values = scorer.components(positions)
            has = fitting.shared(scorer.needs, self.index, positions, scorer.minutes(positions))
        cards = []
        for k, i in enumerate(order):
            position = int(positions[k])
            mentor = self.mentors[position]
            said = [self._match_reason(hits.query, matches[k], mentor)] if matches[k] else []
            common: list[str] = []
            if scorer is not None:
                why, common = fitting.explain(scorer.needs, mentor, {name: float(v[k]) for name, v in values.items()},
                                              has[k], scorer.weights, scorer.mode)
                said += why
            cards.append(RankedMentor(
                mentor=mentor,
                score=round(float(found.score[i]), 6),
                reasons=said if reasons is None else said[:reasons],
                common=common,
                room=int(self.columns.room[position]),
                full=bool(self.columns.full[position]),
                popular=bool(self.columns.popular[position]),
                matched_terms=list(dict.fromkeys(m.label(mentor) for m in matches[k])),
                relevance=round(float(found.relevance[i]), 6),
                fit=None if found.fit is None else round(float(found.fit[i]), 6),
                shared_minutes=has[k].minutes if scorer is not None else None,
            ))
        return cards

    @staticmethod
    def _match_reason(query: str, matches: list[TermMatch], mentor: MentorProfile) -> str:
        shown = [f"“{m.key}” in their experience" if m.field == STORY else m.label(mentor) for m in matches]
        return f"Matches “{query.strip()}”: {', '.join(list(dict.fromkeys(shown))[:3])}"
