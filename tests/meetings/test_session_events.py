"""Sessions send session_booked, session_moved and session_cancelled; feedback sends feedback_given, which the
follow-ups react to."""
from __future__ import annotations

import datetime as dt

import pytest

from portal import events
from portal.meetings import booking, follow_through
from portal.models import FollowUp

START = dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)  # Wednesday, within both people's working hours
HOUR = dt.timedelta(hours=1)


def test_booking_moving_and_cancelling_each_send_their_event(pair, within, frozen, program, heard):
    match, mentor, mentee = pair
    booked, moved, cancelled = heard(events.session_booked), heard(events.session_moved), heard(events.session_cancelled)

    with within():
        meeting = booking.book(match, mentor, START, START + HOUR, location_kind="virtual",
                               location="https://meet.example.org/s")
        assert [(s.id, kw["meeting"].id, kw["actor"].id) for s, kw in booked] == [(program.id, meeting.id, mentor.id)]
        assert (moved, cancelled) == ([], [])

        booking.reschedule(meeting, mentee, START + 2 * HOUR, START + 3 * HOUR)
        [(sender, kw)] = moved
        assert sender.id == program.id and kw["actor"].id == mentee.id
        assert kw["meeting"].id == meeting.id and kw["meeting"].sequence == 1  # the meeting as it is now

        booking.cancel(meeting, mentor)
        with pytest.raises(booking.BookingError):
            booking.cancel(meeting, mentor)  # already cancelled: nothing more is sent
    [(sender, kw)] = cancelled
    assert sender.id == program.id and kw["meeting"].status == "cancelled" and kw["actor"].id == mentor.id
    assert len(booked) == 1 and len(moved) == 1


def test_a_refused_booking_sends_nothing(pair, within, frozen, heard):
    match, mentor, _ = pair
    booked = heard(events.session_booked)
    with within():
        booking.book(match, mentor, START, START + HOUR, location_kind="virtual", location="https://meet.example.org/s")
        with pytest.raises(booking.BookingError):
            booking.book(match, mentor, START, START + HOUR, location_kind="virtual",
                         location="https://meet.example.org/s")  # the same time again
    assert len(booked) == 1


def test_feedback_sends_feedback_given_and_a_low_rating_becomes_a_follow_up(pair, within, frozen, program, heard):
    match, mentor, mentee = pair
    with within():
        meeting = booking.book(match, mentor, START, START + HOUR, location_kind="virtual",
                               location="https://meet.example.org/s")
    given = heard(events.feedback_given)
    later = START + dt.timedelta(hours=2)

    with within():
        feedback = follow_through.save_feedback(meeting, mentee, rating=2, fit=4, went_well="", action_items="",
                                                now=later)
    [(sender, kw)] = given
    assert sender.id == program.id and kw["feedback"].id == feedback.id
    assert kw["meeting"].id == meeting.id and kw["user"].id == mentee.id
    [flag] = FollowUp.select()
    assert (flag.reason, flag.source, flag.match_id, flag.user_id) == (
        "low_rating", f"feedback:{feedback.id}:rating", match.id, mentee.id)
    assert flag.details == "Leo Mentee rated session 1 2 out of 5."

    with within():
        follow_through.save_feedback(meeting, mentee, rating=4, fit=4, went_well="", action_items="", now=later)
    assert len(given) == 2 and FollowUp.select().count() == 0  # changed its mind: the open flag is withdrawn
