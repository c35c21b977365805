"""Feedback: a request to both people when a session ends, and a reminder two days later to whoever has not given it."""
from __future__ import annotations

import datetime as dt

from portal.models import Email, Feedback, Match, utcnow
from portal.reminders import send
from tests.conftest import PortalClient
from tests.reminders.conftest import at, reminders_to, session

REMINDER = dt.timedelta(days=2)


def requests_to(user) -> list[Email]:
    return reminders_to(user, category="feedback")


def _ending(match, clock):
    """A session starting an hour from now (it ends two hours from now); the clock stays where it is."""
    return session(match, at(utcnow() + dt.timedelta(hours=1)))


# --- the request when the session ends -----------------------------------------------------------------------------


def test_both_are_asked_for_feedback_once_when_the_session_ends(pair, run, clock, app):
    match, mia, leo = pair
    meeting = _ending(match, clock)
    clock.move_to(at(meeting.ends_at) - dt.timedelta(minutes=1))
    assert run(send.request_feedback) == 0
    clock.move_to(at(meeting.ends_at))
    assert run(send.request_feedback) == 2
    [to_mentor] = requests_to(mia)
    [to_mentee] = requests_to(leo)
    assert to_mentor.subject == "How did your session with Leo go?"
    assert to_mentee.subject == "How did your session with Mia go?"
    assert to_mentor.dedupe_key == f"feedback-request:{meeting.id}:{mia.id}"
    assert '"Getting to know one another", Mon 22 Feb 2027, 10:00' in to_mentor.text_body
    assert "http://localhost/sessions/feedback/" in to_mentor.text_body
    assert "http://localhost/sessions/agenda/" in to_mentor.text_body
    clock.shift(dt.timedelta(hours=3))
    assert run(send.request_feedback) == 0
    assert len(requests_to(mia)) == len(requests_to(leo)) == 1


def test_the_link_in_the_request_opens_the_feedback_form_for_that_person(pair, run, clock, app):
    match, mia, leo = pair
    meeting = _ending(match, clock)
    clock.move_to(at(meeting.ends_at))
    run(send.request_feedback)
    [to_mentee] = requests_to(leo)
    link = next(word for word in to_mentee.text_body.split() if "/sessions/feedback/" in word)
    page = PortalClient(app.test_client()).get(link.removeprefix("http://localhost"))
    assert page.status_code == 200
    assert "Leo" in page.get_data(as_text=True)


def test_a_cancelled_session_asks_for_nothing(pair, run, clock):
    match, mia, leo = pair
    meeting = session(match, at(utcnow() + dt.timedelta(hours=1)), status="cancelled")
    clock.move_to(at(meeting.ends_at) + dt.timedelta(minutes=5))
    assert run(send.request_feedback) == 0


def test_someone_who_already_gave_feedback_is_not_asked(pair, run, clock):
    match, mia, leo = pair
    meeting = _ending(match, clock)
    clock.move_to(at(meeting.ends_at) - dt.timedelta(minutes=5))
    Feedback.create(meeting=meeting, user=mia, rating=5)
    clock.move_to(at(meeting.ends_at))
    assert run(send.request_feedback) == 1
    assert requests_to(mia) == [] and len(requests_to(leo)) == 1


def test_sessions_long_past_are_not_asked_about(pair, run, clock):
    match, mia, leo = pair
    meeting = _ending(match, clock)
    # The request was switched off when the session ended; switching it on later does not reach back.
    clock.move_to(at(meeting.ends_at) + dt.timedelta(days=3))
    assert run(send.request_feedback) == 0


def test_the_request_switched_off_sends_nothing(pair, run, clock, set_setting):
    match, mia, leo = pair
    set_setting("feedback_request_enabled", False)
    meeting = _ending(match, clock)
    clock.move_to(at(meeting.ends_at))
    assert run(send.request_feedback) == 0


def test_an_ended_match_is_not_asked(pair, run, clock):
    match, mia, leo = pair
    meeting = _ending(match, clock)
    Match.update(ended_at=utcnow(), end_reason="Moved on").where(Match.id == match.id).execute()
    clock.move_to(at(meeting.ends_at))
    assert run(send.request_feedback) == 0


# --- the reminder two days later -----------------------------------------------------------------------------------


def test_feedback_still_missing_two_days_later_is_reminded_once(pair, run, clock):
    match, mia, leo = pair
    meeting = _ending(match, clock)
    clock.move_to(at(meeting.ends_at) + REMINDER - dt.timedelta(minutes=1))
    assert run(send.remind_feedback) == 0
    clock.move_to(at(meeting.ends_at) + REMINDER)
    assert run(send.remind_feedback) == 2
    [to_mentor] = reminders_to(mia)
    assert to_mentor.subject == "Two minutes on your session with Leo?"
    assert to_mentor.dedupe_key == f"reminder:feedback:{meeting.id}:{mia.id}"
    assert "http://localhost/sessions/feedback/" in to_mentor.text_body
    clock.shift(dt.timedelta(days=1))
    assert run(send.remind_feedback) == 0
    assert len(reminders_to(mia)) == len(reminders_to(leo)) == 1


def test_only_whoever_has_not_given_feedback_is_reminded(pair, run, clock):
    match, mia, leo = pair
    meeting = _ending(match, clock)
    clock.move_to(at(meeting.ends_at) + dt.timedelta(days=1))
    Feedback.create(meeting=meeting, user=leo, rating=4)
    clock.move_to(at(meeting.ends_at) + REMINDER)
    assert run(send.remind_feedback) == 1
    assert reminders_to(leo) == [] and len(reminders_to(mia)) == 1


def test_cancelled_sessions_and_ended_matches_are_not_reminded(pair, run, clock):
    match, mia, leo = pair
    cancelled = session(match, at(utcnow() + dt.timedelta(hours=1)), status="cancelled")
    clock.move_to(at(cancelled.ends_at) + REMINDER)
    assert run(send.remind_feedback) == 0
    held = _ending(match, clock)
    Match.update(ended_at=utcnow(), end_reason="Moved on").where(Match.id == match.id).execute()
    clock.move_to(at(held.ends_at) + REMINDER)
    assert run(send.remind_feedback) == 0


def test_switched_off_sends_nothing_and_the_delay_follows_the_setting(pair, run, clock, set_setting):
    match, mia, leo = pair
    set_setting("reminder_feedback_enabled", False)
    meeting = _ending(match, clock)
    clock.move_to(at(meeting.ends_at) + REMINDER)
    assert run(send.remind_feedback) == 0
    set_setting("reminder_feedback_enabled", True)
    set_setting("reminder_feedback_days", 4)
    assert run(send.remind_feedback) == 0
    clock.move_to(at(meeting.ends_at) + dt.timedelta(days=4))
    assert run(send.remind_feedback) == 2


def test_a_session_more_than_a_week_past_its_reminder_is_left_alone(pair, run, clock):
    match, mia, leo = pair
    meeting = _ending(match, clock)
    clock.move_to(at(meeting.ends_at) + REMINDER + dt.timedelta(days=8))
    assert run(send.remind_feedback) == 0
