"""The term dictionary and postings: every searchable word once, each pointing at the mentors who have it."""
from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from matching import text
from matching.profiles import MentorProfile, Vocabulary

# Fields a word can come from, and how much a match in each says about the mentor.
SKILL, NAME, TITLE, DEPARTMENT, STORY = "skill", "name", "title", "department", "story"
FIELD_WEIGHT = {SKILL: 1.0, NAME: 0.9, TITLE: 0.7, DEPARTMENT: 0.6, STORY: 0.4}

# Fuzzy matching by fuzz.ratio (normalised indel similarity). One typo in a short word costs more of the score,
# so short words need a lower bar; below four letters only exact, prefix and abbreviation matches count.
MIN_FUZZY_LENGTH = 4
FUZZY_CUTOFF = {4: 75, 5: 80}  # by query-word length; longer words use DEFAULT_FUZZY_CUTOFF
DEFAULT_FUZZY_CUTOFF = 80
MIN_PREFIX_LENGTH = 3
MIN_ABBREVIATION_LENGTH = 3
ABBREVIATION_SIMILARITY = 0.85
# A whole query typed as one phrase ("stakeholdermanagement") must be this close to a skill name or alias.
PHRASE_CUTOFF = 85
_VOWELS = re.compile(r"[aeiouy]")
# Skills beyond this many (rare free entries, by how many mentors have them) are counted from postings instead.
MAX_SKILL_BITS = 1024
SEARCH_SORTED_LIMIT = 256


@dataclass(frozen=True)
class Entry:
    """Something a query can match: a skill (with all its names) or a word of one field."""

    field: str
    key: str  # the canonical skill name, or the word itself


class TermIndex:
    """Words -> entries -> mentor positions, as flat numpy arrays, built once per directory."""

    def __init__(self, size: int, entries: list[Entry], postings: list[list[int]], word_entries: dict[str, set[int]],
                 phrases: dict[str, int]):
        self.size = size
        self.entries = entries
        self.entry_field = np.array([e.field for e in entries], dtype=object)
        self.entry_weight = np.array([FIELD_WEIGHT[e.field] for e in entries], dtype=np.float32)
        # Postings in one array: entry i holds positions[starts[i]:starts[i + 1]], ascending.
        lengths = np.array([len(p) for p in postings], dtype=np.int64)
        self.starts = np.concatenate(([0], np.cumsum(lengths)))
        # intp, numpy's own index type: int32 indices would be converted on every scatter and gather.
        self.positions = (np.concatenate([np.asarray(p, dtype=np.intp) for p in postings])
                          if postings else np.zeros(0, dtype=np.intp))
        self.words = sorted(word_entries)
        self.word_entries = [np.array(sorted(word_entries[w]), dtype=np.int32) for w in self.words]
        self.word_id = {w: i for i, w in enumerate(self.words)}
        self.phrases = list(phrases)
        self.phrase_entry = list(phrases.values())
        # Abbreviations are looked up among words with the same first letter, one newline-joined text per letter.
        by_initial: dict[str, list[str]] = defaultdict(list)
        for word in self.words:
            by_initial[word[0]].append(word)
        self.by_initial = {letter: "\n".join(ws) for letter, ws in by_initial.items()}
        self.skill_entry = {text.phrase(e.key): i for i, e in enumerate(entries) if e.field == SKILL}
        self.story_entry = {e.key: i for i, e in enumerate(entries) if e.field == STORY}
        self._skill_bits()

    def _skill_bits(self) -> None:
        """One bit per skill in per-mentor uint64 words, so "how many of these skills" is a popcount."""
        skills = sorted(self.skill_entry.values(), key=lambda e: (-(self.starts[e + 1] - self.starts[e]), e))
        self.skill_bit = {entry: bit for bit, entry in enumerate(skills[:MAX_SKILL_BITS])}
        self.skill_bits = [np.zeros(self.size, dtype=np.uint64) for _ in range((len(self.skill_bit) + 63) // 64)]
        for entry, bit in self.skill_bit.items():
            self.skill_bits[bit // 64][self.posting(entry)] |= np.uint64(1 << (bit % 64))

    @classmethod
    def build(cls, mentors: Sequence[MentorProfile], vocabulary: Vocabulary) -> "TermIndex":
        """Index mentors (in position order) with the vocabulary's aliases folded into their skills."""
        aliases: dict[str, list[str]] = defaultdict(list)
        for alias, canonical in vocabulary.names.items():
            aliases[canonical].append(alias)
        entry_id: dict[Entry, int] = {}
        postings: list[list[int]] = []
        word_entries: dict[str, set[int]] = defaultdict(set)
        phrases: dict[str, int] = {}
        # Free entries differ in case and spacing ("kubernetes", "Kubernetes"): the first spelling names them all.
        spelling: dict[str, str] = {}

        def entry(field: str, key: str, names: list[str]) -> int:
            found = entry_id.get(Entry(field, key))
            if found is None:
                found = entry_id[Entry(field, key)] = len(postings)
                postings.append([])
                for name in names:
                    for word in (text.words(name) if field != STORY else [name]):
                        word_entries[word].add(found)
                    if field == SKILL:
                        phrases.setdefault(text.phrase(name), found)
            return found

        for position, mentor in enumerate(mentors):
            found: set[int] = set()
            for skill in mentor.skills:
                canonical = vocabulary.canonical(skill)
                if canonical:
                    canonical = spelling.setdefault(text.phrase(canonical), canonical)
                    found.add(entry(SKILL, canonical, [canonical, *aliases.get(canonical, ())]))
            for field, value in ((NAME, mentor.name), (TITLE, mentor.title), (DEPARTMENT, mentor.department)):
                found.update(entry(field, word, [word]) for word in text.words(value))
            found.update(entry(STORY, word, [word]) for word in text.story_words(mentor.advises_on))
            for index in found:
                postings[index].append(position)
        return cls(len(mentors), list(entry_id), postings, word_entries, phrases)

    def skill(self, canonical: str) -> int | None:
        """The entry of a skill some mentor has, by its canonical name, or None."""
        return self.skill_entry.get(text.phrase(canonical))

    def posting(self, entry: int) -> np.ndarray:
        """Positions of the mentors an entry points at, ascending."""
        return self.positions[self.starts[entry]:self.starts[entry + 1]]

    def count(self, entries: Iterable[int], positions: np.ndarray) -> np.ndarray:
        """How many of the entries each mentor at `positions` (ascending) is in."""
        counts = np.zeros(len(positions), dtype=np.int16)
        masks: dict[int, int] = defaultdict(int)
        others = []
        for entry in entries:
            bit = self.skill_bit.get(entry)
            if bit is None:
                others.append(entry)
            else:
                masks[bit // 64] |= 1 << (bit % 64)
        for word, mask in masks.items():
            counts += np.bitwise_count(self.skill_bits[word][positions] & np.uint64(mask))
        for entry in others:
            counts += self.member(entry, positions)
        return counts

    def member(self, entry: int, positions: np.ndarray) -> np.ndarray:
        """Whether each mentor at `positions` (ascending) is in the entry's posting."""
        posting = self.posting(entry)
        if len(posting) == 0:
            return np.zeros(len(positions), dtype=bool)
        if len(positions) > SEARCH_SORTED_LIMIT:
            # For many positions one pass over the posting beats a binary search per position.
            flags = np.zeros(self.size, dtype=bool)
            flags[posting] = True
            return flags[positions]
        at = np.minimum(np.searchsorted(posting, positions), len(posting) - 1)
        return posting[at] == positions

    def weigh(self, weighted: Iterable[tuple[int, float]], positions: np.ndarray) -> np.ndarray:
        """Sum of the weights of the entries each mentor at `positions` (ascending) is in."""
        if len(positions) <= SEARCH_SORTED_LIMIT:
            total = np.zeros(len(positions), dtype=np.float32)
            for entry, weight in weighted:
                total += np.float32(weight) * self.member(entry, positions)
            return total
        total = np.zeros(self.size, dtype=np.float32)
        for entry, weight in weighted:
            total[self.posting(entry)] += weight
        return total[positions]

    def lookup(self, token: str, exact_only: bool = False) -> dict[int, float]:
        """Dictionary words a query word may mean -> similarity in (0, 1]: exact, prefix, typo or abbreviation."""
        found: dict[int, float] = {}
        exact = self.word_id.get(token)
        if exact is not None:
            found[exact] = 1.0
        if exact_only:
            return found
        if len(token) >= MIN_PREFIX_LENGTH:
            # Someone still typing: "speak" -> "speaking"; longer completions are less certain.
            low = bisect.bisect_left(self.words, token)
            high = bisect.bisect_left(self.words, token + "\uffff")
            for index in range(low, high):
                _keep(found, index, 0.6 + 0.4 * len(token) / len(self.words[index]))
        if len(token) >= MIN_FUZZY_LENGTH:
            cutoff = FUZZY_CUTOFF.get(len(token), DEFAULT_FUZZY_CUTOFF)
            for _, score, index in process.extract(token, self.words, scorer=fuzz.ratio, score_cutoff=cutoff,
                                                   limit=None):
                _keep(found, index, score / 100)
        if len(token) >= MIN_ABBREVIATION_LENGTH and not _VOWELS.search(token):
            for word in self._abbreviated(token):
                _keep(found, self.word_id[word], ABBREVIATION_SIMILARITY)
        return found

    def _abbreviated(self, token: str) -> list[str]:
        """Words a vowel-less abbreviation may stand for: same first and last letter, letters in order ("mgmt")."""
        pattern = "^" + "[^\n]*?".join(re.escape(c) for c in token) + "$"
        candidates = re.findall(pattern, self.by_initial.get(token[0], ""), flags=re.MULTILINE)
        return [w for w in candidates if len(w) >= len(token) + 2]

    def phrase_matches(self, query_phrase: str) -> list[tuple[str, int, float]]:
        """(phrase, skill entry, similarity) for skill names and aliases close to the whole query."""
        hits = process.extract(query_phrase, self.phrases, scorer=fuzz.ratio, score_cutoff=PHRASE_CUTOFF, limit=None)
        return [(phrase, self.phrase_entry[index], score / 100) for phrase, score, index in hits]


def _keep(found: dict[int, float], index: int, similarity: float) -> None:
    if similarity > found.get(index, 0.0):
        found[index] = similarity
