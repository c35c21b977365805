"""Directory filters: department, how to meet, shared working hours and room, alone and with a query."""
from __future__ import annotations

from tests.matching.conftest import mentee, mentor


def ids(ranking):
    return sorted(r.id for r in ranking.results)


def people():
    return [
        mentor(1, department="Engineering", location="Virtual", skills=("Python",)),
        mentor(2, department="Sales", location="In person", skills=("Python",)),
        mentor(3, department="Engineering", location="Either", timezone="America/New_York"),
        mentor(4, department="Product", location="", timezone="Asia/Tokyo", capacity=2, matched=2),
        mentor(5, department="engineering ", location="virtual", hours=None),
    ]


def test_department(build):
    directory = build(people())
    assert ids(directory.rank(None, department="Engineering")) == [1, 3, 5]  # spelling and spacing aside
    assert ids(directory.rank(None, department="Legal")) == []
    assert ids(directory.rank(None, query="python", department="Sales")) == [2]


def test_location_keeps_those_happy_either_way(build):
    directory = build(people())
    assert ids(directory.rank(None, location="Virtual")) == [1, 3, 5]
    assert ids(directory.rank(None, location="in person")) == [2, 3]
    assert ids(directory.rank(None, location="Either")) == [1, 2, 3, 4, 5]  # no filter


def test_minimum_shared_working_hours(build):
    directory = build(people())
    london = mentee()
    # London 09-17 shares 8 h with London, 3 h with New York in winter, none with Tokyo; unknown hours fail.
    assert ids(directory.rank(london, min_shared_hours=3)) == [1, 2, 3]
    assert ids(directory.rank(london, min_shared_hours=3.5)) == [1, 2]
    # Without a viewer's hours there is nothing to compare with, so the filter does not apply.
    assert ids(directory.rank(mentee(hours=None), min_shared_hours=3)) == [1, 2, 3, 4, 5]
    assert ids(directory.rank(None, min_shared_hours=3)) == [1, 2, 3, 4, 5]


def test_has_room(build):
    directory = build(people())
    ranking = directory.rank(None, has_room=True)
    assert ids(ranking) == [1, 2, 3, 5] and ranking.total == 4


def test_filters_combine_and_total_counts_all_matches(build):
    directory = build(people() + [mentor(n, department="Engineering", location="Virtual") for n in range(10, 40)])
    ranking = directory.rank(mentee(), department="Engineering", location="Virtual", has_room=True, limit=5)
    assert ranking.total == 33 and len(ranking.results) == 5
