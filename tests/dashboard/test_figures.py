"""Each dashboard figure against hand-built data, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest

from portal.dashboard import figures
from portal.models import Email, Participant, Program, Survey, SurveyResponse
from portal.surveys import operations as surveys
from tests.dashboard.conftest import NOW, feedback, session

DAY = dt.timedelta(days=1)


def gather(program):
    return figures.gather(Program.get_by_id(program.id), now=NOW.replace(tzinfo=dt.UTC))


def test_mentors_and_mentees_against_five_to_four_and_participation_against_the_organisation(
        program, people, create_user):
    people(5, 4)
    create_user("both@example.org", roles=("mentor", "mentee"))  # one person, counted once in the organisation
    _, (gone,) = people(0, 1)
    Participant.update(status="exited", exited_at=NOW, exit_reason="workload").where(
        Participant.user == gone).execute()
    Program.update(organisation_size=80).where(Program.id == program.id).execute()

    found = gather(program)
    assert (found.mentors, found.mentees, found.exited) == (6, 5, 1)
    assert found.ratio == 4.8  # 6 mentors for 5 mentees is 4.8 for every 4
    assert found.people == 10 and found.share == 12.5  # 10 different people of 80


def test_twenty_seven_of_twenty_eight_matched_pairs_that_booked_nothing_do_not_read_as_all_booked(program, pairs):
    matched = pairs(28, NOW - 30 * DAY)
    session(matched[0], NOW - 10 * DAY)
    session(matched[1], NOW - 5 * DAY, status="cancelled")  # a cancelled session books nothing

    found = gather(program)
    assert found.active_pairs == 28
    assert (found.held_first, found.booked_not_held, found.not_booked) == (1, 0, 27)
    assert found.held_first_share == 4
    assert found.no_first_session_count == 27 and len(found.no_first_session) == figures.LISTED
    assert {"mentor", "mentee", "started_at"} <= set(found.no_first_session[0])


def test_first_session_held_booked_and_not_booked_and_pairs_that_met_in_the_last_45_days(program, pairs):
    held, booked, fresh, quiet, ended = pairs(5, NOW - 60 * DAY)
    session(held, NOW - 3 * DAY)
    session(booked, NOW + 3 * DAY)
    fresh.started_at = NOW - 5 * DAY  # matched five days ago: not yet a pair to nudge
    fresh.save()
    session(quiet, NOW - 50 * DAY)
    ended.ended_at = NOW - 20 * DAY
    ended.save()

    found = gather(program)
    assert (found.active_pairs, found.ended_pairs) == (4, 1)
    assert (found.held_first, found.booked_not_held, found.not_booked) == (2, 1, 1)
    assert found.met_recently == 1  # the quiet pair met, but 50 days ago
    assert [p["id"] for p in found.quiet] == [quiet.id] and found.quiet[0]["latest"] == NOW - 50 * DAY
    assert found.no_first_session == []  # the pair with nothing booked was matched five days ago
    assert (found.held, found.upcoming, found.cancelled) == (2, 1, 0)


def test_pairing_progress_by_day_since_pairing_opened_shows_both_waves(program, pairs):
    opened = dt.date(2026, 3, 1)
    Program.update(pairing_opens=opened, pairing_closes=dt.date(2026, 3, 31)).where(
        Program.id == program.id).execute()
    start = dt.datetime(2026, 3, 1, 9)
    pairs(3, start)
    pairs(1, start + DAY)
    pairs(4, start + 7 * DAY)  # the second wave: the pairing console's run a week in
    pairs(1, start - 2 * DAY)  # matched before pairing opened: counted on day 0

    found = gather(program)  # pairing closed before NOW: the chart ends on the last day a pair was matched
    assert [(day, new, total) for day, _, new, total in found.progress] == [
        (0, 4, 4), (1, 1, 5), (2, 0, 5), (3, 0, 5), (4, 0, 5), (5, 0, 5), (6, 0, 5), (7, 4, 9)]
    assert found.progress[7][1] == dt.date(2026, 3, 8)


def test_sessions_per_pair_per_month_with_the_distribution(program, pairs):
    month = figures.MONTH_DAYS * DAY
    on_target, busy, silent, slow = pairs(4, NOW - 2 * month)
    for n in range(2):
        session(on_target, NOW - (10 + n) * DAY)  # 2 in 2 months: 1.0
    for n in range(4):
        session(busy, NOW - (10 + n) * DAY)  # 4 in 2 months: 2.0
    session(slow, NOW - 10 * DAY)  # 1 in 2 months: 0.5
    session(slow, NOW + 10 * DAY)  # booked, not held: not counted
    pairs(1, NOW - 10 * DAY)  # matched ten days ago: too new to have a rate

    found = gather(program)
    assert found.rate_pairs == 4
    assert found.rate == pytest.approx(7 / 8, abs=0.01)
    assert dict(found.rate_bins) == {"none": 1, "under 0.5": 0, "0.5 to under 1.0": 1, "1.0 to 1.5 (target)": 1,
                                     "over 1.5": 1}


def test_ratings_and_fit_averages_and_distribution_by_month(program, pairs):
    match, = pairs(1, NOW - 90 * DAY)
    april, may = session(match, NOW - 50 * DAY), session(match, NOW - 20 * DAY)
    feedback(april, 2, 3, dt.datetime(2026, 4, 12))
    feedback(april, 4, None, dt.datetime(2026, 4, 12), by="mentor")
    feedback(may, 5, 5, dt.datetime(2026, 5, 12))

    found = gather(program)
    assert (found.feedback, found.average_rating) == (3, 3.7)
    assert (found.fit_answers, found.average_fit) == (2, 4.0)
    assert found.ratings_by_month == [("2026-04", [0, 1, 0, 1, 0], 3.0), ("2026-05", [0, 0, 0, 0, 1], 5.0)]
    assert found.fit_by_month == [("2026-04", [0, 0, 1, 0, 0], 3.0), ("2026-05", [0, 0, 0, 0, 1], 5.0)]


def test_survey_response_rate_by_role(program, people):
    mentors, mentees = people(2, 4)
    survey = surveys.survey_for(program, "midpoint")
    Survey.update(sent_at=NOW - 5 * DAY).where(Survey.id == survey.id).execute()
    for user in mentors + mentees:  # the stored invitations are the record of who was asked
        Email.create(to_address=user.email, subject="Survey", text_body="...",
                     dedupe_key=surveys.invite_key(survey, user.id))
    for user, role in ((mentors[0], "mentor"), (mentees[0], "mentee")):
        SurveyResponse.create(survey=survey, user=user, role=role, answers={}, rating=4)

    found = gather(program)
    (mid_label, sent, rows), (end_label, end_sent, end_rows) = found.surveys
    assert sent is not None and end_sent is None and end_rows == []
    rates = {row["role"]: (row["asked"], row["answered"], row["rate"]) for row in rows}
    assert rates == {"mentor": (2, 1, 50), "mentee": (4, 1, 25)}


def test_attrition_who_left_when_why_and_by_role(program, people):
    mentors, mentees = people(2, 3)
    leaving = [(mentors[0], dt.datetime(2026, 4, 3), "workload"), (mentees[0], dt.datetime(2026, 4, 20), "workload"),
               (mentees[1], dt.datetime(2026, 5, 9), "leaving_company")]
    for user, when, why in leaving:
        Participant.update(status="exited", exited_at=when, exit_reason=why).where(Participant.user == user).execute()

    found = gather(program)
    assert found.left_by_role == {"mentor": 1, "mentee": 2} and (found.mentors, found.mentees) == (1, 1)
    assert found.left_by_reason == [("workload", 1, 1), ("leaving_company", 0, 1)]
    assert found.left_by_month == [("2026-04", 1, 1), ("2026-05", 0, 1)]
    assert [(p["name"], p["role"], p["exit_reason"]) for p in found.recent_leavers] == [
        (mentees[1].name, "mentee", "leaving_company"), (mentees[0].name, "mentee", "workload"),
        (mentors[0].name, "mentor", "workload")]
