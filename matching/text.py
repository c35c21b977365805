"""Folding text to plain lower-case words, the same way for profiles and queries."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that NFKD does not split into a base letter and an accent.
_FOLD = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "’": "'"})
_COMBINING = re.compile(r"[\u0300-\u036f]")
# A unit is letters and digits, possibly joined by the punctuation of compounds: ci/cd, p&l, o'brien, self-aware.
_UNIT = re.compile(r"[^\W_]+(?:['&/.+-][^\W_]+)*")
_PART = re.compile(r"[^\W_]+")

# Words that carry no meaning on their own; left out of stories and given little weight in queries.
STOPWORDS = frozenset({
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "back", "be", "been", "but", "by",
    "can", "could", "do", "each", "for", "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it",
    "its", "just", "me", "more", "most", "my", "no", "not", "now", "of", "on", "one", "or", "other", "our", "out",
    "over", "own", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "through", "to", "too", "us", "very", "was", "we", "were", "what", "when", "which", "who", "will",
    "with", "would", "you", "your", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"
})
# A stop word still counts for a little in a query or a phrase ("head of it"), never for a whole word.
STOPWORD_WEIGHT = 0.25


def fold(text: str) -> str:
    """Lower case without accents: "Lefèvre" -> "lefevre"."""
    if text.isascii():
        return text.lower()  # no accents and no compatibility forms: the same result, ten times faster on prose
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return _COMBINING.sub("", text)


def units(text: str) -> list[list[str]]:
    """The folded words of a text, each as its parts: "CI/CD tools" -> [["ci", "cd"], ["tools"]]."""
    return [_PART.findall(unit) for unit in _UNIT.findall(fold(text))]


def words(text: str) -> list[str]:
    """Every word to index for a short field: the parts of each unit, plus compounds joined ("cicd")."""
    result = []
    for parts in units(text):
        result.extend(parts)
        if len(parts) > 1:
            result.append("".join(parts))
    return result


def story_words(text: str) -> set[str]:
    """The significant words of free prose: no stop words, nothing shorter than three letters, no numbers."""
    return {w for w in _PART.findall(fold(text)) if significant(w)}


def significant(word: str) -> bool:
    """Whether a folded word of prose says something: three letters or more, no stop word, not a number."""
    return len(word) >= 3 and word not in STOPWORDS and not word.isdigit()


@lru_cache(maxsize=1 << 16)  # skill names and departments repeat across thousands of profiles
def phrase(text: str) -> str:
    """A text as one folded phrase with single spaces, for whole-phrase comparison."""
    return " ".join(w for parts in units(text) for w in parts)
