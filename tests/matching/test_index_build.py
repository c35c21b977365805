"""Building the directory index: stories are indexed as numpy arrays, word for word what text.story_words says."""
from __future__ import annotations

import random
import re

from matching import MentorProfile, Vocabulary, text, tokens
from matching.index import STORY, TermIndex

TRICKY = ("Led the ÉQUIPE through a reorganisation — twice; ISO 27001 in 2019, snake_case_names, C++ & CI/CD, "
          "naïve café, straße, 東京 office, Ωmega, internationalisation responsibilities, x, ab, abc, "
          "supercalifragilistic and supercalifragilistik")


def test_words_are_those_of_the_regular_expression():
    folded = text.fold(TRICKY)
    found = tokens.words(folded)
    expected = re.findall(r"[^\W_]+", folded)
    assert [found.keys[n] for n in found.ids.tolist()] == expected
    assert found.keys == list(dict.fromkeys(expected))  # numbered in order of first use
    assert [folded[s:s + len(w)] for s, w in zip(found.starts.tolist(), expected)] == expected
    long_only = tokens.words(folded, min_length=3)
    assert [long_only.keys[n] for n in long_only.ids.tolist()] == [w for w in expected if len(w) >= 3]


def test_story_postings_hold_exactly_each_mentors_story_words():
    rng = random.Random(5)
    pool = text.fold(TRICKY).split() + ["budget", "budgets", "hiring", "the", "and", "42"]
    mentors = [MentorProfile(id=n, name=f"Person {n}",
                             advises_on=" ".join(rng.choice(pool) for _ in range(rng.randint(0, 30))))
               for n in range(300)]
    index = TermIndex.build(mentors, Vocabulary())
    held = index.held_by(range(len(mentors)))
    for mentor, entries in zip(mentors, held):
        stories = {index.entries[e].key for e in entries if index.entries[e].field == STORY}
        assert stories == text.story_words(mentor.advises_on)
