"""Turning every mentor's field values into postings at once: flat numpy arrays, each distinct value interned once,
so that indexing a hundred thousand profiles creates no Python object per word of their prose."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import chain

import numpy as np

from matching import text, tokens

# Texts are folded and split as one string; this never occurs in a profile (it is replaced if it does).
_SEPARATOR = "\x00"
# A folded text of plain words and spaces needs no compound handling: its words are its split.
_PLAIN = re.compile(r"[a-z ]*")


def folded(texts: Sequence[str]) -> list[str]:
    """Each text folded (text.fold), all in one call rather than one per text."""
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != max(len(texts) - 1, 0):
        joined = _SEPARATOR.join(t.replace(_SEPARATOR, " ") for t in texts)
    return text.fold(joined).split(_SEPARATOR) if texts else []


def field_words(values: Sequence[str]) -> list[list[str]]:
    """text.words of each value, distinct values worked out once and plain ones by a split."""
    distinct = list(dict.fromkeys(values))
    found = {value: line.split() if _PLAIN.fullmatch(line) else text.words(line)
             for value, line in zip(distinct, folded(distinct))}
    return [found[value] for value in values]


class Interned:
    """(mentor position, key) pairs as two arrays; each distinct key once, numbered in order of first use."""

    def __init__(self, owners: np.ndarray, keys: list[str], ids: np.ndarray):
        self.owners = owners
        self.keys = keys
        self.ids = ids

    @classmethod
    def of(cls, per_mentor: Sequence[Sequence[str]], key: Callable[[str], str | None] | None = None) -> Interned:
        """From each mentor's values; `key` turns a value into its key once per distinct value (None: left out)."""
        counts = np.fromiter(map(len, per_mentor), dtype=np.intp, count=len(per_mentor))
        flat = list(chain.from_iterable(per_mentor))
        values = dict.fromkeys(flat)
        keys: dict[str, int] = {}
        for value in values:
            name = key(value) if key else value
            values[value] = -1 if name is None else keys.setdefault(name, len(keys))
        ids = np.fromiter(map(values.__getitem__, flat), dtype=np.intp, count=len(flat))
        owners = np.repeat(np.arange(len(per_mentor), dtype=np.intp), counts)
        kept = ids >= 0
        return cls(owners[kept], list(keys), ids[kept])

    @classmethod
    def one_each(cls, values: Sequence[str], key: Callable[[str], str | None]) -> Interned:
        """From one value per mentor, as `of` (without a tuple per mentor)."""
        numbers = dict.fromkeys(values)
        keys: dict[str, int] = {}
        for value in numbers:
            name = key(value)
            numbers[value] = -1 if name is None else keys.setdefault(name, len(keys))
        ids = np.fromiter(map(numbers.__getitem__, values), dtype=np.intp, count=len(values))
        kept = np.flatnonzero(ids >= 0)
        return cls(kept, list(keys), ids[kept])

    def postings(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """(count per key, positions key after key, each key's ascending and without repeats)."""
        # Owners ascend already, so a stable sort by key orders the pairs by (key, owner); with fewer than 65,536
        # keys it is a radix sort, linear in the number of pairs.
        ids = self.ids.astype(np.uint16 if len(self.keys) <= 1 << 16 else np.intp)
        order = np.argsort(ids, kind="stable")
        keys, owners = ids[order], self.owners[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
        return np.bincount(keys[first], minlength=len(self.keys)), owners[first]


def story_words(stories: Sequence[str]) -> Interned:
    """The significant words of each story (text.story_words), interned."""
    lines = folded(stories)
    # All the stories as one text, a space apart; a word belongs to the story whose span holds its start.
    spans = np.fromiter(map(len, lines), dtype=np.intp, count=len(lines)) + 1
    found = tokens.words(" ".join(lines), min_length=3)  # shorter words are never significant
    # Stories are far fewer than words: find where each story's words begin, rather than each word's story.
    begins = np.searchsorted(found.starts, np.cumsum(spans) - spans)
    owners = np.repeat(np.arange(len(lines), dtype=np.intp), np.diff(begins, append=len(found.starts)))
    interned = Interned(owners, found.keys, found.ids)
    significant = np.array([text.significant(word) for word in interned.keys], dtype=bool)
    if not significant.all():
        # Renumber the kept words densely, in the same order.
        number = np.cumsum(significant) - 1
        kept = significant[interned.ids]
        interned = Interned(interned.owners[kept], [w for w, keep in zip(interned.keys, significant) if keep],
                            number[interned.ids[kept]])
    return interned
