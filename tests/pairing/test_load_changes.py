"""Whose load moved is stored beside the load counter, and only the last changes are kept."""
from __future__ import annotations

from portal import counters
from portal.pairing import load_changes, tasks


def test_changes_say_whose_load_moved_and_old_ones_are_forgotten(db, program, monkeypatch):
    monkeypatch.setattr(load_changes, "KEPT", 5)
    for mentor_id in (11, 12, 11, 13, 14, 15, 16, 17):
        load_changes.note(program, [mentor_id])
    now = counters.value(counters.load_key(program))
    assert now == 8
    assert load_changes.since(program, 5, now) == {15, 16, 17}
    assert load_changes.since(program, now, now) == set()
    tasks.forget_old_load_changes.call_local()
    assert load_changes.since(program, 3, now) == {13, 14, 15, 16, 17}  # the last five are kept
    assert load_changes.since(program, 2, now) is None  # version 3 is forgotten: everyone is counted


def test_one_change_for_several_mentors_takes_a_version_each(db, program):
    load_changes.note(program, [21, 22, 21])
    assert load_changes.since(program, 0, 2) == {21, 22}
    load_changes.note(program, None)  # whose, not said
    assert load_changes.since(program, 0, 3) is None
    assert load_changes.since(program, 3, 3 + load_changes.AT_MOST + 1) is None  # too far behind
