"""The mentor directory: search, filters and ranking by fit for the mentee who is looking."""
from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import numpy as np

from matching import cards as carding
from matching import explanation as explaining
from matching import fit as fitting
from matching import selection
from matching.columns import EITHER, IN_PERSON, POSITION_BITS, VIRTUAL, MentorColumns, location_code
from matching.hours import as_reference
from matching.index import TermIndex
from matching.profiles import FitWeights, MenteeProfile, MentorProfile, Vocabulary
from matching.reasons import TO_MENTEE, Voice
from matching.results import RankedMentor, Ranking
from matching.search import SearchHits, search

SCORERS_KEPT = 256  # (mentee, weights) pairs whose fit tables are kept
DEFAULT_WEIGHTS = FitWeights()


class MentorDirectory:
    """Every mentor of a programme, indexed once; build again when profiles change."""

    def __init__(self, mentors: Sequence[MentorProfile], vocabulary: Vocabulary, reference: datetime | None = None):
        self.mentors = tuple(sorted(mentors, key=lambda m: m.id))
        if len(self.mentors) >= 1 << POSITION_BITS:
            raise ValueError(f"at most {(1 << POSITION_BITS) - 1} mentors")
        self._position = {m.id: i for i, m in enumerate(self.mentors)}
        if len(self._position) != len(self.mentors):
            raise ValueError("mentor ids must be unique")
        self.vocabulary = vocabulary
        self.reference = as_reference(reference)
        self.index = TermIndex.build(self.mentors, vocabulary)
        self.columns = MentorColumns(self.mentors, self.reference)
        self.phrases = fitting.SkillPhrases(vocabulary)
        self._scorers: dict[tuple[MenteeProfile, FitWeights], fitting.FitScorer] = {}
        self._scorers_lock = threading.Lock()

    @classmethod
    def build(cls, mentors: Sequence[MentorProfile], vocabulary: Vocabulary, *,
              reference: datetime | None = None) -> MentorDirectory:
        """Index the mentors; working hours go to UTC with each zone's offset at `reference` (default now)."""
        return cls(mentors, vocabulary, reference)

    def with_load(self, matched: Mapping[int, int], pending: Mapping[int, int]) -> MentorDirectory:
        """This directory with each mentor's current matches and pending requests (mentor id -> count).

        Load changes with every request and approval while profiles rarely do, so the index, columns and
        fit tables are shared and only room, full and popular are worked out again.
        """
        positions = self._position
        matched_column = np.zeros(len(self.mentors), dtype=np.int32)
        pending_column = np.zeros(len(self.mentors), dtype=np.int32)
        for column, counts in ((matched_column, matched), (pending_column, pending)):
            for mentor_id, count in counts.items():
                if mentor_id in positions:
                    column[positions[mentor_id]] = count
        return self._loaded(matched_column, pending_column)

    def with_load_of(self, mentor_ids: Iterable[int], matched: Mapping[int, int],
                     pending: Mapping[int, int]) -> MentorDirectory:
        """This directory with the load of these mentors alone set again (a mentor missing from a count has none)."""
        matched_column, pending_column = self.columns.matched.copy(), self.columns.pending.copy()
        for mentor_id in mentor_ids:
            position = self._position.get(mentor_id)
            if position is not None:
                matched_column[position] = matched.get(mentor_id, 0)
                pending_column[position] = pending.get(mentor_id, 0)
        return self._loaded(matched_column, pending_column)

    def with_load_from(self, other: MentorDirectory) -> tuple[MentorDirectory, set[int]]:
        """This directory with the load another copy holds for the mentors in both, and the ids of those who are only
        here (given no load: the caller counts them). A new index takes over the last one's load this way."""
        mine, theirs = self._ids(), other._ids()
        at = np.minimum(np.searchsorted(theirs, mine), max(len(theirs) - 1, 0))
        found = theirs[at] == mine if len(theirs) else np.zeros(len(mine), dtype=bool)
        matched = np.where(found, other.columns.matched[at] if len(theirs) else 0, 0).astype(np.int32)
        pending = np.where(found, other.columns.pending[at] if len(theirs) else 0, 0).astype(np.int32)
        return self._loaded(matched, pending), set(mine[~found].tolist())

    def _ids(self) -> np.ndarray:
        """The mentors' user ids in position order (ascending), worked out once per index."""
        ids = self.__dict__.get("_id_column")
        if ids is None:
            ids = self._id_column = np.fromiter((m.id for m in self.mentors), dtype=np.int64, count=len(self.mentors))
        return ids

    def _loaded(self, matched_column: np.ndarray, pending_column: np.ndarray) -> MentorDirectory:
        # The load lives in the columns alone: the profiles stay shared, and the few a page shows are given their
        # load as they are read (profile_at), not all of them at every change.
        clone = copy.copy(self)
        clone.columns = self.columns.with_load(matched_column, pending_column)
        return clone

    def __len__(self) -> int:
        return len(self.mentors)

    def get(self, mentor_id: int) -> MentorProfile:
        """The profile of a mentor by user id (KeyError if not in the directory)."""
        return self.profile_at(self._position[mentor_id])

    def profile_at(self, position: int) -> MentorProfile:
        """The mentor at a position in `mentors`, with the load this directory holds (`mentors` holds the profiles as
        they were indexed; the load is in the columns)."""
        return carding.loaded(self.mentors[position], self.columns, position)

    def search(self, query: str) -> SearchHits:
        """The search core: mentors matching a fuzzy query, with relevance and the terms matched."""
        return search(self.index, query)

    def rank(self, mentee: MenteeProfile | None, *, query: str = "", department: str | None = None,
             location: str | None = None, min_shared_hours: float | None = None, has_room: bool = False,
             weights: FitWeights = DEFAULT_WEIGHTS, limit: int = 20, offset: int = 0) -> Ranking:
        """One page of mentors matching the query and filters, best fit for the mentee first.

        Without a mentee (an admin browsing): by relevance, then room. `location` keeps mentors who meet that way,
        including those happy with either. `min_shared_hours` needs a mentee with working hours (it is ignored
        otherwise); mentors whose hours are unknown do not pass it. `has_room` keeps mentors who are not full
        (popular ones too: they are marked, and sink a little).
        """
        hits = self.search(query)
        scorer = self._scorer(mentee, weights)
        mask = self._filter(hits.mask, department, location, has_room)
        if scorer is not None and min_shared_hours and scorer.needs.length:
            candidates = np.flatnonzero(mask)
            mask[candidates[scorer.minutes(candidates) < round(min_shared_hours * 60)]] = False
        total = int(np.count_nonzero(mask))
        count = offset + limit
        if scorer is None:
            found = selection.by_relevance(mask, hits.scores, count)
            tier = np.zeros(len(found.positions), dtype=bool)  # nobody is pushed down for being full
        else:
            found = selection.by_fit(mask, hits.scores, scorer, self.columns, count, has_query=not hits.everyone)
            tier = self.columns.full.take(found.positions)
        chosen = selection.order(found, tier, self.columns, count)[offset:]
        results = carding.cards(self.mentors, self.index, self.columns, found, chosen, scorer, hits)
        return Ranking(total=total, results=results, query=query, offset=offset)

    def alternatives(self, mentee: MenteeProfile | None, *, exclude: Iterable[int] = (),
                     weights: FitWeights = DEFAULT_WEIGHTS, count: int = 3,
                     like: int | None = None) -> list[RankedMentor]:
        """The best mentors with room and no queue of requests: what to offer instead of a mentor in demand.

        `like` is the id of the mentor the mentee wanted (left out too): mentors offering the same skills come
        first. Without a mentee or `like`: by room, then id.
        """
        available = ~self.columns.full & ~self.columns.popular
        available[[self._position[i] for i in [*exclude, like] if i in self._position]] = False
        positions = np.flatnonzero(available)
        scorer = self._scorer(mentee, weights)
        found = self._unsearched(positions, scorer)
        wanted = self.get(like) if like in self._position else None
        if wanted is not None:
            similar = carding.similarity(self.index, self.vocabulary, wanted, positions)
            found.score = similar if scorer is None else (found.score + similar) / 2
        chosen = selection.order(found, np.zeros(len(positions), dtype=bool), self.columns, count)
        results = carding.cards(self.mentors, self.index, self.columns, found, chosen, scorer)
        if wanted is not None:
            for card, i in zip(results, chosen):
                if similar[i] > 0:
                    like = carding.like_reason(card.mentor, wanted, self.vocabulary)
                    card.reasons = [like, *card.reasons][:carding.CARD_REASONS]
        return results

    def fit(self, mentee: MenteeProfile | None, mentor_id: int, weights: FitWeights = DEFAULT_WEIGHTS,
            voice: Voice = TO_MENTEE) -> RankedMentor | None:
        """One mentor's fit for the mentee, with every reason and what they have in common, for the profile page.

        None if the mentor is not in the directory (not finished the questionnaire, or gone).
        """
        if mentor_id not in self._position:
            return None
        positions = np.array([self._position[mentor_id]], dtype=np.intp)
        scorer = self._scorer(mentee, weights)
        found = self._unsearched(positions, scorer)
        return carding.cards(self.mentors, self.index, self.columns, found, [0], scorer, reasons=None,
                             voice=voice)[0]

    def explain(self, mentee: MenteeProfile, mentor_id: int, weights: FitWeights = DEFAULT_WEIGHTS,
                voice: Voice = TO_MENTEE) -> explaining.Explanation | None:
        """One pair's fit as the pairing matrix has it, the profile page's reasons, and the parts of the score.

        None if the mentor is not in the directory. `Voice.about(first_name)` words the reasons for a third person
        (an admin) instead of the mentee.
        """
        card = self.fit(mentee, mentor_id, weights, voice)
        if card is None:
            return None
        return explaining.explanation(self._scorer(mentee, weights), self._position[mentor_id], card.reasons)

    def _unsearched(self, positions: np.ndarray, scorer: fitting.FitScorer | None) -> selection.Candidates:
        """Candidates with no query: scored by fit for a mentee, else all alike (then room and id decide)."""
        if scorer is not None:
            return selection.scored(positions, np.zeros(len(self), dtype=np.float32), scorer, self.columns,
                                    has_query=False)
        found = selection.Candidates(positions, np.zeros(len(positions), dtype=np.float32))
        found.score = found.relevance
        return found

    def _scorer(self, mentee: MenteeProfile | None, weights: FitWeights) -> fitting.FitScorer | None:
        """Fit tables for the mentee, kept for a while: a mentee searches keystroke by keystroke."""
        if mentee is None:
            return None
        with self._scorers_lock:  # web workers share one directory across threads
            scorer = self._scorers.pop((mentee, weights), None)
        if scorer is None:
            needs = fitting.resolve(mentee, self.index, self.columns, self.vocabulary, self.phrases, self.reference)
            scorer = fitting.FitScorer(needs, self.index, self.columns, weights)
        with self._scorers_lock:
            self._scorers[(mentee, weights)] = scorer  # most recently used last
            if len(self._scorers) > SCORERS_KEPT:
                self._scorers.pop(next(iter(self._scorers)))
        return scorer

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
