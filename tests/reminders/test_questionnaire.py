"""Stragglers: registered, questionnaire not finished, reminded once after the delay while registration is open."""
from __future__ import annotations

import datetime as dt

from portal.models import Email, User
from portal.reminders import send
from tests.reminders.conftest import DATES, at, exit_programme, reminders_to


def test_a_straggler_is_reminded_once_after_three_days(create_user, run, clock):
    sam = create_user("sam@example.org", name="Sam Straggler")
    clock.shift(dt.timedelta(days=3) - dt.timedelta(minutes=1))
    assert run(send.remind_stragglers) == 0
    clock.shift(dt.timedelta(minutes=1))
    assert run(send.remind_stragglers) == 1
    [email] = reminders_to(sam)
    assert email.subject == "Finish your questionnaire for Mentoring Programme"
    assert email.dedupe_key == f"reminder:questionnaire:1:{sam.id}"
    assert "http://localhost/questionnaire" in email.text_body and "http://localhost/questionnaire" in email.html_body
    assert "Pairing closes on 15 Mar 2027" in email.text_body
    clock.shift(dt.timedelta(days=2))
    assert run(send.remind_stragglers) == 0
    assert run(send.remind_stragglers) == 0
    assert len(reminders_to(sam)) == 1


def test_someone_who_finished_the_questionnaire_is_not_reminded(make_mentee, run, clock):
    done = make_mentee("done@example.org")
    clock.shift(dt.timedelta(days=10))
    assert run(send.remind_stragglers) == 0
    assert reminders_to(done) == []


def test_a_person_who_registered_as_mentor_and_mentee_gets_one_reminder(create_user, run, clock):
    both = create_user("both@example.org", roles=("mentor", "mentee"))
    clock.shift(dt.timedelta(days=3))
    assert run(send.remind_stragglers) == 1
    [email] = reminders_to(both)
    assert "as a mentor and mentee" in email.text_body


def test_the_delay_follows_the_setting(create_user, run, clock, set_setting):
    set_setting("reminder_questionnaire_days", 5)
    sam = create_user("sam@example.org")
    clock.shift(dt.timedelta(days=4))
    assert run(send.remind_stragglers) == 0
    clock.shift(dt.timedelta(days=1))
    assert run(send.remind_stragglers) == 1
    assert len(reminders_to(sam)) == 1


def test_switched_off_sends_nothing(create_user, run, clock, set_setting):
    set_setting("reminder_questionnaire_enabled", False)
    sam = create_user("sam@example.org")
    clock.shift(dt.timedelta(days=30))
    assert run(send.remind_stragglers) == 0
    assert reminders_to(sam) == []


def test_exited_and_deactivated_people_are_not_reminded(create_user, run, clock, program):
    gone = create_user("gone@example.org")
    exit_programme(program, gone, "mentee")
    closed = create_user("closed@example.org")
    User.update(active=False).where(User.id == closed.id).execute()
    clock.shift(dt.timedelta(days=5))
    assert run(send.remind_stragglers) == 0
    assert Email.select().count() == 0


def test_nobody_is_reminded_once_registration_has_closed(create_user, run, clock):
    sam = create_user("sam@example.org")
    clock.move_to(at(DATES["pairing_closes"]))
    assert run(send.remind_stragglers) == 0
    assert reminders_to(sam) == []
