"""Command-line tasks: demo data, admin creation."""
from __future__ import annotations

import datetime as dt

from portal.db import database
from portal.models import (
    Answer,
    Feedback,
    FollowUp,
    Match,
    Meeting,
    Participant,
    Program,
    Survey,
    SurveyResponse,
    User,
    utcnow,
)
from portal.programme import operations as programme
from portal.questionnaire import operations as questionnaire


def _count(app, query):
    with app.app_context(), database.connection_context():
        return query.count()


def test_demo_data_loads_people_and_the_three_logins(app, runner):
    result = runner.invoke(args=["demo-data", "--mentors", "12", "--mentees", "10", "--seed", "3"])
    assert result.exit_code == 0, result.output
    for email in ("admin@example.org", "mentor@example.org", "mentee@example.org"):
        assert email in result.output
    with app.app_context(), database.connection_context():
        program = Program.current()
        mentors = Participant.select().where(Participant.role == "mentor").count()
        mentees = Participant.select().where(Participant.role == "mentee").count()
        assert mentors >= 12 and mentees >= 10
        assert User.get(User.email == "admin@example.org").is_admin
        # The demo is part-way through, with registration and pairing open again for a second wave.
        assert programme.current_phase(program) == "midpoint"
        assert programme.is_open(program, "pairing") and programme.registration_open_for(program, "mentee")
        mentor = User.get(User.email == "mentor@example.org")
        assert questionnaire.progress(program, mentor)["complete"]
        assert Answer.select().where(Answer.user == mentor).count() >= 8


def test_demo_data_tells_a_programme_part_way_through(app, runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    with app.app_context(), database.connection_context():
        program = Program.current()
        now = utcnow()
        pairs = list(Match.select().where(Match.program == program))
        held = Meeting.past(now).join(Match).where(Match.program == program)
        met = {m.match_id for m in held}
        active = [m for m in pairs if m.ended_at is None]
        # Pairs that met, pairs matched long ago that never booked, a pair ended by someone leaving.
        assert met and any(m.id not in met and m.started_at < now - dt.timedelta(days=30) for m in active)
        assert any(m.ended_at for m in pairs)
        # The demo mentor has pairs with a history; the demo mentee is still unpaired, to browse the directory.
        priya, lucas = User.get(User.email == "mentor@example.org"), User.get(User.email == "mentee@example.org")
        assert Meeting.past(now).join(Match).where(Match.mentor == priya).exists()
        assert not Match.select().where(Match.mentee == lucas).exists()
        assert Feedback.select().where(Feedback.rating <= 2).exists()
        assert Survey.get(Survey.program == program, Survey.kind == "midpoint").sent_at
        assert SurveyResponse.select().count() > 0
        assert Participant.exited(program).count() >= 2
        # Every kind of red flag the story raises is there, each once for its event.
        kinds = {f.reason for f in FollowUp.select(FollowUp.reason).where(FollowUp.program == program)}
        assert {"exit", "low_rating", "no_first_session", "quiet", "unpaired", "calendar_sync"} <= kinds
        assert FollowUp.select().where(FollowUp.resolved_at.is_null(False)).count() == 2
        # Nobody met before they joined.
        for match in pairs:
            joined = Participant.get(Participant.user == match.mentee_id, Participant.role == "mentee").joined_at
            assert joined < match.started_at


def test_loading_more_demo_people_keeps_the_story(app, runner):
    runner.invoke(args=["demo-data", "--mentors", "10", "--mentees", "10"])
    with app.app_context(), database.connection_context():
        pairs = Match.select().count()
    result = runner.invoke(args=["demo-data", "--mentors", "4", "--mentees", "4"])
    assert result.exit_code == 0, result.output
    assert "already had pairs" in result.output
    with app.app_context(), database.connection_context():
        program = Program.current()
        assert Match.select().count() == pairs > 0
        assert programme.current_phase(program) == "midpoint"
        assert Participant.select().where(Participant.role == "mentee").count() >= 14


def test_demo_logins_work_with_the_chosen_password(app, runner, client):
    runner.invoke(args=["demo-data", "--mentors", "2", "--mentees", "2", "--password", "another-demo-pass"])
    client.login("mentee@example.org", "another-demo-pass")
    html = client.get("/profile", follow_redirects=True).get_data(as_text=True)
    assert "mentee@example.org" in html and "As a mentee" in html


def test_demo_data_is_deterministic_for_a_seed(make_app, tmp_path):
    names = []
    for run in range(2):
        app = make_app(database={"url": f"sqlite:///{tmp_path / f'seed{run}.db'}"})
        app.test_cli_runner().invoke(args=["demo-data", "--mentors", "5", "--mentees", "5", "--seed", "11"])
        with app.app_context(), database.connection_context():
            names.append([u.name for u in User.select().order_by(User.id)])
    assert names[0] == names[1]


def test_if_empty_leaves_existing_demo_alone(app, runner):
    runner.invoke(args=["demo-data", "--mentors", "3", "--mentees", "3"])
    before = _count(app, User.select())
    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0 and "already loaded" in result.output
    assert _count(app, User.select()) == before


def test_create_admin_creates_and_promotes(app, runner, client):
    result = runner.invoke(args=["create-admin", "Boss@Example.org", "--password", "a strong password"])
    assert result.exit_code == 0, result.output
    client.login("boss@example.org", "a strong password")
    assert client.get("/admin/settings").status_code == 200

    runner.invoke(args=["demo-data", "--mentors", "1", "--mentees", "1"])
    result = runner.invoke(args=["create-admin", "mentor@example.org"])
    assert "is now an admin" in result.output
    with app.app_context(), database.connection_context():
        assert User.get(User.email == "mentor@example.org").is_admin


def test_create_admin_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["create-admin", "x@example.org", "--password", "short"])
    assert result.exit_code != 0 and "at least" in result.output
    assert _count(app, User.select().where(User.email == "x@example.org")) == 0
