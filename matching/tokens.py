"""The words of a long folded text as numpy arrays: where each word starts, and a number per distinct word, with a
Python string made only once per distinct word rather than once per word of the text."""
from __future__ import annotations

import numpy as np

# A word is a run of alphanumeric characters: the same as the regular expression [^\W_]+ of text.py.
# Words of at most PACKED letters and digits are numbered exactly by packing them in base 37 into one uint64
# (37 ** 12 < 2 ** 64); longer ones, or with other letters, are interned as strings.
PACKED = 12
_DIGIT = np.zeros(128, dtype=np.uint8)
for _number, _char in enumerate("abcdefghijklmnopqrstuvwxyz0123456789", start=1):
    _DIGIT[ord(_char)] = _number


class Words:
    """The words of a text: start offsets, lengths and a number per distinct word (`keys[number]`)."""

    def __init__(self, starts: np.ndarray, ids: np.ndarray, keys: list[str]):
        self.starts = starts
        self.ids = ids
        self.keys = keys


def words(folded: str, min_length: int = 1) -> Words:
    """The words of a folded text of at least `min_length` characters, numbered in order of first use."""
    # One byte per character: anything outside ASCII becomes "?", then is looked at on its own.
    chars = np.frombuffer(folded.encode("ascii", "replace"), dtype=np.uint8)
    # Letters and digits by two comparisons (faster than a table lookup on every character).
    alnum = (((chars | 0x20) - 97).astype(np.uint8) < 26) | ((chars - 48).astype(np.uint8) < 10)
    if not folded.isascii():
        asked = np.flatnonzero(chars == ord("?"))
        alnum[asked] = [folded[at].isalnum() for at in asked.tolist()]
    # Word starts: alphanumeric after something else; word ends likewise.
    starts = np.flatnonzero(alnum & np.concatenate(([True], ~alnum[:-1])))
    ends = np.flatnonzero(alnum & np.concatenate((~alnum[1:], [True]))) + 1
    lengths = ends - starts
    kept = lengths >= min_length
    starts, lengths = starts[kept], lengths[kept]
    packed = np.zeros(len(starts), dtype=np.uint64)
    loose = lengths > PACKED
    for at in range(PACKED):
        going = np.flatnonzero(~loose & (lengths > at))
        digit = _DIGIT.take(chars.take(starts.take(going) + at))  # 0: a character that cannot be packed
        loose[going[digit == 0]] = True
        packed[going] = packed[going] * np.uint64(37) + digit
    tight = np.flatnonzero(~loose)
    # Few distinct words among millions: sort the distinct values only, then find each word among them.
    distinct = np.unique(packed[tight])
    inverse = np.searchsorted(distinct, packed[tight])
    first = np.empty(len(distinct), dtype=np.intp)
    first[inverse[::-1]] = np.arange(len(tight) - 1, -1, -1)  # the last write wins: each word's first use
    ids = np.empty(len(starts), dtype=np.intp)
    ids[tight] = inverse
    keys = [folded[s:s + n] for s, n in zip(starts[tight[first]].tolist(), lengths[tight[first]].tolist())]
    firsts = tight[first].tolist()
    # The few long or non-ASCII words go through a dict.
    numbers: dict[str, int] = {}
    spread = np.flatnonzero(loose)
    loose_ids = []
    for number, start, length in zip(spread.tolist(), starts[spread].tolist(), lengths[spread].tolist()):
        word = folded[start:start + length]
        found = numbers.get(word)
        if found is None:
            found = numbers[word] = len(keys)
            keys.append(word)
            firsts.append(number)
        loose_ids.append(found)
    ids[spread] = loose_ids
    # Renumber in order of first use, so the numbering does not depend on how words were packed.
    order = np.argsort(firsts, kind="stable")
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return Words(starts, rank.take(ids), [keys[n] for n in order.tolist()])
