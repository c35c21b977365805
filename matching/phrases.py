"""Phrases entries are written as (a skill's names and aliases, a job title, a department), and how much of each
one a query fills."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from matching import text
from matching.dictionary import Dictionary

# A whole query typed as one phrase ("stakeholdermanagement") must be this close to a phrase to count.
WHOLE_QUERY_CUTOFF = 85
# A phrase whose words were typed in another order ("coaching leadership" for "Leadership coaching") keeps this
# share of its score, so the phrase typed in order wins a tie.
ORDER_PENALTY = 0.9
# Initialisms people type: two to five letters ("ml", "pm", "dei").
MIN_INITIALS, MAX_INITIALS = 2, 5


@dataclass(frozen=True)
class Phrase:
    """One way an entry is written ("stakeholder mgmt"), as slots: each slot a word, or a compound's part."""

    entry: int
    text: str
    slots: tuple[tuple[tuple[int, ...], float], ...]  # (word ids that fill the slot, slot weight)
    weight: float  # sum of the slot weights
    value: float  # how much filling it says, by the entry's field


class Phrasebook:
    """Every phrase, and the same as flat numpy arrays so that scoring all of them takes a few operations."""

    def __init__(self, written: list[tuple[int, str, float, bool]], dictionary: Dictionary):
        """`written` holds (entry, text, value, whether a whole query may match it) for each phrase."""
        self.phrases = [_phrase(entry, words, value, dictionary) for entry, words, value, _ in written]
        self.words = len(dictionary)
        slot_words, starts, slot_phrase, slot_weight = [], [], [], []
        for number, phrase in enumerate(self.phrases):
            for ids, weight in phrase.slots:
                starts.append(len(slot_words))
                slot_phrase.append(number)
                slot_weight.append(weight)
                slot_words.extend(ids)
        self.slot_word = np.array(slot_words, dtype=np.intp)  # the words that can fill each slot, slot after slot
        self.slot_start = np.array(starts, dtype=np.intp)
        self.slot_phrase = np.array(slot_phrase, dtype=np.intp)
        self.slot_weight = np.array(slot_weight, dtype=np.float32)
        self.word_phrase = np.repeat(self.slot_phrase, np.diff(np.append(self.slot_start, len(slot_words))))
        self.weight = np.array([p.weight for p in self.phrases], dtype=np.float32)
        self.value = np.array([p.value for p in self.phrases], dtype=np.float32)
        self.whole = [number for number, (*_, whole) in enumerate(written) if whole]
        self.whole_texts = [self.phrases[number].text for number in self.whole]
        # Initialisms: "ml" for "machine learning", "pm" for "product management", "dei" (stop words left out).
        self.by_initials: dict[str, list[int]] = {}
        for number, phrase in enumerate(self.phrases):
            initials = _initials(phrase.text)
            if initials:
                self.by_initials.setdefault(initials, []).append(number)

    def __getitem__(self, number: int) -> Phrase:
        return self.phrases[number]

    def filled(self, similar: dict[int, float], leading: set[int], query_weight: float,
               minimum: float, typed_at: dict[int, int] | None = None) -> list[tuple[float, int]]:
        """(score, phrase number) of the phrases the query fills enough.

        Score: the weighted share of the phrase's slots its matched words fill, over the phrase or over the query,
        whichever weighs more ("python" fills "Python" but not "senior python"), times the phrase's value. Only
        phrases holding a `leading` word count: a phrase filled by stop words alone is no match. `typed_at` gives
        the place in the query of the word that matched each word: a phrase filled in another order than it is
        written counts a little less ("coaching leadership" is not quite "Leadership coaching").
        """
        if not self.phrases or not similar:
            return []
        best = np.zeros(self.words, dtype=np.float32)
        best[list(similar)] = list(similar.values())
        per_slot = np.maximum.reduceat(best.take(self.slot_word), self.slot_start)
        filled = np.bincount(self.slot_phrase, weights=per_slot * self.slot_weight, minlength=len(self.phrases))
        score = np.minimum(filled / np.maximum(self.weight, query_weight), 1) * self.value
        led = np.zeros(self.words, dtype=bool)
        led[list(leading)] = True
        has_lead = np.bincount(self.word_phrase, weights=led.take(self.slot_word), minlength=len(self.phrases)) > 0
        chosen = np.flatnonzero((score >= minimum) & has_lead)
        found = list(zip(score.take(chosen).tolist(), chosen.tolist()))
        if typed_at:
            found = [(s * ORDER_PENALTY, n) if not self._in_order(n, similar, typed_at) else (s, n) for s, n in found]
            found = [(s, n) for s, n in found if s >= minimum]
        return found

    def _in_order(self, number: int, similar: dict[int, float], typed_at: dict[int, int]) -> bool:
        """Whether the query words filling a phrase's slots come in the order of the slots."""
        places = []
        for ids, _ in self.phrases[number].slots:
            filling = [word for word in ids if word in similar]
            if filling:
                places.append(typed_at[max(filling, key=similar.__getitem__)])
        return all(a <= b for a, b in zip(places, places[1:]))

    def initialism(self, word: str) -> list[int]:
        """Numbers of the phrases whose words start with the word's letters, in order ("ux" -> "user experience")."""
        return self.by_initials.get(word, []) if word.isalpha() else []

    def whole_query(self, query: str) -> list[tuple[float, int]]:
        """(score, phrase number) of phrases close to the whole query as typed, for compounds typed without spaces."""
        hits = process.extract(text.phrase(query), self.whole_texts, scorer=fuzz.ratio,
                               score_cutoff=WHOLE_QUERY_CUTOFF, limit=None)
        return [(similarity / 100 * self.phrases[self.whole[n]].value, self.whole[n]) for _, similarity, n in hits]


def _phrase(entry: int, written: str, value: float, dictionary: Dictionary) -> Phrase:
    slots = []
    for parts in text.units(written):
        joined = "".join(parts)
        # A compound's parts are slots of their own; typing it joined up ("crossfunctional") fills them all.
        for part in parts:
            ids = tuple(dictionary.word_id[w] for w in dict.fromkeys([part, joined]) if w in dictionary)
            slots.append((ids, text.STOPWORD_WEIGHT if part in text.STOPWORDS else 1.0))
    return Phrase(entry, text.phrase(written), tuple(slots), sum(weight for _, weight in slots), value)


def _initials(folded: str) -> str:
    """The first letters of a phrase's significant words, when it has at least two ("" otherwise)."""
    letters = [word[0] for word in folded.split() if word not in text.STOPWORDS]
    return "".join(letters) if MIN_INITIALS <= len(letters) <= MAX_INITIALS else ""
