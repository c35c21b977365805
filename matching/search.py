"""Fuzzy search: a query -> the mentors it matches, how well, and which dictionary terms it hit."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from matching import text
from matching.index import NAME, TermIndex
from matching.profiles import MentorProfile

# A phrase counts as matched when the query fills at least this share of it (and the query is mostly used).
MIN_PHRASE_SCORE = 0.5
# Once some phrase is filled this well word by word, the whole query need not be tried as one phrase.
WHOLE_QUERY_UNLESS = 0.9
# A word typed as the initials of a phrase ("ml" for "machine learning") is about as sure as an abbreviation.
INITIALISM_SIMILARITY = 0.85

# A match while searching: (score, entry, what was typed, the dictionary word or phrase); TermMatch when shown.
Hit = tuple[float, int, str, str]


@dataclass(frozen=True)
class TermMatch:
    """One dictionary term the query matched."""

    text: str  # what was typed: a query word, or the whole query for a phrase
    term: str  # the dictionary word or phrase it matched
    field: str  # skill, title, department, name or story
    key: str  # the canonical skill name, the title, the department or the word
    score: float  # what the match adds to relevance, in (0, 1]
    entry: int = field(repr=False, default=-1)

    def label(self, mentor: MentorProfile) -> str:
        """How the match reads on a mentor's card: the skill, title or department, or the mentor's own name."""
        return mentor.name if self.field == NAME else self.key


@dataclass(frozen=True, eq=False)
class SearchHits:
    """The mentors a query matches and how well, as dense arrays over every position, plus the terms it hit."""

    query: str
    mask: np.ndarray = field(repr=False)  # bool per position: does the mentor match
    scores: np.ndarray = field(repr=False)  # float32 per position: relevance in [0, 1], 0 without a query
    # One group per query word, and the phrase group first, each best first: what explain() walks.
    groups: tuple[tuple[Hit, ...], ...] = field(default=(), repr=False)
    index: TermIndex | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def everyone(self) -> bool:
        """True when there was nothing to search for, so every mentor is a hit (only such hits lack the index)."""
        return self.index is None

    @cached_property
    def positions(self) -> np.ndarray:
        """Positions of the matching mentors, ascending."""
        return np.flatnonzero(self.mask)

    @cached_property
    def relevance(self) -> np.ndarray:
        """Relevance of each mentor in `positions`."""
        return self.scores[self.positions]

    @cached_property
    def matches(self) -> tuple[TermMatch, ...]:
        """Every dictionary term the query matched, each once at its best, best first."""
        best: dict[int, Hit] = {}
        for group in self.groups:
            for hit in group:
                if hit[1] not in best or hit[0] > best[hit[1]][0]:
                    best[hit[1]] = hit
        return tuple(self._match(hit) for hit in sorted(best.values(), key=lambda h: (-h[0], h[1])))

    def explain(self, positions: np.ndarray, held: list[set[int]] | None = None) -> list[list[TermMatch]]:
        """For each given position, its best match per group: distinct terms, best first.

        `held` is each position's entries (TermIndex.held_by), when the caller has them already.
        """
        held = self.index.held_by(np.asarray(positions).tolist()) if held is None else held
        result = []
        for entries in held:
            found: dict[int, Hit] = {}
            for group in self.groups:
                for hit in group:
                    if hit[1] in entries:
                        found.setdefault(hit[1], hit)
                        break
            result.append([self._match(h) for h in sorted(found.values(), key=lambda h: -h[0])])
        return result

    def _match(self, hit: Hit) -> TermMatch:
        score, entry, typed, term = hit
        found = self.index.entries[entry]
        return TermMatch(typed, term, found.field, found.key, score, entry)


def query_words(query: str, index: TermIndex) -> list[tuple[str, float]]:
    """The words to look up, each with its weight; a compound is kept whole when the dictionary knows it."""
    result: dict[str, float] = {}
    for parts in text.units(query):
        joined = "".join(parts)
        for word in ([joined] if len(parts) > 1 and joined in index.dictionary else parts):
            if len(word) > 1 or word.isdigit():
                result.setdefault(word, text.STOPWORD_WEIGHT if word in text.STOPWORDS else 1.0)
    return list(result.items())


def everyone(size: int, query: str = "") -> SearchHits:
    """Hits for an empty query: every mentor, with no relevance to rank by."""
    return SearchHits(query, np.ones(size, dtype=bool), np.zeros(size, dtype=np.float32))


def search(index: TermIndex, query: str) -> SearchHits:
    """Score mentors by the query's words one by one and by the phrases the query fills; keep the best of the two.

    Word by word, each query word counts its best match in any field (a skill, title, department, name or story
    word), averaged over the query's words. Phrase by phrase, a skill name or alias, title or department counts as
    much of it as the query fills: "stakeholdr mgmt" fills "stakeholder mgmt", "mktg team lead" "Marketing Team Lead".
    """
    words = query_words(query, index)
    if not words:
        return everyone(index.size, query)
    similar = index.dictionary.lookup([(word, weight < 1) for word, weight in words])
    # Stop words count word by word only in a query of nothing else ("it"); otherwise only inside phrases.
    content = [n for n, (_, weight) in enumerate(words) if weight == 1] or list(range(len(words)))
    groups = [group for group in (_word_hits(index, words[n][0], similar[n], words[n][1] == 1) for n in content)
              if group]
    phrases = _phrase_hits(index, query, words, similar)
    if len(content) == 1:
        # One word: its best match and the phrases it fills are all best-of, so one scatter does both.
        relevance = index.scatter_best([*(groups[0] if groups else ()), *phrases])
        return SearchHits(query, relevance > 0, relevance, tuple(g for g in (phrases, *groups) if g), index)
    relevance = np.zeros(index.size, dtype=np.float32)
    # Most words must match, so one stray typo does not empty the list, yet "senior python" is not an OR; with
    # two words one is most, so counting is needed only from three.
    covered = np.zeros(index.size, dtype=np.int8) if len(content) > 2 else None
    for group in groups:
        best = index.scatter_best(group)
        relevance += best
        if covered is not None:
            covered += best > 0
    relevance /= len(content)
    mask = covered >= (len(content) + 1) // 2 if covered is not None else relevance > 0
    if phrases:
        groups.insert(0, phrases)
        best = index.scatter_best(phrases)
        np.maximum(relevance, best, out=relevance)
        mask |= best > 0
    return SearchHits(query, mask, relevance, tuple(groups), index)


def _word_hits(index: TermIndex, word: str, similar: dict[int, float], content: bool) -> tuple[Hit, ...]:
    """The entries one query word reaches through the dictionary or as initials, best first, each at its best."""
    best: dict[int, Hit] = {}
    for word_id, similarity in similar.items():
        term = index.dictionary.words[word_id]
        for entry in index.word_entries[word_id]:
            # A word that is only part of a skill's every name says only that part of it.
            score = similarity * index.word_weight[entry] * index.word_share.get((word_id, entry), 1.0)
            if score > best.get(entry, (0.0,))[0]:
                best[entry] = (score, entry, word, term)
    for number in index.phrasebook.initialism(word) if content else ():
        phrase = index.phrasebook[number]
        score = INITIALISM_SIMILARITY * index.word_weight[phrase.entry]
        if score > best.get(phrase.entry, (0.0,))[0]:
            best[phrase.entry] = (score, phrase.entry, word, phrase.text)
    return tuple(sorted(best.values(), key=lambda h: (-h[0], h[1])))


def _phrase_hits(index: TermIndex, query: str, words: list[tuple[str, float]],
                 similar: list[dict[int, float]]) -> tuple[Hit, ...]:
    """Entries whose phrases the query fills: by the words matched, or by the whole query typed as one phrase."""
    query_weight = sum(weight for _, weight in words)
    best_word: dict[int, float] = {}
    typed_at: dict[int, int] = {}  # which query word matched each word best, for the order of a phrase's words
    leads: set[int] = set()  # words matched by content words: a phrase filled by stop words alone is no match
    for place, ((_, weight), matched) in enumerate(zip(words, similar)):
        for word_id, similarity in matched.items():
            if similarity > best_word.get(word_id, 0.0):
                best_word[word_id] = similarity
                typed_at[word_id] = place
            if weight == 1:
                leads.add(word_id)
    typed = query.strip()
    found = index.phrasebook.filled(best_word, leads or set(best_word), query_weight, MIN_PHRASE_SCORE, typed_at)
    # The whole query as one phrase is the fallback for compounds typed without spaces ("publicspeaking"):
    # needed only when no phrase is (nearly) filled word by word.
    if len(text.phrase(query)) >= 4 and max((score for score, _ in found), default=0.0) < WHOLE_QUERY_UNLESS:
        found += [(score, number) for score, number in index.phrasebook.whole_query(query) if score >= MIN_PHRASE_SCORE]
    # A word typed as a phrase's initials fills it as far as the word weighs in the query ("ml" alone: all of it).
    for word, weight in words:
        if weight == 1:
            share = INITIALISM_SIMILARITY / max(query_weight, 1)
            found += [(share * index.phrasebook[number].value, number) for number in index.phrasebook.initialism(word)
                      if share * index.phrasebook[number].value >= MIN_PHRASE_SCORE]
    best: dict[int, Hit] = {}
    for score, number in found:
        phrase = index.phrasebook[number]
        if score > best.get(phrase.entry, (0.0,))[0]:
            best[phrase.entry] = (score, phrase.entry, typed, phrase.text)
    return tuple(sorted(best.values(), key=lambda h: (-h[0], h[1])))
