"""What time raises: no first session two weeks after matching, 45 quiet days, mentees unpaired after the first week.

Each is raised once by the periodic sweep however often it runs, and withdrawn once its cause has gone.
"""
from __future__ import annotations

import datetime as dt

from portal.followups import sweep
from portal.models import FollowUp, Match, Participant, utcnow
from tests.dashboard.conftest import session
from tests.pairing.conftest import as_job  # noqa: F401

NOW = dt.datetime(2026, 6, 1, 12, 0)
DAY = dt.timedelta(days=1)


def flags(reason: str) -> list[FollowUp]:
    return list(FollowUp.select().where(FollowUp.reason == reason).order_by(FollowUp.id))


def test_a_pair_with_no_session_two_weeks_after_matching_is_flagged_once(pairs, program):
    [late] = pairs(1, NOW - 14 * DAY)
    [fresh] = pairs(1, NOW - 13 * DAY)
    [booked] = pairs(1, NOW - 20 * DAY)
    session(booked, NOW + 2 * DAY)
    assert sweep.sweep(NOW) == 1
    assert sweep.sweep(NOW) == 0
    assert sweep.sweep(NOW + DAY) == 1  # the fresh pair's two weeks are over
    found = flags("no_first_session")
    assert [f.match_id for f in found] == [late.id, fresh.id]
    assert found[0].source == f"no_first_session:{late.id}" and found[0].program_id == program.id
    assert found[0].user_id == late.mentee_id and found[0].resolved_at is None


def test_the_flag_is_withdrawn_once_the_pair_books_and_raised_for_the_next_pair_as_it_comes_due(pairs):
    [late] = pairs(1, NOW - 15 * DAY)
    [fresh] = pairs(1, NOW - 10 * DAY)
    assert sweep.sweep(NOW) == 1
    session(late, NOW + 3 * DAY)
    assert sweep.sweep(NOW + 4 * DAY) == 1
    assert [f.match_id for f in flags("no_first_session")] == [fresh.id]


def test_a_pair_not_meeting_for_45_days_is_flagged_once_per_quiet_spell(pairs):
    [quiet, meeting, ahead] = pairs(3, NOW - 100 * DAY)
    last = session(quiet, NOW - 45 * DAY)
    session(meeting, NOW - 44 * DAY)
    session(meeting, NOW + 30 * DAY)
    session(ahead, NOW - 60 * DAY)
    session(ahead, NOW + 50 * DAY)
    assert sweep.sweep(NOW) == 1
    assert sweep.sweep(NOW + DAY) == 0
    [flag] = flags("quiet")
    assert (flag.match_id, flag.source) == (quiet.id, f"quiet:{quiet.id}:{last.id}")
    again = session(quiet, NOW + 2 * DAY)
    sweep.sweep(NOW + 3 * DAY)
    assert flags("quiet") == []  # meeting again: withdrawn
    sweep.sweep(NOW + 47 * DAY)
    assert [f.source for f in flags("quiet")] == [f"quiet:{quiet.id}:{again.id}"]


def test_an_ended_pair_is_not_flagged_and_its_open_flag_is_withdrawn(pairs):
    [pair] = pairs(1, NOW - 30 * DAY)
    sweep.sweep(NOW)
    assert len(flags("no_first_session")) == 1
    Match.update(ended_at=NOW).where(Match.id == pair.id).execute()
    sweep.sweep(NOW + DAY)
    assert flags("no_first_session") == []


def test_mentees_unpaired_after_the_first_week_of_pairing_are_flagged_once(pairs, people, program):
    program.pairing_opens = dt.date(2026, 5, 20)
    program.save()
    [pair] = pairs(1, NOW - 30 * DAY)
    session(pair, NOW + DAY)
    _, [waiting, leaving, late] = people(0, 3)
    Participant.update(joined_at=dt.datetime(2026, 5, 10)).where(Participant.user.in_([waiting, leaving])).execute()
    Participant.update(joined_at=dt.datetime(2026, 5, 28)).where(Participant.user == late).execute()
    sweep.sweep(dt.datetime(2026, 5, 26, 23, 0))
    assert flags("unpaired") == []  # still the first week
    assert sweep.sweep(dt.datetime(2026, 5, 27, 9, 0)) == 2
    assert sweep.sweep(NOW) == 0
    assert {f.user_id for f in flags("unpaired")} == {waiting.id, leaving.id}  # the late joiner has until 4 June
    assert sweep.sweep(dt.datetime(2026, 6, 4, 0, 0)) == 1
    Participant.update(status="exited").where(Participant.user == leaving).execute()
    sweep.sweep(NOW + DAY)
    assert [f.user_id for f in flags("unpaired")] == [waiting.id, late.id]


def test_a_followed_up_flag_stays_and_is_not_raised_again(pairs, admin):
    from portal import followups

    [pair] = pairs(1, NOW - 30 * DAY)
    sweep.sweep(NOW)
    [flag] = flags("no_first_session")
    assert followups.resolve(flag, admin, "Called both")
    session(pair, NOW + DAY)
    sweep.sweep(NOW + 2 * DAY)
    assert [f.resolution for f in flags("no_first_session")] == ["Called both"]


def test_the_periodic_job_raises_what_is_due(pairs, as_job):
    from portal.followups import tasks
    from portal.queue import queue

    assert "sweep_follow_ups" in {task.name.rsplit(".", 1)[-1] for task in queue._registry.periodic_tasks}
    [pair] = pairs(1, utcnow() - 20 * DAY)
    with as_job():
        tasks.sweep_follow_ups.call_local()
        tasks.sweep_follow_ups.call_local()
    assert [f.match_id for f in flags("no_first_session")] == [pair.id]
