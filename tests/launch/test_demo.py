"""The demo shows a launched programme: the organisation imported, two waves sent, one scheduled, a funnel."""
from __future__ import annotations

from portal.demo.generator import generate
from portal.launch import funnel
from portal.models import Email, OrgPerson, Participant, Program, Wave


def test_the_demo_launch_has_waves_sent_and_a_funnel(app, db, program):
    with app.app_context():
        generate(program, mentors=12, mentees=10, seed=3)
    taking_part = Participant.taking_part(program).select(Participant.user).distinct().count()
    assert OrgPerson.select().count() == taking_part * 8
    assert [(w.number, w.status) for w in Wave.select().order_by(Wave.number)] == [
        (1, "sent"), (2, "sent"), (3, "scheduled")]
    result = funnel.funnel(Program.get_by_id(program.id))
    assert result.total.invited == OrgPerson.select().count() == Email.select().where(
        Email.category == "invitation").count() - result.waves[0].invited
    assert result.total.registered == taking_part
    assert result.waves[0].invited > 0 and result.taking_part == taking_part
    assert 10 <= result.participation <= 15
