"""Invitation waves: the default plan, each wave's audience, never twice, opt-out, and the editor's errors."""
from __future__ import annotations

import datetime as dt
import re

from portal.launch import audience, plan
from portal.models import Email, JobProgress, OrgPerson, Participant, Wave, WaveInvitation
from tests.conftest import make_account


def audience_of(wave: Wave) -> set[str]:
    return {person.email for person in audience.still_to_invite(wave)}


def set_segment(wave: Wave, by: str, *values: str) -> Wave:
    wave.segment = {"by": by, "values": list(values)}
    wave.save()
    return wave


def send(client, number: int):
    """Send a wave through the page, confirming; returns the redirect to the launch page."""
    asked = client.submit(f"/admin/launch/waves/{number}/send", page=f"/admin/launch/waves/{number}/preview")
    assert asked.status_code == 200 and "Send wave" in asked.get_data(as_text=True)
    done = client.submit(f"/admin/launch/waves/{number}/send", {"confirmed": "yes"},
                         page=f"/admin/launch/waves/{number}/preview")
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    return done


def test_the_default_plan_is_three_waves_dated_from_the_phases(db, program):
    program.mentor_registration_opens = dt.date(2027, 3, 1)
    program.mentee_registration_opens = dt.date(2027, 3, 3)
    program.save()
    waves = plan.waves(program)
    assert [(w.number, w.kind, w.status) for w in waves] == [(1, "mentors", "draft"), (2, "everyone", "draft"),
                                                              (3, "stragglers", "draft")]
    # Everyone a week after the mentors at the earliest, the stragglers a week later.
    assert [w.send_on for w in waves] == [dt.date(2027, 3, 1), dt.date(2027, 3, 8), dt.date(2027, 3, 15)]
    assert plan.waves(program) == waves  # asked again, nothing new is made


def test_wave_one_segments_by_department_title_words_and_list(db, program, organisation):
    wave = plan.wave(program, 1)
    assert audience_of(set_segment(wave, "department", "research")) == {
        "hana@example.org", "sam@example.org", "jo@example.org"}
    assert audience_of(set_segment(wave, "job_title", "sales lead", "Analyst")) == {"lee@example.org", "ned@example.org"}
    assert audience_of(set_segment(wave, "words", "head", "senior", "lead")) == {
        "hana@example.org", "sam@example.org", "lee@example.org"}
    assert audience_of(set_segment(wave, "emails", "MAX@example.org", "nobody@example.org")) == {"max@example.org"}
    assert audience_of(set_segment(wave, "department")) == set()  # no values: nobody, never everyone


def test_wave_two_is_everyone_not_registered_nor_opted_out(db, program, organisation):
    organisation["ned@example.org"].status = "opted_out"
    organisation["ned@example.org"].save()
    organisation["max@example.org"].status = "registered"
    organisation["max@example.org"].save()
    assert audience_of(plan.wave(program, 2)) == {
        "hana@example.org", "sam@example.org", "jo@example.org", "lee@example.org"}


def test_wave_three_is_invited_not_registered_and_registered_with_questionnaire_unfinished(db, program, organisation):
    first, third = plan.wave(program, 1), plan.wave(program, 3)
    for email in ("hana@example.org", "sam@example.org", "jo@example.org"):
        WaveInvitation.create(wave=first, person=organisation[email])
    # Sam registered and finished; Jo registered and did not; Lee registered without an invitation, unfinished.
    for email, finished in (("sam@example.org", True), ("jo@example.org", False), ("lee@example.org", False)):
        user = make_account(email, organisation[email].name, "a-long-password-1")
        Participant.create(program=program, user=user, role="mentee",
                           questionnaire_completed_at=dt.datetime(2026, 1, 1) if finished else None)
        OrgPerson.update(user=user, status="registered").where(OrgPerson.email == email).execute()
    assert audience_of(third) == {"hana@example.org", "jo@example.org", "lee@example.org"}


def test_a_wave_reaches_each_person_once_and_never_again(admin_client, db, program, organisation):
    set_segment(plan.wave(program, 1), "department", "Research")
    response = send(admin_client, 1)
    job = JobProgress.get(JobProgress.kind == "wave:1")
    assert response.location.endswith(f"/admin/launch?job={job.id}")
    assert (job.state, job.done, job.total, job.result) == ("done", 3, 3, {"wave": 1, "invited": 3})
    assert {e.to_address for e in Email.select().where(Email.category == "invitation")} == {
        "hana@example.org", "sam@example.org", "jo@example.org"}
    assert Wave.get(Wave.number == 1).status == "sent"
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "Sending invitations:</strong>\n    done." in page

    # Sending again: nobody left, nothing sent; a newcomer to the segment alone gets it.
    again = admin_client.submit("/admin/launch/waves/1/send", {"confirmed": "yes"}, page="/admin/launch/waves/1/preview")
    assert again.status_code == 302 and Email.select().count() == 3
    OrgPerson.create(email="nia@example.org", name="Nia Newcomer", department="Research")
    send(admin_client, 1)
    assert Email.select().count() == 4
    assert WaveInvitation.select().count() == 4
    # The database itself refuses a second invitation of the same wave to the same person.
    from peewee import IntegrityError
    import pytest
    with pytest.raises(IntegrityError):
        with db.atomic():
            WaveInvitation.create(wave=plan.wave(program, 1), person=organisation["hana@example.org"])


def test_the_invitation_carries_sender_reply_to_and_links(admin_client, app, db, program, organisation):
    wave = set_segment(plan.wave(program, 1), "emails", "hana@example.org")
    wave.sender_name, wave.reply_to = "Grace Chief", "team@example.org"
    wave.save()
    send(admin_client, 1)
    email = Email.get()
    assert email.subject == f"Would you mentor someone this year? {program.name} is starting"
    assert email.text_body.startswith("Dear Hana,")
    assert "With thanks,\nGrace Chief" in email.text_body
    assert re.search(r"http://localhost/register\?token=\S+", email.text_body)
    assert re.search(r"http://localhost/unsubscribe/\S+", email.text_body)
    from portal.mail import delivery
    with app.app_context():
        message = delivery.build_message(email, "Mentoring <portal@example.org>")
    assert message["From"] == "Grace Chief <portal@example.org>"
    assert message["Reply-To"] == "team@example.org"


def test_preview_counts_and_shows_the_email_before_sending(admin_client, db, program, organisation):
    set_segment(plan.wave(program, 1), "words", "head", "lead")
    page = admin_client.get("/admin/launch/waves/1/preview").get_data(as_text=True)
    assert "2 people would get this wave now." in page
    assert "Dear Hana," in page
    assert "/register?token=…" in page  # the link's secret is not shown
    assert "Lee Lead" in page and "Jo Junior" not in page
    assert Email.select().count() == 0


def test_the_editor_saves_and_shows_errors_keeping_what_was_typed(admin_client, db, program, organisation):
    form = {"send_on": "2027-04-01", "subject": "Mentor with us, {first_name}", "body": "Hello {name} {oops}",
            "sender_name": "Grace Chief", "reply_to": "not-an-address", "segment_by": "department",
            "segment_values": ""}
    bad = admin_client.submit("/admin/launch/waves/1", form)
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Unknown placeholder: {oops}" in page
    assert "Put {link} in the text" in page
    assert "Enter a valid email address." in page
    assert "Name at least one value" in page
    assert "Mentor with us, {first_name}" in page  # what was typed stays
    attack = admin_client.submit("/admin/launch/waves/1", {**form, "body": "{link} {name.__class__} {name:>999999}",
                                                           "sender_name": "Grace\r\nBcc: everyone@example.org"})
    assert attack.status_code == 400 and "{name.__class__}" in attack.get_data(as_text=True)
    assert "Keep this on one line." in attack.get_data(as_text=True)
    good = admin_client.submit("/admin/launch/waves/1", {**form, "body": "Hello {first_name}: {link}",
                                                         "reply_to": "team@example.org",
                                                         "segment_values": "Sales, finance\nSales"})
    assert good.status_code == 302 and good.location.endswith("/admin/launch/waves/1/preview")
    wave = Wave.get(Wave.number == 1)
    assert wave.segment == {"by": "department", "values": ["Sales", "finance"]}
    assert (wave.send_on, wave.reply_to, wave.sender_name) == (dt.date(2027, 4, 1), "team@example.org", "Grace Chief")
    assert audience_of(wave) == {"lee@example.org", "max@example.org", "ned@example.org"}


def test_a_scheduled_wave_goes_out_by_itself_on_its_day(admin_client, db, program, organisation):
    from portal.launch import tasks
    wave = plan.wave(program, 2)
    wave.send_on = dt.date.today() + dt.timedelta(days=3)
    wave.save()
    assert admin_client.submit("/admin/launch/waves/2/schedule", page="/admin/launch").status_code == 302
    assert Wave.get_by_id(wave.id).status == "scheduled"
    tasks.send_scheduled_waves.call_local()
    assert Email.select().count() == 0  # not yet its day
    Wave.update(send_on=dt.date.today() - dt.timedelta(days=1)).where(Wave.id == wave.id).execute()
    tasks.send_scheduled_waves.call_local()
    assert Email.select().count() == 6
    assert Wave.get_by_id(wave.id).status == "sent"
    tasks.send_scheduled_waves.call_local()
    assert Email.select().count() == 6


def test_sending_goes_in_batches_not_a_statement_per_person(app, db, program, organisation, monkeypatch):
    from portal.launch import sending
    from tests.statements import statements, within_bound

    monkeypatch.setattr(sending, "BATCH", 40)
    OrgPerson.insert_many([{"email": f"p{n}@example.org", "name": f"P {n}", "department": "Ops"}
                           for n in range(194)]).execute()
    reports = []
    with app.test_request_context(), statements() as made:
        count = sending.send(plan.wave(program, 2), None, lambda done, total, text: reports.append((done, total)))
    assert count == 200 == Email.select().count() == WaveInvitation.select().count()
    assert reports[0] == (0, 200) and reports[-1] == (200, 200) and len(reports) == 6
    # Per batch of 40: read the people, the keys taken, insert the emails, read their ids, insert the invitations,
    # and the transaction's own statements; a statement per person would be hundreds. (Tests run jobs in line, so
    # each email's delivery job shows here too: the worker does that part, one email at a time, in production.)
    delivering = ('SELECT EXISTS(SELECT 1 FROM "email"', 'UPDATE "email" SET "status"')
    sending_made = [sql for sql in made if not sql.startswith(delivering)]
    assert len(made) - len(sending_made) == 2 * 200
    assert len(sending_made) <= 60, within_bound(sending_made, 60)
