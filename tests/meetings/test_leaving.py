"""Leaving the programme: matches end, future sessions are cancelled with CANCEL invites, requests close or pass on,
the mentor's place frees up, and admins are told."""
from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from portal import events
from portal.leaving import operations as leaving
from portal.meetings import booking
from portal.models import Email, FollowUp, Match, MatchRequest, Meeting, Participant
from portal.pairing import operations as pairing
from tests.console.conftest import give_answers
from tests.meetings.conftest import HOURS
from tests.pairing.conftest import page_text

START = dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)


def test_a_mentee_leaves_and_everything_is_tidied_up(app, browser, pair, within, frozen, admin):
    match, mentor, mentee = pair
    with within():
        past = booking.book(match, mentor, START, START + dt.timedelta(hours=1), location_kind="virtual",
                            location="https://meet.example.org/s")
        future = booking.book(match, mentor, START + dt.timedelta(days=7), START + dt.timedelta(days=7, hours=1),
                              location_kind="virtual", location="https://meet.example.org/s")
    frozen.move_to(START + dt.timedelta(days=2))
    leo = browser(mentee.email)
    page = leo.get("/leave")
    assert page.status_code == 200 and "Mia Mentor" in page_text(page) and "1 upcoming session is cancelled" in page_text(page)

    # Without the confirmation nothing happens, and what was typed stays.
    unconfirmed = leo.submit("/leave", {"reason": "workload", "feedback": "Great people, no time"})
    assert unconfirmed.status_code == 400 and "Great people, no time" in unconfirmed.get_data(as_text=True)
    assert Match.get_by_id(match.id).ended_at is None

    left = leo.submit("/leave", {"reason": "workload", "feedback": "Great people, no time", "confirm": "y"})
    assert left.status_code == 302
    assert "You have left the programme" in page_text(leo.get("/leave"))
    row = Participant.get(Participant.user == mentee)
    assert row.status == "exited" and row.exit_reason == "workload" and row.exit_feedback == "Great people, no time"
    ended = Match.get_by_id(match.id)
    assert ended.ended_at is not None and "left the programme" in ended.end_reason
    # The mentor's place is free again.
    assert Participant.get(Participant.user == mentor).status == "ready"
    # The session to come is cancelled, with a CANCEL to Mia; the one that took place stays.
    assert Meeting.get_by_id(future.id).status == "cancelled" and Meeting.get_by_id(past.id).status == "scheduled"
    cancel = Email.get(Email.to_address == mentor.email, Email.subject.startswith("Cancelled"))
    ics = next(p["content"] for p in cancel.parts if p["kind"] == "alternative")
    assert str(icalendar.Calendar.from_ical(ics)["METHOD"]) == "CANCEL"
    # Mia is told kindly, the admins are told, and it is a follow-up on the dashboard.
    told = Email.get(Email.to_address == mentor.email, Email.subject == "Leo has left the mentoring programme")
    assert "Leaving is a normal part" in told.text_body
    assert "The session you had booked together is cancelled" in told.text_body
    to_admin = Email.get(Email.to_address == admin.email)
    assert "Great people, no time" in to_admin.text_body
    follow_up = FollowUp.get()
    assert follow_up.reason == "exit" and follow_up.user_id == mentee.id
    assert "Left the programme" in page_text(browser(admin.email).get("/admin/dashboard"))


def test_a_mentor_who_leaves_passes_waiting_requests_on(app, browser, create_user, program, within, set_setting,
                                                        frozen):
    set_setting("pairing_mode", "approval")
    first = create_user("mia@example.org", roles=("mentor",), name="Mia Mentor")
    second = create_user("max@example.org", roles=("mentor",), name="Max Mentor")
    mentee = create_user("leo@example.org", roles=("mentee",), name="Leo Mentee")
    for mentor in (first, second):
        give_answers(program, mentor, "mentor", {**HOURS, "strengths": ["Python"], "capacity": "1"}, capacity=1)
    give_answers(program, mentee, "mentee", {**HOURS, "grow": ["Python"], "goals_6m": "Grow"})
    program.phase_overrides = {"pairing": True}
    program.save()
    with within():
        pairing.add_to_shortlist(program, mentee, first)
        pairing.add_to_shortlist(program, mentee, second)
        request = pairing.send_request(program, mentee)
    assert request.mentor_id == first.id
    mia = browser(first.email)
    mia.submit("/leave", {"reason": "leaving_company", "confirm": "y"}, page="/leave")
    assert MatchRequest.get_by_id(request.id).status == "closed"
    onward = MatchRequest.get(MatchRequest.status == "pending")
    assert onward.mentor_id == second.id and onward.mentee_id == mentee.id


def test_an_admin_records_someone_leaving(browser, pair, admin, frozen):
    match, mentor, mentee = pair
    ada = browser(admin.email)
    assert "Record leaving" in page_text(ada.get("/admin/people"))
    url = f"/admin/people/{mentor.id}/leave"
    bad = ada.submit(url, {"confirm": "y", "feedback": "Moved abroad"})
    assert bad.status_code == 400 and "Choose the reason" in page_text(bad) and "Moved abroad" in bad.get_data(as_text=True)
    done = ada.submit(url, {"reason": "leaving_company", "feedback": "Moved abroad", "confirm": "y"})
    assert done.status_code == 302
    assert Match.get_by_id(match.id).ended_at is not None
    assert Participant.get(Participant.user == mentor).status == "exited"
    assert Email.get(Email.to_address == mentee.email).subject == "Mia has left the mentoring programme"


def test_leaving_sends_participant_left_and_match_ended(pair, within, frozen, program, heard):
    match, _, mentee = pair
    left, ended = heard(events.participant_left), heard(events.match_ended)

    with within():
        leaving.leave(program, mentee, "workload", "  No time  ", mentee)

    [(sender, kw)] = left
    assert sender.id == program.id and kw["user"].id == mentee.id and kw["actor"].id == mentee.id
    assert [p.role for p in kw["participants"]] == ["mentee"]
    assert (kw["reason"], kw["reason_text"], kw["feedback"]) == (
        "workload", "My workload does not leave room for it right now", "No time")
    assert [m.id for m in kw["ended"]] == [match.id]
    [(sender, kw)] = ended
    assert sender.id == program.id and kw["match"].id == match.id and kw["match"].ended_at is not None
    assert kw["reason"] == "Leo left the programme (my workload does not leave room for it right now)."
    with within(), pytest.raises(leaving.LeavingError):
        leaving.leave(program, mentee, "workload", "", mentee)  # left already: nothing more is sent
    assert len(left) == 1 and len(ended) == 1


def test_an_admin_unpairing_cancels_the_sessions_still_to_come(pair, within, frozen, admin):
    match, mentor, mentee = pair
    with within():
        past = booking.book(match, mentor, START, START + dt.timedelta(hours=1), location_kind="virtual",
                            location="https://meet.example.org/s")
        future = booking.book(match, mentor, START + dt.timedelta(days=7), START + dt.timedelta(days=7, hours=1),
                              location_kind="virtual", location="https://meet.example.org/s")
    frozen.move_to(START + dt.timedelta(days=2))

    with within():
        pairing.end_match(Match.get_by_id(match.id), "Moved to another team", admin)

    assert Meeting.get_by_id(future.id).status == "cancelled" and Meeting.get_by_id(past.id).status == "scheduled"
    cancel = Email.get(Email.to_address == mentee.email, Email.subject.startswith("Cancelled"))
    ics = next(p["content"] for p in cancel.parts if p["kind"] == "alternative")
    assert str(icalendar.Calendar.from_ical(ics)["METHOD"]) == "CANCEL"


def test_the_partner_is_promised_no_cancellations_when_nothing_was_booked(pair, within, frozen, program):
    match, mentor, mentee = pair

    with within():
        leaving.leave(program, mentee, "workload", "", mentee)

    told = Email.get(Email.to_address == mentor.email, Email.subject == "Leo has left the mentoring programme")
    assert "your match has ended" in told.text_body and "cancel" not in told.text_body.lower()
