"""Pairs with no first session after 14 days: whoever reaches out first is asked to book, the other gets a note."""
from __future__ import annotations

import datetime as dt

from portal.models import Email, Match, utcnow
from portal.reminders import send
from tests.reminders.conftest import DATES, at, exit_programme, reminders_to, session

FORTNIGHT = dt.timedelta(days=14)


def test_the_mentor_is_asked_to_book_and_the_mentee_gets_a_note_once(pair, run, clock):
    match, mia, leo = pair
    clock.shift(FORTNIGHT - dt.timedelta(minutes=1))
    assert run(send.remind_first_meeting) == 0
    clock.shift(dt.timedelta(minutes=1))
    assert run(send.remind_first_meeting) == 2
    [to_mentor] = reminders_to(mia)
    assert to_mentor.subject == "Time to book your first session with Leo"
    assert to_mentor.dedupe_key == f"reminder:first-meeting:{match.id}:{mia.id}"
    assert f"http://localhost/matches/{match.id}#sessions" in to_mentor.text_body
    assert "14 days since you were matched with Leo Mentee" in to_mentor.text_body
    [to_mentee] = reminders_to(leo)
    assert to_mentee.subject == "Your first session with Mia"
    assert "We have asked Mia to propose a time" in to_mentee.text_body
    assert "mia@example.org" in to_mentee.text_body
    clock.shift(dt.timedelta(days=3))
    assert run(send.remind_first_meeting) == 0
    assert len(reminders_to(mia)) == len(reminders_to(leo)) == 1


def test_when_the_mentee_reaches_out_first_the_mentee_is_asked(pair, run, clock, set_setting):
    set_setting("first_contact", "mentee")
    match, mia, leo = pair
    clock.shift(FORTNIGHT)
    run(send.remind_first_meeting)
    [to_mentee] = reminders_to(leo)
    assert to_mentee.subject == "Time to book your first session with Mia"
    # Mentees cannot book by default: the email says to write to the mentor instead.
    assert "Write to Mia (mia@example.org)" in to_mentee.text_body
    assert reminders_to(mia)[0].subject == "Your first session with Leo"


def test_a_booked_session_means_no_reminder(pair, run, clock):
    match, mia, leo = pair
    session(match, at(utcnow() + dt.timedelta(days=20)))
    clock.shift(FORTNIGHT + dt.timedelta(days=1))
    assert run(send.remind_first_meeting) == 0


def test_a_cancelled_session_does_not_count(pair, run, clock):
    match, mia, leo = pair
    session(match, at(utcnow() + dt.timedelta(days=5)), status="cancelled")
    clock.shift(FORTNIGHT)
    assert run(send.remind_first_meeting) == 2


def test_ended_matches_and_exited_people_are_not_reminded(pair, make_mentor, make_mentee, run, clock, program):
    match, mia, leo = pair
    Match.update(ended_at=utcnow(), end_reason="Poor fit").where(Match.id == match.id).execute()
    other = Match.create(program=program, mentor=make_mentor("max@example.org"), mentee=make_mentee("eve@example.org"))
    exit_programme(program, other.mentee, "mentee")
    clock.shift(FORTNIGHT * 2)
    assert run(send.remind_first_meeting) == 0
    assert Email.select().where(Email.category == "reminders").count() == 0


def test_switched_off_sends_nothing(pair, run, clock, set_setting):
    set_setting("reminder_first_meeting_enabled", False)
    clock.shift(FORTNIGHT * 2)
    assert run(send.remind_first_meeting) == 0


def test_the_delay_follows_the_setting(pair, run, clock, set_setting):
    set_setting("reminder_first_meeting_days", 21)
    clock.shift(FORTNIGHT)
    assert run(send.remind_first_meeting) == 0
    clock.shift(dt.timedelta(days=7))
    assert run(send.remind_first_meeting) == 2


def test_after_the_programme_ends_nobody_is_reminded(pair, run, clock):
    clock.move_to(at(DATES["ends"]))
    assert run(send.remind_first_meeting) == 0
