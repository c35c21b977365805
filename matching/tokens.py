"""The words of a long folded text as numpy arrays: where each word starts, and a number per distinct word, with a
Python string made only once per distinct word rather than once per word of the text."""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# A word is a run of alphanumeric characters: the same as the regular expression [^\W_]+ of text.py.
# Words of at most PACKED lower-case letters and digits are numbered exactly by packing them in base 37 into one
# uint64 (37 ** 12 < 2 ** 64); longer ones, or with other letters, are interned as strings.
PACKED = 12
# Each ASCII character's code: 0 for no letter or digit, 1 to 36 for what packs, LOOSE for a letter that does not:
# a capital (NFKD still makes some, "㎒" becomes "MHz") or, set apart, any letter outside ASCII.
LOOSE = 37
_CODE = np.zeros(128, dtype=np.uint8)
_CODE[[ord(c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]] = LOOSE
for _number, _char in enumerate("abcdefghijklmnopqrstuvwxyz0123456789", start=1):
    _CODE[ord(_char)] = _number
# Distinct words are told apart in a hash table of at most 2 ** SLOT_BITS slots (8 MB).
SLOT_BITS = 20
_MIX = np.uint64(0x9E3779B97F4A7C15)
_CODE_BYTES = bytes(_CODE.tolist() + [0] * 128)
# Row n keeps the first n of a word's PACKED codes and blanks the rest, which belong to what follows the word.
_WITHIN = np.where(np.arange(PACKED) < np.arange(PACKED + 1)[:, None], 0xFF, 0).astype(np.uint8)


class Words:
    """The words of a text: start offsets, lengths and a number per distinct word (`keys[number]`)."""

    def __init__(self, starts: np.ndarray, ids: np.ndarray, keys: list[str]):
        self.starts = starts
        self.ids = ids
        self.keys = keys


def words(folded: str, min_length: int = 1) -> Words:
    """The words of a folded text of at least `min_length` characters, numbered in order of first use."""
    code = _codes(folded)
    starts, lengths = _spans(code[:len(folded)], min_length)
    packed, loose = _packed(code, starts, lengths)
    # Each word's first use: the index of the first word of the text that is the same word.
    use = np.empty(len(starts), dtype=np.intp)
    tight = np.flatnonzero(~loose)
    first = _first_uses(packed[tight])
    hashed = first >= 0
    use[tight[hashed]] = tight[first[hashed]]
    # The few long, non-ASCII or crowded-out words go through a dict, in text order.
    spread = np.sort(np.concatenate((np.flatnonzero(loose), tight[~hashed])))
    use[spread] = _first_by_string(folded, starts[spread], lengths[spread], spread)
    firsts = np.flatnonzero(use == np.arange(len(use)))
    rank = np.empty(len(use), dtype=np.intp)
    rank[firsts] = np.arange(len(firsts))
    keys = [folded[s:s + n] for s, n in zip(starts[firsts].tolist(), lengths[firsts].tolist())]
    return Words(starts, rank.take(use), keys)


def _codes(folded: str) -> np.ndarray:
    """Each character's code, then PACKED zeros, so that every word has PACKED codes from its start."""
    # One byte per character: anything outside ASCII becomes "?", then is looked at on its own. bytes.translate
    # codes every byte in one C pass, several times faster than a numpy table gather on bytes.
    chars = folded.encode("ascii", "replace")
    code = np.frombuffer(chars.translate(_CODE_BYTES) + bytes(PACKED), dtype=np.uint8).copy()
    if not folded.isascii():
        asked = np.flatnonzero(np.frombuffer(chars, dtype=np.uint8) == ord("?"))
        code[asked] = [LOOSE if folded[at].isalnum() else 0 for at in asked.tolist()]
    return code


def _spans(code: np.ndarray, min_length: int) -> tuple[np.ndarray, np.ndarray]:
    """(start, length) of each run of letters and digits at least `min_length` long."""
    alnum = np.zeros(len(code) + 2, dtype=bool)
    np.not_equal(code, 0, out=alnum[1:-1])
    # True where a run starts and just past its end: start, end, start, end...
    bounds = np.flatnonzero(alnum[1:] != alnum[:-1])
    starts, lengths = bounds[0::2], bounds[1::2] - bounds[0::2]
    kept = np.flatnonzero(lengths >= min_length)
    return starts[kept], lengths[kept]


def _packed(code: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each word's first PACKED codes in base 37, whether the word cannot be packed: too long, or a LOOSE code)."""
    rows = sliding_window_view(code, PACKED)[starts]
    rows &= _WITHIN.take(np.minimum(lengths, PACKED), axis=0)
    loose = lengths > PACKED
    # LOOSE codes are rare (none in plain English): the words holding one are found from where those codes are.
    at = np.flatnonzero(code == LOOSE)
    if len(at):
        word = np.searchsorted(starts, at, side="right") - 1
        at, word = at[word >= 0], word[word >= 0]
        loose[word[at < starts[word] + lengths[word]]] = True
    # Two codes, then four, then all twelve, in the narrowest type that holds them.
    pairs = rows[:, 0::2].astype(np.uint16) * np.uint16(37) + rows[:, 1::2]
    fours = pairs[:, 0::2].astype(np.uint32) * np.uint32(37 ** 2) + pairs[:, 1::2]
    packed = fours[:, 0].astype(np.uint64) * np.uint64(37 ** 4) + fours[:, 1]
    packed *= np.uint64(37 ** 4)
    packed += fours[:, 2]
    return packed, loose


def _first_uses(packed: np.ndarray) -> np.ndarray:
    """For each packed word, the index of the first word with the same value, through a hash table of the values;
    -1 for a word whose slot the first use of another value took (rare: few distinct words, many slots)."""
    if not len(packed):
        return np.empty(0, dtype=np.intp)
    bits = min(max(int(len(packed)).bit_length() + 1, 10), SLOT_BITS)
    # Multiplicative hashing: the top bits of the product by an odd constant spread the values over the slots.
    slot = (packed * _MIX) >> np.uint64(64 - bits)
    table = np.empty(1 << bits, dtype=np.intp)
    table[slot[::-1]] = np.arange(len(slot) - 1, -1, -1)  # the last write wins: each slot's first use
    first = table.take(slot)
    first[packed.take(first) != packed] = -1
    return first


def _first_by_string(folded: str, starts: np.ndarray, lengths: np.ndarray, numbers: np.ndarray) -> list[int]:
    """For words in text order (`numbers`, with their starts and lengths), the number of the first that is the
    same string."""
    seen: dict[str, int] = {}
    return [seen.setdefault(folded[start:start + length], number)
            for number, start, length in zip(numbers.tolist(), starts.tolist(), lengths.tolist())]
