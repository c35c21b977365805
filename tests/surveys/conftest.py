"""Survey fixtures: a programme with known mid-point and end dates, a matched pair and two people who get nothing,
mail delivered over SMTP to a sink, and the hourly job run at a chosen moment."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from portal.models import Match, Participant, utcnow
from tests.conftest import link_in, text_of
from tests.pairing.conftest import browser, set_setting, within  # noqa: F401  (fixtures shared with pairing tests)

MIDPOINT = dt.date(2027, 3, 1)
ENDS = dt.date(2027, 6, 1)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), dt.UTC)


@pytest.fixture
def app(smtp_app):
    """Every survey test delivers its mail over real SMTP to the sink."""
    return smtp_app


@pytest.fixture
def dated(program):
    program.midpoint, program.ends = MIDPOINT, ENDS
    program.save()
    return program


@pytest.fixture
def people(create_user, dated):
    """Mia mentors Leo (both get surveys); Una is still unpaired and Eli left the programme (neither does)."""
    mia = create_user("mia@example.org", roles=("mentor",), name="Mia Mentor")
    leo = create_user("leo@example.org", roles=("mentee",), name="Leo Mentee")
    una = create_user("una@example.org", roles=("mentee",), name="Una Unpaired")
    eli = create_user("eli@example.org", roles=("mentee",), name="Eli Exited")
    match = Match.create(program=dated, mentor=mia, mentee=leo, made_by="admin")
    # Eli was paired with Mia too, then left: the match stays on record but Eli's participation has ended.
    Match.create(program=dated, mentor=mia, mentee=eli, made_by="admin")
    Participant.update(status="paired").where(Participant.user.in_([mia, leo, eli])).execute()
    Participant.update(status="exited", exited_at=utcnow()).where(Participant.user == eli).execute()
    return {"mia": mia, "leo": leo, "una": una, "eli": eli, "match": match}


@pytest.fixture
def run_job(app):
    """run_job(moment): the hourly survey task, as the worker runs it, with the clock at `moment`."""
    from portal.surveys.tasks import send_surveys

    def run(moment: dt.datetime) -> None:
        with time_machine.travel(moment, tick=False), app.app_context():
            send_surveys.call_local()

    return run


@pytest.fixture
def survey_link(smtp_sink):
    """survey_link(user): the path of the survey link in the latest survey email the sink received for them."""

    def find(user) -> str:
        messages = [m for m in smtp_sink.to(user.email) if "survey" in m["Subject"]]
        assert messages, f"no survey email to {user.email}"
        return link_in(text_of(messages[-1]), "/surveys/answer/").replace("http://localhost", "")

    return find
