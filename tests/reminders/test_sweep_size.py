"""The sweep asks the database the same few questions however many people are due, not a few per person."""
from __future__ import annotations

import datetime as dt

from portal.models import Email, Match, Participant, utcnow
from portal.reminders import send
from tests.reminders.conftest import at, reminders_to, session
from tests.statements import statements


def _pairs(make_mentor, make_mentee, program, first: int, count: int) -> list[tuple[Match, object, object]]:
    """`count` pairs matched 60 days ago; every other one held a session 50 days ago and booked none since."""
    made = []
    for i in range(first, first + count):
        mentor = make_mentor(f"mentor{i}@example.org", f"Mentor{i} Example")
        mentee = make_mentee(f"mentee{i}@example.org", f"Mentee{i} Example")
        Participant.update(status="paired").where(
            Participant.program == program, Participant.user.in_([mentor.id, mentee.id])).execute()
        match = Match.create(program=program, mentor=mentor, mentee=mentee, made_by="admin",
                             started_at=utcnow() - dt.timedelta(days=60))
        if i % 2:
            session(match, at(utcnow() - dt.timedelta(days=50)))
        made.append((match, mentor, mentee))
    return made


def _sweep(run) -> tuple[int, int]:
    """(emails sent, statements made) by one sweep of every kind, run as the job runs it."""
    with statements() as made:
        sent = sum(run(lambda program, sender=sender: sender(program)) for sender in send.SENDERS.values())
    return sent, len(made)


def test_a_sweep_with_nothing_new_to_send_makes_as_many_statements_for_six_pairs_as_for_two(
        run, make_mentor, make_mentee, program):
    few = _pairs(make_mentor, make_mentee, program, 0, 2)
    sent, _ = _sweep(run)
    # Both of each pair: a first-session reminder for the pair that never met, a quiet-pair one for the other.
    assert sent == 4
    _, with_two = _sweep(run)

    more = _pairs(make_mentor, make_mentee, program, 2, 4)
    sent, _ = _sweep(run)
    assert sent == 8
    sent, with_six = _sweep(run)
    assert sent == 0
    assert with_six == with_two, f"{with_six} statements for six pairs, {with_two} for two"
    for match, mentor, mentee in few + more:
        assert len(reminders_to(mentor)) == len(reminders_to(mentee)) == 1
    assert Email.select().where(Email.category == "reminders").count() == 12
