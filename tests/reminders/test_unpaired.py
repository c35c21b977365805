"""Mentees still unpaired a week into pairing: pointed at the directory and their shortlist, once."""
from __future__ import annotations

import datetime as dt

from portal.models import Email, Match, MatchRequest, utcnow
from portal.reminders import send
from tests.reminders.conftest import DATES, at, exit_programme, reminders_to

PAIRING = DATES["pairing_opens"]


def test_an_unpaired_mentee_is_reminded_once_a_week_into_pairing(make_mentee, run, clock):
    leo = make_mentee("leo@example.org", "Leo Mentee")
    clock.move_to(at(PAIRING + dt.timedelta(days=6), 23, 59))
    assert run(send.remind_unpaired) == 0
    clock.move_to(at(PAIRING + dt.timedelta(days=7), 0, 0))
    assert run(send.remind_unpaired) == 1
    [email] = reminders_to(leo)
    assert email.subject == "Still looking for a mentor? Here is how to find one"
    assert email.dedupe_key == f"reminder:unpaired:1:{leo.id}"
    assert "http://localhost/mentors" in email.text_body and "http://localhost/shortlist" in email.text_body
    assert "when pairing closes on 15 Mar 2027, the programme team pairs the rest" in email.text_body
    clock.shift(dt.timedelta(days=1))
    assert run(send.remind_unpaired) == 0
    assert len(reminders_to(leo)) == 1


def test_before_pairing_opens_nobody_is_reminded(make_mentee, run, clock):
    make_mentee("leo@example.org")
    clock.move_to(at(PAIRING - dt.timedelta(days=1)))
    assert run(send.remind_unpaired) == 0


def test_a_late_joiner_gets_the_full_delay_from_finishing_the_questionnaire(make_mentee, run, clock, set_setting):
    set_setting("reminder_unpaired_days", 3)
    clock.move_to(at(PAIRING + dt.timedelta(days=8)))
    late = make_mentee("late@example.org")
    clock.shift(dt.timedelta(days=3) - dt.timedelta(minutes=1))
    assert run(send.remind_unpaired) == 0
    clock.shift(dt.timedelta(minutes=1))
    assert run(send.remind_unpaired) == 1
    assert len(reminders_to(late)) == 1


def test_matched_waiting_and_exited_mentees_are_not_reminded(make_mentee, make_mentor, run, clock, program):
    mia = make_mentor("mia@example.org", capacity=2)
    matched = make_mentee("matched@example.org")
    Match.create(program=program, mentor=mia, mentee=matched)
    waiting = make_mentee("waiting@example.org")
    MatchRequest.create(program=program, mentee=waiting, mentor=mia, expires_at=utcnow() + dt.timedelta(days=30))
    gone = make_mentee("gone@example.org")
    exit_programme(program, gone, "mentee")
    unfinished = make_mentee("unfinished@example.org", complete=False)
    clock.move_to(at(PAIRING + dt.timedelta(days=7)))
    assert run(send.remind_unpaired) == 0
    assert not [e for e in Email.select() if e.category == "reminders"]
    assert reminders_to(unfinished) == []


def test_when_admins_pair_the_email_asks_for_a_shortlist(make_mentee, run, clock, set_setting):
    set_setting("pairing_mode", "admin")
    leo = make_mentee("leo@example.org")
    clock.move_to(at(PAIRING + dt.timedelta(days=7)))
    run(send.remind_unpaired)
    [email] = reminders_to(leo)
    assert "add the ones you would most like to your shortlist; the programme team pairs everyone" in email.text_body


def test_switched_off_sends_nothing(make_mentee, run, clock, set_setting):
    set_setting("reminder_unpaired_enabled", False)
    leo = make_mentee("leo@example.org")
    clock.move_to(at(PAIRING + dt.timedelta(days=10)))
    assert run(send.remind_unpaired) == 0
    assert reminders_to(leo) == []


def test_once_pairing_has_closed_nobody_is_reminded(make_mentee, run, clock):
    leo = make_mentee("leo@example.org")
    clock.move_to(at(DATES["pairing_closes"]))
    assert run(send.remind_unpaired) == 0
    assert reminders_to(leo) == []
