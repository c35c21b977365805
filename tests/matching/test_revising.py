"""A directory updated for a few mentors, or read back from a file, answers exactly as one built from scratch."""
from __future__ import annotations

import dataclasses
import random
from dataclasses import replace

import pytest

from matching import MenteeProfile, MentorDirectory, revising, snapshot
from tests.matching.conftest import mentor

SKILLS = ["Python", "JavaScript", "DevOps", "Stakeholder management", "Public speaking", "Coaching", "Leadership",
          "Kubernetes", "Change management", "Financial acumen"]
TITLES = ["Engineer", "Staff Engineer", "Product Manager", "Designer", "Finance Lead"]
DEPARTMENTS = ["Engineering", "Product", "Finance", "People"]
STORIES = ["helped a team ship a python service", "coached new managers through a reorg",
           "led budgeting for a product line", "spoke at conferences about kubernetes", ""]
QUERIES = ["", "pyhton", "kubernetes", "stakeholder mgmt", "finance lead", "coaching managers", "Mentor 7"]


def people(count: int, seed: int) -> list:
    rng = random.Random(seed)
    return [mentor(i, skills=tuple(rng.sample(SKILLS, rng.randint(0, 4))), title=rng.choice(TITLES),
                   department=rng.choice(DEPARTMENTS), advises_on=rng.choice(STORIES), seniority=rng.randint(0, 5),
                   location=rng.choice(["Virtual", "In person", "Either"]), capacity=rng.randint(1, 3))
            for i in range(1, count + 1)]


def answers(directory: MentorDirectory) -> list:
    looking = MenteeProfile(id=10_000, name="Mia", grow=("Python", "Leadership"), goals="lead a team",
                            department="Product", seniority=1, hours=(9 * 60, 17 * 60), timezone="Europe/London")
    pages = []
    for query in QUERIES:
        for mentee in (None, looking):
            page = directory.rank(mentee, query=query, limit=50)
            pages.append((page.total, [(r.id, r.score, r.reasons, r.matched_terms) for r in page.results]))
    pages.append([(r.id, r.score, r.reasons) for r in directory.alternatives(looking, like=3)])
    return pages


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_updating_some_mentors_answers_as_a_full_build(vocabulary, seed):
    mentors = people(60, seed)
    rng = random.Random(seed)
    before = MentorDirectory.build(mentors, vocabulary)
    changed = {
        5: replace(mentors[4], skills=("Kubernetes", "Rust"), title="Platform Lead", advises_on="rust rewrites"),
        9: None,  # left the programme
        61: mentor(61, "Newcomer Nell", skills=("Python",), department="Research"),  # finished the questionnaire
        rng.randint(10, 60): None,
    }
    expected = [m for m in mentors if m.id not in changed] + [p for p in changed.values() if p is not None]
    assert answers(revising.with_mentors(before, changed)) == answers(MentorDirectory.build(expected, vocabulary))


def test_a_directory_read_back_from_its_file_answers_as_the_one_saved(vocabulary, tmp_path):
    directory = MentorDirectory.build(people(80, 4), vocabulary)
    snapshot.save(directory, tmp_path / "directory.index")
    assert answers(snapshot.load(tmp_path / "directory.index")) == answers(directory)
    assert list(tmp_path.iterdir()) == [tmp_path / "directory.index"]  # written whole, nothing left beside it


def test_a_process_reading_a_revised_file_keeps_its_own_profiles_for_the_mentors_unchanged(vocabulary, tmp_path):
    mentors = people(60, 7)
    first = MentorDirectory.build(mentors, vocabulary)
    snapshot.save(first, tmp_path / "first.index")
    held = snapshot.load(tmp_path / "first.index")  # what a worker holds
    changed = {5: replace(mentors[4], title="Platform Lead"), 9: None, 61: mentor(61, "Newcomer Nell")}
    revised = revising.with_mentors(held, changed)  # the job's update, written from the copy it revised
    snapshot.save(revised, tmp_path / "revised.index", like=held)

    read = snapshot.load(tmp_path / "revised.index", held)
    assert answers(read) == answers(revised) == answers(snapshot.load(tmp_path / "revised.index"))
    mine = {m.id: m for m in held.mentors}
    kept = {m.id for m in read.mentors if mine.get(m.id) is m}
    assert kept == {m.id for m in mentors} - set(changed)  # read again: only the changed and the new
    assert read.get(5).title == "Platform Lead" and read.get(61).name == "Newcomer Nell" and 9 not in read._position


def test_profiles_read_back_equal_field_for_field_and_still_frozen(vocabulary, tmp_path):
    directory = MentorDirectory.build(people(40, 6), vocabulary)
    snapshot.save(directory, tmp_path / "directory.index")
    loaded = snapshot.load(tmp_path / "directory.index").mentors
    assert loaded == directory.mentors
    assert [dataclasses.astuple(m) for m in loaded] == [dataclasses.astuple(m) for m in directory.mentors]
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded[0].name = "Someone else"


def test_a_file_of_another_format_is_refused(vocabulary, tmp_path, monkeypatch):
    snapshot.save(MentorDirectory.build(people(3, 5), vocabulary), tmp_path / "old.index")
    monkeypatch.setattr(snapshot, "FORMAT", snapshot.FORMAT + 1)
    with pytest.raises(ValueError, match="format"):
        snapshot.load(tmp_path / "old.index")
