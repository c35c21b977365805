"""Load (matches and pending requests) applied to a built directory without indexing again."""
from matching.directory import MentorDirectory
from matching.profiles import MentorProfile, Vocabulary


def build():
    mentors = [
        MentorProfile(id=1, name="Ana Costa", skills=("Python",), capacity=1),
        MentorProfile(id=2, name="Ben Okafor", skills=("Python",), capacity=2),
    ]
    return MentorDirectory.build(mentors, Vocabulary.from_pairs([("Python", "Python")]))


def test_with_load_marks_full_and_popular_and_leaves_the_original_alone():
    base = build()
    loaded = base.with_load({1: 1}, {2: 2})
    assert loaded.index is base.index
    first, second = loaded.fit(None, 1), loaded.fit(None, 2)
    assert first.full and first.room == 0 and first.mentor.matched == 1
    assert second.popular and not second.full and second.mentor.pending == 2
    assert not base.fit(None, 1).full and base.get(1).matched == 0


def test_full_mentors_sink_and_has_room_filters_them_after_load():
    loaded = build().with_load({1: 1}, {})
    assert [r.id for r in loaded.rank(None, query="python").results] == [2, 1]
    assert [r.id for r in loaded.rank(None, query="python", has_room=True).results] == [2]


def test_unknown_mentor_ids_in_load_are_ignored():
    loaded = build().with_load({99: 3}, {98: 1})
    assert loaded.fit(None, 1).room == 1


def test_load_applied_over_earlier_load_is_the_load_applied_afresh():
    """The portal applies each new load to the copy with the last one: only the mentors whose load moved change."""
    base = build()
    again = base.with_load({1: 1, 2: 1}, {2: 1}).with_load({2: 2}, {})
    afresh = base.with_load({2: 2}, {})
    assert again.mentors == afresh.mentors and again.index is base.index
    assert [(r.id, r.room, r.full, r.popular) for r in again.rank(None, query="python").results] == [
        (r.id, r.room, r.full, r.popular) for r in afresh.rank(None, query="python").results]


def test_only_the_mentors_named_get_their_load_set_again():
    loaded = build().with_load({1: 1, 2: 1}, {})
    again = loaded.with_load_of({2}, {}, {2: 2})
    assert (again.get(1).matched, again.get(2).matched, again.get(2).pending) == (1, 0, 2)
    assert (loaded.get(2).matched, loaded.get(2).pending) == (1, 0)  # the copy it came from stays as it was


def test_a_new_index_takes_over_the_last_copys_load_and_names_the_mentors_it_lacked():
    loaded = build().with_load({1: 1, 2: 1}, {2: 1})
    mentors = [MentorProfile(id=2, name="Ben Okafor", skills=("Python", "SQL"), capacity=2),
               MentorProfile(id=3, name="Cai Lin", skills=("Python",), capacity=1)]
    fresh = MentorDirectory.build(mentors, Vocabulary.from_pairs([("Python", "Python"), ("SQL", "SQL")]))
    taken, unknown = fresh.with_load_from(loaded)
    assert unknown == {3}
    assert (taken.get(2).matched, taken.get(2).pending, taken.get(3).matched) == (1, 1, 0)
    assert taken.fit(None, 2).popular and taken.index is fresh.index
    empty, unknown = fresh.with_load_from(MentorDirectory.build([], Vocabulary.from_pairs([])))
    assert unknown == {2, 3} and empty.get(2).matched == 0
