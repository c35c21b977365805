"""The funnel on known data: each stage per wave, by role and by department, participation, balance and touches."""
from __future__ import annotations

import datetime as dt
import uuid

from portal.launch import funnel, plan
from portal.models import Email, Match, Meeting, OrgPerson, Participant, WaveInvitation, utcnow
from tests.conftest import make_account
from tests.statements import statements, within_bound


def join(program, person: OrgPerson, role: str, finished: bool = True) -> Participant:
    user = make_account(person.email, person.name, "a-long-password-1")
    OrgPerson.update(user=user, status="registered").where(OrgPerson.id == person.id).execute()
    return Participant.create(program=program, user=user, role=role,
                              questionnaire_completed_at=utcnow() if finished else None)


def test_the_funnel_counts_each_stage_per_wave_role_and_department(db, program, organisation):
    program.organisation_size = 40
    program.save()
    first, second = plan.wave(program, 1), plan.wave(program, 2)
    for email in ("hana@example.org", "sam@example.org", "lee@example.org"):
        WaveInvitation.create(wave=first, person=organisation[email])
    for email in organisation:
        WaveInvitation.create(wave=second, person=organisation[email])
    hana = join(program, organisation["hana@example.org"], "mentor")
    sam = join(program, organisation["sam@example.org"], "mentor", finished=False)
    jo = join(program, organisation["jo@example.org"], "mentee")
    max_ = join(program, organisation["max@example.org"], "mentee")
    ned = join(program, organisation["ned@example.org"], "mentee")
    held = Match.create(program=program, mentor=hana.user, mentee=jo.user)
    Match.create(program=program, mentor=hana.user, mentee=max_.user)
    start = utcnow() - dt.timedelta(days=2)
    Meeting.create(match=held, organizer=hana.user, number=1, agenda="first", starts_at=start,
                   ends_at=start + dt.timedelta(hours=1), uid=str(uuid.uuid4()))
    for _ in range(7):
        Email.create(to_address="hana@example.org", subject="s", text_body="t")
    Email.create(to_address="jo@example.org", subject="s", text_body="t")
    Email.create(to_address="jo@example.org", subject="s", text_body="t", status="failed")
    Email.create(to_address="outsider@example.org", subject="s", text_body="t")

    result = funnel.funnel(program)
    counts = lambda row: (row.invited, row.registered, row.finished, row.paired, row.held)  # noqa: E731
    assert counts(result.total) == (6, 5, 4, 3, 2)
    assert [row.label for row in result.waves] == ["Wave 1: mentors", "Wave 2: everyone", "Wave 3: stragglers"]
    assert [counts(row) for row in result.waves] == [(3, 2, 1, 1, 1), (6, 5, 4, 3, 2), (0, 0, 0, 0, 0)]
    assert {row.label: counts(row) for row in result.roles} == {
        "As mentor": (2, 2, 1, 1, 1), "As mentee": (3, 3, 3, 2, 1), "Not registered": (1, 0, 0, 0, 0)}
    assert {row.label: counts(row) for row in result.departments} == {
        "Research": (3, 3, 2, 2, 2), "Sales": (2, 1, 1, 1, 0), "Finance": (1, 1, 1, 0, 0)}
    assert [row.label for row in result.departments] == ["Research", "Sales", "Finance"]
    assert result.total.share("registered") == 83
    # Five people of 40 take part: 12.5%, inside the aim; 2 mentors for 3 mentees want 2 more (5:4 means 4 for 3).
    assert (result.taking_part, result.participation, result.participation_note) == (5, 12.5, "Within the 10–15% aim.")
    assert (result.mentors, result.mentees, result.mentors_short) == (2, 3, 2)
    # Eight emails (failed ones and outsiders' not counted) to six invited people; Hana has had seven.
    assert (result.emails, result.reached_seven) == (8, 1)
    assert round(result.touches, 2) == 1.33
    del sam, ned


def test_the_launch_page_shows_the_funnel_and_warns_while_mentors_are_short(admin_client, db, program, organisation):
    WaveInvitation.create(wave=plan.wave(program, 2), person=organisation["jo@example.org"])
    join(program, organisation["jo@example.org"], "mentee")
    page = admin_client.get("/admin/launch").get_data(as_text=True)
    assert "Mentors are short: recruit 2 more mentors or ask mentors to take a second mentee." in page
    assert "Wave 2: everyone" in page
    assert "Research" in page


def test_the_funnel_is_a_handful_of_statements_whatever_the_number_of_people(db, program, organisation):
    wave = plan.wave(program, 2)
    for number in range(60):
        person = OrgPerson.create(email=f"p{number}@example.org", name=f"P {number}", department=f"D{number % 7}")
        WaveInvitation.create(wave=wave, person=person)
        if number % 3 == 0:
            join(program, person, "mentee")
    with statements() as made:
        result = funnel.funnel(program)
    assert result.total.invited == 60 and result.total.registered == 20
    assert len(made) <= 9, within_bound(made, 9)


def test_the_dashboard_shows_the_launch(admin_client, db, program, organisation):
    WaveInvitation.create(wave=plan.wave(program, 2), person=organisation["jo@example.org"])
    WaveInvitation.create(wave=plan.wave(program, 2), person=organisation["ned@example.org"])
    join(program, organisation["jo@example.org"], "mentee")
    page = admin_client.get("/admin/dashboard").get_data(as_text=True)
    assert "2 invited → 1 registered → 1 finished the questionnaire → 0 paired → 0 held a first session." in page
    assert "recruit 2 more mentors or ask mentors to take a second mentee" in page
