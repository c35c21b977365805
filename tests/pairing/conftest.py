"""Pairing fixtures: mentees and mentors with finished questionnaires, the pairing window open, operations run in
an app context, and another browser per person."""
from __future__ import annotations

import contextlib
import re

import pytest

from portal import counters, settings
from portal.models import Email, Participant, Program, utcnow
from tests.conftest import PortalClient


@pytest.fixture(autouse=True)
def _fresh_directory_cache():
    """The directory cache is per process and keyed by programme id and counter value; every test database starts
    again at programme 1 and counter 0, so a directory built for an earlier test would otherwise be served."""
    from portal.pairing import directory

    directory.forget()
    yield
    directory.forget()


@pytest.fixture
def pairing_open(program) -> Program:
    """The pairing window open whatever the calendar says."""
    program.phase_overrides = {"pairing": True}
    program.save()
    return program


@pytest.fixture
def within(app):
    """`with within():` runs operations as a page handler does: inside a request (emails link back to the portal)."""
    return app.test_request_context


@pytest.fixture
def as_job(app):
    """`with as_job():` runs operations as the background worker does: in portal.queue.job_context, not in a page."""
    from portal.queue import job_context

    @contextlib.contextmanager
    def run():
        with app.app_context(), job_context():
            yield

    return run


def _complete(user, program, role: str, capacity: int | None = None) -> None:
    values = {Participant.questionnaire_completed_at: utcnow(), Participant.status: "ready"}
    if capacity is not None:
        values[Participant.capacity] = capacity
    Participant.update(values).where(
        Participant.program == program, Participant.user == user, Participant.role == role
    ).execute()
    # As saving answers does: the directory shows the new profile.
    counters.bump(counters.directory_key(program))


@pytest.fixture
def make_mentee(create_user, program):
    """make_mentee(email, name=None, complete=True) -> User: a mentee, questionnaire finished unless told."""

    def make(email: str, name: str | None = None, *, complete: bool = True):
        user = create_user(email, roles=("mentee",), name=name)
        if complete:
            _complete(user, program, "mentee")
        return user

    return make


@pytest.fixture
def make_mentor(create_user, program):
    """make_mentor(email, name=None, capacity=1) -> User: a mentor with a finished questionnaire."""

    def make(email: str, name: str | None = None, *, capacity: int = 1, complete: bool = True):
        user = create_user(email, roles=("mentor",), name=name)
        if complete:
            _complete(user, program, "mentor", capacity)
        else:
            Participant.update(capacity=capacity).where(
                Participant.program == program, Participant.user == user, Participant.role == "mentor"
            ).execute()
        return user

    return make


@pytest.fixture
def mia(make_mentee):
    """Mia Chen, a mentee with a finished questionnaire."""
    return make_mentee("mia@example.org", "Mia Chen")


@pytest.fixture
def olu(make_mentor):
    """Olu Okafor, a mentor with room for one."""
    return make_mentor("olu@example.org", "Olu Okafor")


@pytest.fixture
def priya(make_mentor):
    """Priya Shah, a mentor with room for two."""
    return make_mentor("priya@example.org", "Priya Shah", capacity=2)


@pytest.fixture
def browser(app):
    """browser(email) -> a new logged-in client with its own cookies."""

    def open_as(email: str | None = None) -> PortalClient:
        client = PortalClient(app.test_client())
        if email:
            client.login(email)
        return client

    return open_as


@pytest.fixture
def set_setting(program, admin, within):
    def change(key: str, value) -> None:
        with within():
            settings.set(program, key, value, admin)

    return change


def emails_to(user, subject: str | None = None) -> list[Email]:
    query = Email.select().where(Email.to_address == user.email)
    if subject is not None:
        query = query.where(Email.subject == subject)
    return list(query.order_by(Email.id))


def page_text(response) -> str:
    """The visible text of a page, whitespace collapsed."""
    import html

    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


@contextlib.contextmanager
def no_new_emails_to(user):
    before = len(emails_to(user))
    yield
    assert len(emails_to(user)) == before
