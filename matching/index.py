"""The term index: what mentors can be found by (entries), the words and phrases that lead to them, and postings."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np
from scipy import sparse

from matching import postings, text
from matching.dictionary import Dictionary
from matching.phrases import Phrasebook
from matching.profiles import MentorProfile, Vocabulary

# What a query can match: a skill (under any of its names), a title, a department, a word of a name, a story word.
SKILL, TITLE, DEPARTMENT, NAME, STORY = "skill", "title", "department", "name", "story"
# How much one query word matching in a field says, when the rest of the field's phrase may be unmatched.
WORD_WEIGHT = {SKILL: 0.8, NAME: 0.9, TITLE: 0.6, DEPARTMENT: 0.5, STORY: 0.4}
# How much the query matching a whole phrase says: a skill's name or alias, a job title, a department.
PHRASE_WEIGHT = {SKILL: 1.0, TITLE: 1.0, DEPARTMENT: 0.9}

# In a directory of at least COMMON_STORY_FROM mentors, story words used by more than this share are not indexed.
COMMON_STORY_SHARE = 0.1
COMMON_STORY_FROM = 500
# Skills beyond this many (rare free entries, by how many mentors have them) are counted from postings instead.
MAX_SKILL_BITS = 1024
# Up to this many positions, membership is a binary search per position; beyond, one pass over the posting.
SEARCH_SORTED_LIMIT = 256


@dataclass(frozen=True)
class Entry:
    """Something a query can match, with one posting: a skill, a title, a department, a name word, a story word."""

    field: str
    key: str  # the canonical skill name, the title, the department or the word


class TermIndex:
    """Words and phrases -> entries -> mentor positions, the postings as flat numpy arrays."""

    def __init__(self, size: int, entries: list[Entry], sizes: np.ndarray, positions: np.ndarray,
                 word_entries: dict[str, set[int]], phrases: list[tuple[int, str]]):
        """`positions` holds each entry's posting in turn (`sizes` long each), ascending within an entry."""
        self.size = size
        self.entries = entries
        self.word_weight = [WORD_WEIGHT[e.field] for e in entries]
        # Postings in one array: entry i holds positions[starts[i]:starts[i + 1]], ascending. intp is numpy's own
        # index type: int32 indices would be converted on every scatter and gather.
        self.starts = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
        self.positions = np.asarray(positions, dtype=np.intp)
        self.sizes = np.asarray(sizes).tolist()
        # The transpose, for explaining a page of results: mentor i is in entries held[held_starts[i]:...[i + 1]].
        # A sparse transpose is a counting sort: linear in the postings, entries ascending for each mentor.
        by_mentor = sparse.csr_array((np.ones(len(self.positions), dtype=np.int8), self.positions, self.starts),
                                     shape=(len(entries), size)).tocsc()
        self.held = by_mentor.indices.astype(np.int32)
        self.held_starts = by_mentor.indptr.astype(np.int64)
        self.dictionary = Dictionary(word_entries, (word for word, found in word_entries.items()
                                                    if any(entries[e].field != STORY for e in found)))
        self.word_entries = [sorted(word_entries[word]) for word in self.dictionary.words]
        self.phrasebook = Phrasebook(
            # Titles are left out of whole-query matching: they are many, and rarely typed without spaces.
            [(entry, written, PHRASE_WEIGHT[entries[entry].field], entries[entry].field != TITLE)
             for entry, written in phrases],
            self.dictionary,
        )
        self.word_share = self._word_shares()
        self.skill_entry = {text.phrase(e.key): i for i, e in enumerate(entries) if e.field == SKILL}
        self.story_entry = {e.key: i for i, e in enumerate(entries) if e.field == STORY}
        self._skill_bits()

    def _word_shares(self) -> dict[tuple[int, int], float]:
        """(word id, skill entry) -> the most of any one of the skill's names the word fills, where below 1.

        "line" is half of "line management": it says half as much about People management as "management" does.
        """
        shares: dict[tuple[int, int], float] = {}
        for phrase in self.phrasebook.phrases:
            if self.entries[phrase.entry].field != SKILL:
                continue
            filled: dict[int, float] = defaultdict(float)
            for ids, weight in phrase.slots:
                for word in ids:
                    filled[word] += weight / phrase.weight
            for word, share in filled.items():
                key = (word, phrase.entry)
                shares[key] = max(shares.get(key, 0.0), min(share, 1.0))
        return {key: share for key, share in shares.items() if share < 1}

    def _skill_bits(self) -> None:
        """One bit per skill in per-mentor uint64 words, so "how many of these skills" is a popcount."""
        skills = sorted(self.skill_entry.values(), key=lambda e: (-(self.starts[e + 1] - self.starts[e]), e))
        self.skill_bit = {entry: bit for bit, entry in enumerate(skills[:MAX_SKILL_BITS])}
        self.skill_bits = [np.zeros(self.size, dtype=np.uint64) for _ in range((len(self.skill_bit) + 63) // 64)]
        for entry, bit in self.skill_bit.items():
            self.skill_bits[bit // 64][self.posting(entry)] |= np.uint64(1 << (bit % 64))

    @classmethod
    def build(cls, mentors: Sequence[MentorProfile], vocabulary: Vocabulary) -> TermIndex:
        """Index mentors (in position order) with the vocabulary's aliases folded into their skills.

        Field by field for all mentors at once: each distinct value is worked out once, then postings come from
        numpy sorts of (key, mentor position) pairs.
        """
        size = len(mentors)
        aliases: dict[str, list[str]] = defaultdict(list)
        for alias, canonical in vocabulary.names.items():
            aliases[canonical].append(alias)
        # Free entries differ in case and spacing ("kubernetes", "Kubernetes"): the first spelling names them all.
        spelling: dict[str, str] = {}

        def skill(entry: str) -> str | None:
            canonical = vocabulary.canonical(entry)
            return spelling.setdefault(text.phrase(canonical), canonical) if canonical else None

        def tidy(value: str) -> str | None:
            return " ".join(value.split()) or None

        column = {name: list(map(attrgetter(name), mentors)) for name in ("skills", "title", "department", "name")}
        fields = [
            (SKILL, postings.Interned.of(column["skills"], skill)),
            (TITLE, postings.Interned.one_each(column["title"], tidy)),
            (DEPARTMENT, postings.Interned.one_each(column["department"], tidy)),
            (NAME, postings.Interned.of(postings.field_words(column["name"]))),
            (STORY, postings.story_words(list(map(attrgetter("advises_on"), mentors)))),
        ]
        entries: list[Entry] = []
        sizes: list[np.ndarray] = []
        positions: list[np.ndarray] = []
        word_entries: dict[str, set[int]] = defaultdict(set)
        phrases: list[tuple[int, str]] = []
        for field, interned in fields:
            counts, found = interned.postings(size)
            kept = np.ones(len(interned.keys), dtype=bool)
            if field == STORY and size >= COMMON_STORY_FROM:
                # Words in a large share of stories ("team", "helped") tell no one apart: treat them as stop words.
                kept = counts <= COMMON_STORY_SHARE * size
                found = found[np.repeat(kept, counts)]
            for key, keep in zip(interned.keys, kept.tolist()):
                number = len(entries)
                entries.append(Entry(field, key))  # a common story word stays an entry, one no word leads to
                names = dict.fromkeys([key, *aliases.get(key, ())]) if field == SKILL else [key] if keep else []
                for name in names:
                    for word in text.words(name) if field != STORY else [name]:
                        word_entries[word].add(number)
                    if field in PHRASE_WEIGHT:
                        phrases.append((number, name))
            sizes.append(np.where(kept, counts, 0))
            positions.append(found)
        return cls(size, entries, np.concatenate(sizes), np.concatenate(positions), word_entries, phrases)

    # Looking up --------------------------------------------------------------------------------------------------

    def skill(self, canonical: str) -> int | None:
        """The entry of a skill some mentor has, by its canonical name, or None."""
        return self.skill_entry.get(text.phrase(canonical))

    # Postings ----------------------------------------------------------------------------------------------------

    def posting(self, entry: int) -> np.ndarray:
        """Positions of the mentors an entry points at, ascending."""
        return self.positions[self.starts[entry]:self.starts[entry + 1]]

    def member(self, entry: int, positions: np.ndarray) -> np.ndarray:
        """Whether each mentor at `positions` (ascending) is in the entry's posting."""
        bit = self.skill_bit.get(entry)
        if bit is not None:
            return (self.skill_bits[bit // 64].take(positions) & np.uint64(1 << (bit % 64))) != 0
        posting = self.posting(entry)
        if len(posting) == 0:
            return np.zeros(len(positions), dtype=bool)
        if len(positions) > SEARCH_SORTED_LIMIT:
            flags = np.zeros(self.size, dtype=bool)
            flags[posting] = True
            return flags.take(positions)
        at = np.minimum(np.searchsorted(posting, positions), len(posting) - 1)
        return posting[at] == positions

    def held_by(self, positions: Iterable[int]) -> list[set[int]]:
        """The entries each mentor is in: its skills, title, department, name words and story words."""
        return [set(self.held[self.held_starts[p]:self.held_starts[p + 1]].tolist()) for p in positions]

    def count(self, entries: Iterable[int], positions: np.ndarray) -> np.ndarray:
        """How many of the entries each mentor at `positions` (ascending) is in."""
        return self.counts([entries], positions)[0]

    def counts(self, groups: list[Iterable[int]], positions: np.ndarray) -> list[np.ndarray]:
        """For each group of entries, how many of them each mentor at `positions` (ascending) is in.

        Skills are bits in per-mentor words: each word is gathered once for all groups, then popcounted.
        """
        counts = [np.zeros(len(positions), dtype=np.uint8) for _ in groups]
        masks: dict[int, list[int]] = defaultdict(lambda: [0] * len(groups))
        for number, entries in enumerate(groups):
            for entry in entries:
                bit = self.skill_bit.get(entry)
                if bit is None:
                    counts[number] += self.member(entry, positions)
                else:
                    masks[bit // 64][number] |= 1 << (bit % 64)
        for word, by_group in masks.items():
            bits = self.skill_bits[word].take(positions)
            for number, mask in enumerate(by_group):
                if mask:
                    counts[number] += np.bitwise_count(bits & np.uint64(mask))
        return counts

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
        return total.take(positions)

    def scatter_best(self, scored: Iterable[tuple]) -> np.ndarray:
        """Each mentor's best score over (score, entry, ...) tuples, 0 where none, as a dense array."""
        best = np.zeros(self.size, dtype=np.float32)
        # Written lowest score first so each mentor keeps its best (faster than np.maximum.at); entries with the
        # same score are written in one go.
        top: dict[int, float] = {}
        for score, entry, *_ in scored:
            if score > top.get(entry, 0.0):
                top[entry] = score
        by_score: dict[float, list[int]] = defaultdict(list)
        for entry, score in top.items():
            by_score[score].append(entry)
        for score in sorted(by_score):
            entries = by_score[score]
            if len(entries) == 1:
                best[self.posting(entries[0])] = score
            else:
                best[np.concatenate([self.posting(e) for e in entries])] = score
        return best


def _keep(found: dict[int, float], index: int, similarity: float) -> None:
    if similarity > found.get(index, 0.0):
        found[index] = similarity
