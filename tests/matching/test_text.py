"""Folding what people type into the words the dictionary holds."""
from __future__ import annotations

from matching import text


def test_fold_drops_case_and_accents():
    assert text.fold("Lefèvre ÖZTÜRK Yılmaz Łukasz") == "lefevre ozturk yilmaz lukasz"


def test_words_keep_compounds_whole_and_in_parts():
    assert text.words("CI/CD, cross-functional O'Brien") == ["ci", "cd", "cicd", "cross", "functional",
                                                              "crossfunctional", "o", "brien", "obrien"]
    assert text.phrase("  Data & Analytics ") == "data analytics"


def test_story_words_are_significant_words_only():
    assert text.story_words("Led the team through 2 reorganisations, and I was promoted.") == {
        "led", "team", "reorganisations", "promoted"}
