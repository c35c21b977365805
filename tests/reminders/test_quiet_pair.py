"""Pairs with no session in 45 days and none booked: both are reminded, once per quiet spell."""
from __future__ import annotations

import datetime as dt

from portal.models import Match, utcnow
from portal.reminders import send
from tests.reminders.conftest import DATES, at, reminders_to, session

QUIET = dt.timedelta(days=45)


def _held(match, clock) -> object:
    """A session that starts now and has ended an hour later, the clock moved to its end."""
    meeting = session(match, at(utcnow()))
    clock.move_to(at(meeting.ends_at))
    return meeting


def test_both_are_reminded_once_45_days_after_their_last_session(pair, run, clock):
    match, mia, leo = pair
    first = _held(match, clock)
    clock.shift(QUIET - dt.timedelta(minutes=1))
    assert run(send.remind_quiet_pairs) == 0
    clock.shift(dt.timedelta(minutes=1))
    assert run(send.remind_quiet_pairs) == 2
    [to_mentor] = reminders_to(mia)
    [to_mentee] = reminders_to(leo)
    assert to_mentor.subject == "Time for your next session with Leo"
    assert to_mentee.subject == "Time for your next session with Mia"
    assert to_mentor.dedupe_key == f"reminder:quiet-pair:{match.id}:{first.id}:{mia.id}"
    assert "was on Mon 22 Feb 2027, 09:00, 45 days ago" in to_mentor.text_body
    assert f"http://localhost/matches/{match.id}#sessions" in to_mentor.text_body
    clock.shift(dt.timedelta(days=10))
    assert run(send.remind_quiet_pairs) == 0
    assert len(reminders_to(mia)) == len(reminders_to(leo)) == 1


def test_a_new_quiet_spell_after_another_session_reminds_again(pair, run, clock):
    match, mia, leo = pair
    _held(match, clock)
    clock.shift(QUIET)
    assert run(send.remind_quiet_pairs) == 2
    second = _held(match, clock)
    clock.shift(QUIET - dt.timedelta(days=1))
    assert run(send.remind_quiet_pairs) == 0
    clock.shift(dt.timedelta(days=1))
    assert run(send.remind_quiet_pairs) == 2
    assert [e.dedupe_key for e in reminders_to(mia)][-1] == f"reminder:quiet-pair:{match.id}:{second.id}:{mia.id}"
    assert run(send.remind_quiet_pairs) == 0


def test_a_session_booked_ahead_means_no_reminder(pair, run, clock):
    match, mia, leo = pair
    _held(match, clock)
    session(match, at(utcnow() + QUIET + dt.timedelta(days=5)))
    clock.shift(QUIET + dt.timedelta(days=1))
    assert run(send.remind_quiet_pairs) == 0


def test_a_cancelled_session_is_not_a_session(pair, run, clock):
    match, mia, leo = pair
    _held(match, clock)
    session(match, at(utcnow() + dt.timedelta(days=20)), status="cancelled")
    clock.shift(QUIET)
    assert run(send.remind_quiet_pairs) == 2


def test_a_pair_that_never_met_is_left_to_the_first_session_reminder(pair, run, clock):
    clock.shift(QUIET * 2)
    assert run(send.remind_quiet_pairs) == 0


def test_ended_matches_are_not_reminded(pair, run, clock):
    match, mia, leo = pair
    _held(match, clock)
    Match.update(ended_at=utcnow(), end_reason="Moved on").where(Match.id == match.id).execute()
    clock.shift(QUIET)
    assert run(send.remind_quiet_pairs) == 0


def test_switched_off_sends_nothing_and_the_delay_follows_the_setting(pair, run, clock, set_setting):
    match, mia, leo = pair
    set_setting("reminder_quiet_pair_enabled", False)
    _held(match, clock)
    clock.shift(QUIET)
    assert run(send.remind_quiet_pairs) == 0
    set_setting("reminder_quiet_pair_enabled", True)
    set_setting("reminder_quiet_pair_days", 60)
    assert run(send.remind_quiet_pairs) == 0
    clock.shift(dt.timedelta(days=15))
    assert run(send.remind_quiet_pairs) == 2


def test_after_the_programme_ends_nobody_is_reminded(pair, run, clock):
    match, mia, leo = pair
    _held(match, clock)
    clock.move_to(at(DATES["ends"]))
    assert run(send.remind_quiet_pairs) == 0
