"""The words a query can match, and what a typed word may mean: the word itself, a completion, a typo's fix or
an abbreviation's expansion."""
from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from rapidfuzz import fuzz, process

# Typos by fuzz.ratio (normalised indel similarity). One typo costs a short word more of its score, so short words
# get a lower bar; a three-letter word's typo is only a letter left out or two letters swapped (below).
MIN_FUZZY_LENGTH = 4
# Three letters ("jva", "ptyhon" is long enough already) leave too little for rapidfuzz: a typo of a word this short
# is looked for as one dropped letter ("jva" -> "java") or one swap after the first letter ("sql" -> "slq"), among
# the words of skills, titles, departments and names only, as prose holds too many short words to guess among.
SHORT_TYPO_LENGTH = 3
FUZZY_CUTOFF = {4: 75, 5: 80}  # by the typed word's length; longer words use DEFAULT_FUZZY_CUTOFF
DEFAULT_FUZZY_CUTOFF = 80
# A short word's typo keeps its first letter and its length, or gains a letter: "lead" is not "head", "glad", "lea".
SHORT_WORD = 5
MIN_PREFIX_LENGTH = 3
MIN_ABBREVIATION_LENGTH = 3
ABBREVIATION_SIMILARITY = 0.85
# Numeronyms: first letter, how many letters were left out, last letter ("k8s" -> "kubernetes", "a11y").
NUMERONYM_SIMILARITY = 0.9
_NUMERONYM = re.compile(r"([a-z])([1-9][0-9]?)([a-z])")
_VOWELS = re.compile(r"[aeiouy]")
_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"


class Dictionary:
    """Every distinct searchable word once, sorted; a word's id is its place in that order."""

    def __init__(self, words: Iterable[str], precise: Iterable[str] = ()):
        """`precise` are the words of short fields (skills, titles, departments, names): short typos aim at these."""
        self.words = sorted(set(words))
        self.word_id = {word: number for number, word in enumerate(self.words)}
        self.precise = frozenset(precise)
        # Abbreviations are looked up among words with the same first letter, one newline-joined text per letter.
        by_initial: dict[str, list[str]] = defaultdict(list)
        for word in self.words:
            by_initial[word[0]].append(word)
        self.by_initial = {letter: "\n".join(words) for letter, words in by_initial.items()}

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.word_id

    def lookup(self, tokens: list[tuple[str, bool]]) -> list[dict[int, float]]:
        """For each (typed word, exact only), the words it may mean -> similarity in (0, 1].

        Exact, completion ("speak" -> "speaking"), typo ("pyhton" -> "python") and abbreviation ("mgmt" ->
        "management"); the typos of all the words go to rapidfuzz in one call.
        """
        results: list[dict[int, float]] = []
        for token, exact_only in tokens:
            found: dict[int, float] = {}
            if token in self.word_id:
                found[self.word_id[token]] = 1.0
            if not exact_only and len(token) >= MIN_PREFIX_LENGTH:
                # Someone still typing; longer completions are less certain.
                low = bisect.bisect_left(self.words, token)
                high = bisect.bisect_left(self.words, token + "\uffff")
                for number in range(low, high):
                    _keep(found, number, 0.6 + 0.4 * len(token) / len(self.words[number]))
            if not exact_only and len(token) >= MIN_ABBREVIATION_LENGTH and not _VOWELS.search(token):
                for word in self._expansions(token):
                    _keep(found, self.word_id[word], ABBREVIATION_SIMILARITY)
            if not exact_only and len(token) == SHORT_TYPO_LENGTH and token not in self.word_id:
                for word in self._short_typos(token):
                    _keep(found, self.word_id[word], fuzz.ratio(token, word) / 100)
            numeronym = None if exact_only else _NUMERONYM.fullmatch(token)
            if numeronym:
                for word in self._numeronyms(*numeronym.groups()):
                    _keep(found, self.word_id[word], NUMERONYM_SIMILARITY)
            results.append(found)
        fuzzy = [n for n, (token, exact_only) in enumerate(tokens) if not exact_only and len(token) >= MIN_FUZZY_LENGTH]
        if fuzzy and self.words:
            cutoffs = [FUZZY_CUTOFF.get(len(tokens[n][0]), DEFAULT_FUZZY_CUTOFF) for n in fuzzy]
            scores = process.cdist([tokens[n][0] for n in fuzzy], self.words, scorer=fuzz.ratio,
                                   score_cutoff=min(cutoffs), dtype=np.uint8)
            for row, column in zip(*np.nonzero(scores)):
                token, word = tokens[fuzzy[row]][0], self.words[column]
                if len(token) <= SHORT_WORD and (word[0] != token[0] or not 0 <= len(word) - len(token) <= 1):
                    continue
                if scores[row, column] >= cutoffs[row]:
                    _keep(results[fuzzy[row]], int(column), int(scores[row, column]) / 100)
        return results

    def _expansions(self, token: str) -> list[str]:
        """Words a vowel-less abbreviation may stand for: same first and last letter, letters in order ("mgmt")."""
        pattern = "^" + "[^\n]*?".join(re.escape(c) for c in token) + "$"
        candidates = re.findall(pattern, self.by_initial.get(token[0], ""), flags=re.MULTILINE)
        return [word for word in candidates if len(word) >= len(token) + 2]

    def _short_typos(self, token: str) -> list[str]:
        """Known words a three-letter word may be a typo of: one letter left out after the first, or a swap."""
        candidates = {token[:at] + letter + token[at:] for at in range(1, len(token) + 1) for letter in _LETTERS}
        candidates.add(token[0] + token[2] + token[1])
        return sorted(word for word in candidates if word in self.precise and word in self.word_id)

    def _numeronyms(self, first: str, count: str, last: str) -> list[str]:
        """Words a numeronym stands for: the same first and last letter with `count` letters between."""
        pattern = f"^{first}[^\n]{{{int(count)}}}{last}$"
        return re.findall(pattern, self.by_initial.get(first, ""), flags=re.MULTILINE)


def _keep(found: dict[int, float], number: int, similarity: float) -> None:
    if similarity > found.get(number, 0.0):
        found[number] = similarity
