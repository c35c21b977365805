"""Fuzzy search: a query -> the mentors it matches, how well, and which dictionary terms it hit."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from matching import text
from matching.index import DEPARTMENT, NAME, SKILL, STORY, TITLE, TermIndex
from matching.profiles import MentorProfile

# A stop word in a query ("head of it") still helps a little, but never decides on its own.
STOPWORD_WEIGHT = 0.25


@dataclass(frozen=True)
class TermMatch:
    """One dictionary term a query word matched."""

    text: str  # what was typed: a query word, or the whole query for a phrase match
    term: str  # the dictionary word or skill phrase it matched
    field: str  # skill, name, title, department or story
    key: str  # the canonical skill name, or the word
    score: float  # similarity times the field's weight, in (0, 1]
    entry: int = field(repr=False, default=-1)

    def label(self, mentor: MentorProfile) -> str:
        """How the match reads on a mentor's card: the skill, or the mentor's own title, name or department."""
        if self.field in (SKILL, STORY):
            return self.key
        return {NAME: mentor.name, TITLE: mentor.title, DEPARTMENT: mentor.department}[self.field]


@dataclass(frozen=True, eq=False)
class SearchHits:
    """The mentors a query matches and how well, as dense arrays over every position, plus the terms it hit."""

    query: str
    mask: np.ndarray = field(repr=False)  # bool per position: does the mentor match
    scores: np.ndarray = field(repr=False)  # float32 per position: relevance in [0, 1], 0 without a query
    matches: tuple[TermMatch, ...] = ()
    # Best match first, one group per query word (the whole-phrase group first): what explain() walks.
    groups: tuple[tuple[TermMatch, ...], ...] = field(default=(), repr=False)
    index: TermIndex | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def everyone(self) -> bool:
        """True when there was nothing to search for, so every mentor is a hit (only such hits lack the index)."""
        return self.index is None

    @cached_property
    def positions(self) -> np.ndarray:
        """Positions of the matching mentors, ascending."""
        return np.flatnonzero(self.mask).astype(np.int32)

    @cached_property
    def relevance(self) -> np.ndarray:
        """Relevance of each mentor in `positions`."""
        return self.scores[self.positions]

    def explain(self, positions: np.ndarray) -> list[list[TermMatch]]:
        """For each given position (ascending or not), its best match per query word: distinct terms, best first."""
        positions = np.asarray(positions, dtype=np.int32)
        result: list[list[TermMatch]] = [[] for _ in range(len(positions))]
        for group in self.groups:
            unresolved = np.argsort(positions)  # member() wants positions ascending
            for match in group:
                if not unresolved.size:
                    break
                present = self.index.member(match.entry, positions[unresolved])
                for k in unresolved[present].tolist():
                    if all(m.entry != match.entry for m in result[k]):
                        result[k].append(match)
                unresolved = unresolved[~present]
        return [sorted(found, key=lambda m: -m.score) for found in result]


def query_words(query: str, index: TermIndex) -> list[tuple[str, float]]:
    """The words to look up, each with its weight; a compound is kept whole when the dictionary knows it."""
    result: dict[str, float] = {}
    for parts in text.units(query):
        joined = "".join(parts)
        for word in ([joined] if len(parts) > 1 and joined in index.word_id else parts):
            if len(word) > 1 or word.isdigit():
                result.setdefault(word, STOPWORD_WEIGHT if word in text.STOPWORDS else 1.0)
    return list(result.items())


def everyone(size: int, query: str = "") -> SearchHits:
    """Hits for an empty query: every mentor, with no relevance to rank by."""
    return SearchHits(query, np.ones(size, dtype=bool), np.zeros(size, dtype=np.float32))


def search(index: TermIndex, query: str) -> SearchHits:
    """Match the query's words, and the query as a whole phrase, against the dictionary; score mentors by postings."""
    words = query_words(query, index)
    if not words:
        return everyone(index.size, query)
    size = index.size
    relevance = np.zeros(size, dtype=np.float32)
    covered = np.zeros(size, dtype=np.int8)  # content words matched, for the "most words must match" rule
    groups: list[tuple[TermMatch, ...]] = []
    for word, weight in words:
        group = _word_matches(index, word, exact_only=weight < 1)
        if not group:
            continue
        groups.append(group)
        best = _best_per_mentor(index, group, size)
        if weight == 1:
            covered += best > 0
        else:
            best *= weight
        relevance += best
    relevance /= sum(weight for _, weight in words)
    content = sum(1 for _, weight in words if weight == 1)
    # Most words must match, so one stray typo does not empty the list, yet "senior python" is not an OR.
    mask = covered >= (content + 1) // 2 if content else relevance > 0
    phrase_group = _phrase_matches(index, query)
    if phrase_group:
        groups.insert(0, phrase_group)
        for match in phrase_group:
            posting = index.posting(match.entry)
            relevance[posting] = np.maximum(relevance[posting], match.score)
            mask[posting] = True
    matches = _distinct(m for g in groups for m in g)
    return SearchHits(query, mask, relevance, matches, tuple(groups), index)


def _distinct(matches) -> tuple[TermMatch, ...]:
    """Each entry once, at its best score, best first."""
    best: dict[int, TermMatch] = {}
    for match in matches:
        if match.entry not in best or match.score > best[match.entry].score:
            best[match.entry] = match
    return tuple(sorted(best.values(), key=lambda m: (-m.score, m.entry)))


def _word_matches(index: TermIndex, word: str, exact_only: bool) -> tuple[TermMatch, ...]:
    """The entries one query word reaches through the dictionary, best first, each with its best score."""
    best: dict[int, TermMatch] = {}
    for word_id, similarity in index.lookup(word, exact_only).items():
        term = index.words[word_id]
        for entry in index.word_entries[word_id].tolist():
            score = similarity * float(index.entry_weight[entry])
            if entry not in best or score > best[entry].score:
                found = index.entries[entry]
                best[entry] = TermMatch(word, term, found.field, found.key, score, entry)
    return tuple(sorted(best.values(), key=lambda m: (-m.score, m.entry)))


def _phrase_matches(index: TermIndex, query: str) -> tuple[TermMatch, ...]:
    """Skills whose name or alias is close to the whole query, for compounds typed without spaces."""
    phrase = text.phrase(query)
    if len(phrase) < 4:
        return ()
    best: dict[int, TermMatch] = {}
    for term, entry, similarity in index.phrase_matches(phrase):
        if entry not in best or similarity > best[entry].score:
            best[entry] = TermMatch(query.strip(), term, SKILL, index.entries[entry].key, similarity, entry)
    return tuple(sorted(best.values(), key=lambda m: (-m.score, m.entry)))


def _best_per_mentor(index: TermIndex, group: tuple[TermMatch, ...], size: int) -> np.ndarray:
    """Each mentor's best score among the group's entries (0 where none), scattered from the postings."""
    best = np.zeros(size, dtype=np.float32)
    # The group is best first: writing it in reverse leaves each mentor's best score (faster than maximum.at).
    for match in reversed(group):
        best[index.posting(match.entry)] = match.score
    return best
