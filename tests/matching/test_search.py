"""Fuzzy search: typos, abbreviations, prefixes, synonyms, every searchable field, and the term dictionary."""
from __future__ import annotations

from matching import Vocabulary
from tests.matching.conftest import CATALOGUE, mentee, mentor


def team():
    return [
        mentor(1, "Sam Okafor", title="Staff Engineer", skills=("Python", "Giving feedback")),
        mentor(2, "Priya Raman", title="Director of Engineering", skills=("Stakeholder management", "Leadership"),
               advises_on="Led the platform group through a reorganisation after an acquisition."),
        mentor(3, "Camille Lefèvre", title="Head of Sales", department="Sales", skills=("Public speaking",)),
        mentor(4, "Jonas Weber", title="Product Manager", department="Product", skills=("JavaScript", "Coaching")),
        mentor(5, "Ana Silva", title="Finance Director", department="Finance", skills=("Financial acumen",),
               advises_on="Moved from engineering into finance; happy to talk about budgets."),
    ]


def top_ids(directory, query, count=10):
    return [r.id for r in directory.rank(None, query=query, limit=count).results]


def test_misspelled_skill_is_found(build):
    directory = build(team())
    assert top_ids(directory, "pyhton") == [1]
    result = directory.rank(None, query="pyhton").results[0]
    assert result.reasons[0] == "Matches “pyhton”: Python"
    assert result.matched_terms == ["Python"]


def test_typo_plus_abbreviation_is_found(build):
    assert top_ids(build(team()), "stakeholdr mgmt")[0] == 2


def test_unfinished_word_is_found(build):
    assert top_ids(build(team()), "public speak") == [3]


def test_aliases_are_synonyms(build):
    directory = build(team())
    assert top_ids(directory, "presenting") == [3]
    assert top_ids(directory, "managing up") == [2]
    assert top_ids(directory, "p&l") == [5]
    assert top_ids(directory, "ci/cd") == []  # nobody has DevOps


def test_admins_extend_the_vocabulary(build):
    people = [mentor(1, skills=("Kubernetes",)), mentor(2, skills=("Python",))]
    assert top_ids(build(people), "containers") == []
    extended = Vocabulary.from_catalogue({**CATALOGUE, "Kubernetes": ("Technical", ["containers"])})
    assert top_ids(build(people, words=extended), "containers") == [1]


def test_short_words_with_a_letter_missing_or_swapped_are_found(build):
    people = [mentor(1, skills=("Java",)), mentor(2, skills=("Lean",)), mentor(3, skills=("Python",)),
              mentor(4, title="Head of SQL", advises_on="Learnt to keep a journal and a jar of notes")]
    directory = build(people)
    assert top_ids(directory, "jva") == [1]
    assert top_ids(directory, "len") == [2]
    assert top_ids(directory, "slq") == [4]
    # Exact short words are not second-guessed, and prose words are no target for a short typo.
    assert top_ids(directory, "jar") == [4]
    assert top_ids(directory, "jou") == [4]  # a completion of "journal", not a typo of "java"
    assert top_ids(directory, "xyz") == []


def test_numeronyms_and_initialisms_find_the_skill(build):
    people = [mentor(1, skills=("Kubernetes",)), mentor(2, skills=("Accessibility",)),
              mentor(3, skills=("Internationalization",)), mentor(4, skills=("Machine learning",), title="Senior Scientist"),
              mentor(5, skills=("Product management",)), mentor(6, skills=("Python",), title="Senior Engineer")]
    directory = build(people)
    assert top_ids(directory, "k8s") == [1]
    assert top_ids(directory, "a11y") == [2]
    assert top_ids(directory, "i18n") == [3]
    assert top_ids(directory, "ML") == [4]
    assert top_ids(directory, "PM") == [5]
    assert directory.rank(None, query="ml").results[0].reasons[0] == "Matches “ml”: Machine learning"
    # Initials are a word of the query like any other: "senior ml" prefers who is both.
    assert top_ids(directory, "senior ml")[0] == 4
    assert top_ids(directory, "k9s") == top_ids(directory, "zq") == []


def test_free_skill_entries_are_searchable_and_grouped_whatever_their_case(build):
    directory = build([mentor(1, skills=("kubernetes",)), mentor(2, skills=("Kubernetes",)), mentor(3)])
    assert sorted(top_ids(directory, "kubernetse")) == [1, 2]


def test_names_titles_departments_and_stories_are_searched(build):
    directory = build(team())
    assert top_ids(directory, "priya") == [2]
    assert top_ids(directory, "Lefevre") == [3]  # accents do not matter
    assert top_ids(directory, "okafr") == [1]  # nor a typo in a name
    assert top_ids(directory, "head of sales")[0] == 3
    assert top_ids(directory, "finance")[0] == 5
    assert top_ids(directory, "acquisition") == [2]


def test_story_matches_say_where_they_come_from(build):
    result = build(team()).rank(None, query="acquisition").results[0]
    assert result.reasons == ["Matches “acquisition”: “acquisition” in their experience"]


def test_a_phrase_beats_its_words_spread_over_fields(build):
    people = [
        mentor(1, title="Marketing Team Lead", department="Marketing"),
        mentor(2, title="Designer", skills=("Leadership",), advises_on="Built a marketing team from scratch."),
    ]
    assert top_ids(build(people), "mktg team lead")[0] == 1


def test_words_across_fields_count_together(build):
    people = [mentor(1, title="Senior Engineer", skills=("Python",)), mentor(2, title="Engineer", skills=("Python",)),
              mentor(3, title="Senior Engineer")]
    assert top_ids(build(people), "senior python")[0] == 1


def test_case_accents_and_punctuation_are_ignored(build):
    directory = build(team())
    assert top_ids(directory, "  PYTHON!! ") == top_ids(directory, "python") == [1]
    assert top_ids(directory, "Stakeholder-Management") == [2]


def test_empty_query_is_everyone_and_nonsense_is_no_one(build):
    directory = build(team())
    hits = directory.search("")
    assert hits.everyone and len(hits) == 5
    assert directory.rank(None, query="   ").total == 5
    assert len(directory.search("qqqxv")) == 0
    assert directory.rank(None, query="qqqxv").total == 0


def test_search_reports_relevance_and_terms(build):
    hits = build(team()).search("pyhton")
    assert list(hits.positions) == [0]
    assert 0.8 < hits.relevance[0] <= 1
    assert hits.matches[0].key == "Python" and hits.matches[0].field == "skill"


def test_the_dictionary_is_shared_not_per_mentor(build):
    """A thousand mentors with the same profile make the same dictionary as one."""
    profile = {"name": "Sam Okafor", "skills": ("Python",), "title": "Staff Engineer",
               "advises_on": "Shipped a compiler."}
    one = build([mentor(1, **profile)])
    many = build([mentor(i, **profile) for i in range(1, 1001)])
    # Not one more word or entry (and story words everyone uses are even left out at that size).
    assert set(many.index.dictionary.words) <= set(one.index.dictionary.words)
    assert len(many.index.entries) == len(one.index.entries)


def test_a_word_that_is_part_of_a_longer_alias_does_not_count_as_the_whole_of_it(build):
    words = Vocabulary.from_catalogue({**CATALOGUE,
                                       "Conflict resolution": ("Collaboration", ["difficult conversations"]),
                                       "Networking": ("Collaboration", ["conversations with leaders"])})
    people = [mentor(1, skills=("Conflict resolution",)),
              mentor(2, skills=("Giving feedback", "Networking"))]  # "difficult feedback", "conversations with…"
    directory = build(people, words=words)
    # The second mentor suits this mentee far better, but only the first has the skill the query names.
    looking = mentee(grow=("Giving feedback", "Networking"))
    assert [r.id for r in directory.rank(looking, query="difficult conversations").results][0] == 1
    hits = directory.search("difficult conversations")
    assert hits.scores[1] <= 0.5 < hits.scores[0]


def test_a_misspelt_phrase_beats_the_same_words_reversed(build):
    people = [mentor(1, skills=("Coaching leadership",)), mentor(2, skills=("Leadership coaching",))]
    directory = build(people)
    assert top_ids(directory, "leadershp coaching") == [2, 1]
    assert top_ids(directory, "coachng leadership") == [1, 2]
