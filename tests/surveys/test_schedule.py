"""When surveys go out: on the phase date, to everyone in a match, once, with one reminder; never when switched off."""
from __future__ import annotations

import datetime as dt

import time_machine

from portal.models import Email, Participant, Survey, utcnow
from tests.surveys.conftest import ENDS, MIDPOINT, at


def survey_emails(smtp_sink, user) -> list:
    return [m for m in smtp_sink.to(user.email) if "survey" in m["Subject"]]


def test_nothing_goes_out_before_the_midpoint(people, run_job, smtp_sink):
    run_job(at(MIDPOINT - dt.timedelta(days=1), 23))

    assert smtp_sink.messages == []
    assert not Survey.select().where(Survey.sent_at.is_null(False)).exists()


def test_sent_on_the_midpoint_to_everyone_in_a_match_and_only_once(people, run_job, smtp_sink):
    run_job(at(MIDPOINT, 0))

    assert sorted(address for m in smtp_sink.messages for address in m["to"]) == ["leo@example.org", "mia@example.org"]
    [to_leo] = survey_emails(smtp_sink, people["leo"])
    assert to_leo["Subject"] == "Leo, how is your mentoring going? (mid-point survey)"
    survey = Survey.get(Survey.kind == "midpoint")
    assert survey.sent_at == dt.datetime(2027, 3, 1, 0, 0)
    assert [q["key"] for q in survey.questions] == ["relationship", "goals", "expectations", "improve", "overall"]
    assert Email.get(Email.to_address == "leo@example.org").category == "surveys"

    run_job(at(MIDPOINT, 1))
    run_job(at(MIDPOINT + dt.timedelta(days=1)))

    assert len(smtp_sink.messages) == 2
    assert Email.select().count() == 2


def test_unpaired_and_exited_people_get_nothing(people, run_job, smtp_sink):
    run_job(at(MIDPOINT))

    assert survey_emails(smtp_sink, people["una"]) == []
    assert survey_emails(smtp_sink, people["eli"]) == []


def test_one_reminder_after_the_set_days_only_to_those_who_have_not_answered(
        people, run_job, smtp_sink, client, survey_link):
    run_job(at(MIDPOINT, 8))
    with time_machine.travel(at(MIDPOINT + dt.timedelta(days=1)), tick=True):
        answered = client.submit(survey_link(people["leo"]),
                                 {"answer_overall": "4", "answer_relationship": "Going well."})
    assert answered.status_code == 302

    run_job(at(MIDPOINT + dt.timedelta(days=4), 23))
    assert len(smtp_sink.messages) == 2  # four days and a bit: not yet

    run_job(at(MIDPOINT + dt.timedelta(days=5), 8))
    [reminder] = [m for m in smtp_sink.messages if m["message"]["Subject"].startswith("A reminder")]
    assert reminder["to"] == ["mia@example.org"]
    assert reminder["message"]["Subject"] == "A reminder: the mid-point survey closes soon"
    assert Survey.get(Survey.kind == "midpoint").reminded_at == dt.datetime(2027, 3, 6, 8, 0)

    run_job(at(MIDPOINT + dt.timedelta(days=6)))
    run_job(at(MIDPOINT + dt.timedelta(days=20)))
    assert len(smtp_sink.messages) == 3


def test_reminder_day_follows_the_setting_and_skips_people_who_left(people, run_job, smtp_sink, set_setting):
    set_setting("survey_reminder_days", 2)
    run_job(at(MIDPOINT))
    Participant.update(status="exited", exited_at=utcnow()).where(Participant.user == people["leo"]).execute()

    run_job(at(MIDPOINT + dt.timedelta(days=2)))

    reminders = [m for m in smtp_sink.messages if m["message"]["Subject"].startswith("A reminder")]
    assert [m["to"] for m in reminders] == [["mia@example.org"]]


def test_switched_off_survey_sends_nothing_while_the_other_still_goes(people, run_job, smtp_sink, set_setting):
    set_setting("survey_midpoint_enabled", False)

    run_job(at(MIDPOINT))
    run_job(at(MIDPOINT + dt.timedelta(days=10)))
    assert smtp_sink.messages == []

    run_job(at(ENDS))
    subjects = sorted(m["message"]["Subject"] for m in smtp_sink.messages)
    assert subjects == ["Leo, how did your mentoring go? (end-of-programme survey)",
                        "Mia, how did your mentoring go? (end-of-programme survey)"]


def test_switching_off_after_sending_also_stops_the_reminder(people, run_job, smtp_sink, set_setting):
    run_job(at(MIDPOINT))
    set_setting("survey_midpoint_enabled", False)

    run_job(at(MIDPOINT + dt.timedelta(days=6)))

    assert len(smtp_sink.messages) == 2


def test_a_missed_midpoint_is_not_sent_once_the_programme_has_ended(people, run_job, smtp_sink):
    """The worker was down over the mid-point: at the end only the end survey goes, not a stale mid-point one."""
    run_job(at(ENDS))

    assert {m["message"]["Subject"].split("? ")[1] for m in smtp_sink.messages} == {"(end-of-programme survey)"}
    assert not Survey.select().where(Survey.kind == "midpoint", Survey.sent_at.is_null(False)).exists()


def test_end_survey_is_not_sent_long_after_the_end(people, run_job, smtp_sink):
    run_job(at(ENDS + dt.timedelta(days=31)))

    assert smtp_sink.messages == []


def test_a_late_worker_still_sends_within_the_window(people, run_job, smtp_sink):
    run_job(at(MIDPOINT + dt.timedelta(days=3)))

    assert len(smtp_sink.messages) == 2
