"""Turning every mentor's field values into postings at once: flat numpy arrays, each distinct value interned once,
so that indexing a hundred thousand profiles creates no Python object per word of their prose."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import chain

import numpy as np

from matching import text

# Texts are folded and split as one string; this never occurs in a profile (it is replaced if it does).
_SEPARATOR = "\x00"
# A folded text of plain words and spaces needs no compound handling: its words are its split.
_PLAIN = re.compile(r"[a-z ]*")
_PART = re.compile(r"[^\W_]+")
# A letter no folded story holds (it is replaced if one does), as a word of its own between two stories.
_MARK = "\ua66e"
_BETWEEN = f" {_MARK} "


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
    # One findall over all the stories, with a word of its own between two of them: its occurrences count stories.
    lines = folded(stories)
    joined = _BETWEEN.join(lines)
    if joined.count(_MARK) != max(len(lines) - 1, 0):
        joined = _BETWEEN.join(line.replace(_MARK, " ") for line in lines)
    flat = _PART.findall(joined) if stories else []
    numbers = dict.fromkeys(flat)
    for number, word in enumerate(numbers):
        numbers[word] = number
    ids = np.fromiter(map(numbers.__getitem__, flat), dtype=np.intp, count=len(flat))
    mark = numbers.get(_MARK, -1)
    owners = np.cumsum(ids == mark) if mark >= 0 else np.zeros(len(ids), dtype=np.intp)
    interned = Interned(owners, list(numbers), ids)
    significant = np.array([text.significant(word) for word in interned.keys], dtype=bool)
    if not significant.all():
        # Renumber the kept words densely, in the same order.
        number = np.cumsum(significant) - 1
        kept = significant[interned.ids]
        interned = Interned(interned.owners[kept], [w for w, keep in zip(interned.keys, significant) if keep],
                            number[interned.ids[kept]])
    return interned
