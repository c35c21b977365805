"""Registration and password reset do not tell who has an account: same answer, same work, same time."""
from __future__ import annotations

import datetime as dt
import re
import statistics
import time

import pytest
import time_machine

from portal.db import database
from portal.models import Email, ResetRequest
from portal.queue import queue
from tests.conftest import PortalClient

TOKENS = re.compile(r'(name="csrf[-_]token"[^>]*(?:value|content)="|"X-CSRFToken": ")[^"]+')


def later(**delta) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(**delta)


def page_of(response, address: str) -> tuple[int, str]:
    """The status and the page with the address typed and the per-session tokens blanked out."""
    return response.status_code, TOKENS.sub(r"\1", response.get_data(as_text=True)).replace(address, "ADDRESS")


def registration(email: str) -> dict:
    return {"name": "Jamie Rivera", "email": email, "password": "a long enough password",
            "confirm": "a long enough password", "role": "mentee", "timezone": "UTC"}


@pytest.fixture
def registration_open(program):
    program.phase_overrides = {"mentor_registration": True, "mentee_registration": True}
    program.save()


def test_registering_a_taken_address_answers_exactly_as_a_new_one(app, create_user, registration_open):
    create_user("taken@example.org")

    new = PortalClient(app.test_client()).submit("/register", registration("fresh@example.org"))
    taken = PortalClient(app.test_client()).submit("/register", registration("taken@example.org"))

    assert page_of(new, "fresh@example.org") == page_of(taken, "taken@example.org")
    assert page_of(new, "fresh@example.org")[0] == 200
    # Each owner hears about it by email, and only there.
    assert Email.get(Email.to_address == "fresh@example.org").subject == "Confirm your email address"
    assert Email.get(Email.to_address == "taken@example.org").subject == "You already have an account"


def test_reset_for_a_known_and_an_unknown_address_answers_the_same(app, create_user):
    create_user("known@example.org")

    known = PortalClient(app.test_client()).submit("/password/forgot", {"email": "known@example.org"})
    unknown = PortalClient(app.test_client()).submit("/password/forgot", {"email": "unknown@example.org"})

    assert page_of(known, "known@example.org") == page_of(unknown, "unknown@example.org")
    assert [e.to_address for e in Email.select()] == ["known@example.org"]


@pytest.fixture
def queued_app(app, make_app, tmp_path):
    """Jobs go to a queue file and wait for a worker, as in production, so a request does only its own work.

    Built after `app` (which the user fixtures use), since the last app built configures the shared queue.
    """
    app = make_app(jobs={"immediate": False, "backend": "sqlite", "sqlite_path": str(tmp_path / "jobs.db")})
    yield app
    queue.flush()


def statements(monkeypatch, run) -> list[str]:
    """The SQL statements (without their values) that `run()` sends to the database."""
    seen = []
    real = database.obj.execute_sql

    def record(sql, params=None, *args, **kwargs):
        seen.append(sql)
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", record)
    try:
        run()
    finally:
        monkeypatch.undo()
    return seen


def test_reset_request_does_the_same_work_for_a_known_and_an_unknown_address(queued_app, create_user, monkeypatch):
    create_user("known@example.org")
    client = PortalClient(queued_app.test_client())
    forms = {address: {"csrf_token": client.token("/password/forgot"), "email": address}
             for address in ("known@example.org", "unknown@example.org")}
    pending = queue.pending_count()

    known = statements(monkeypatch, lambda: client.post("/password/forgot", data=forms["known@example.org"]))
    unknown = statements(monkeypatch, lambda: client.post("/password/forgot", data=forms["unknown@example.org"]))

    assert known == unknown
    assert queue.pending_count() == pending + 2
    assert Email.select().count() == 0
    # The worker does the rest: only the known address gets an email.
    while (task := queue.dequeue()) is not None:
        queue.execute(task)
    assert [e.to_address for e in Email.select()] == ["known@example.org"]


def test_reset_request_takes_the_same_time_for_a_known_and_an_unknown_address(queued_app, create_user):
    create_user("known@example.org")
    client = PortalClient(queued_app.test_client())
    token = client.token("/password/forgot")
    times = {"known@example.org": [], "unknown@example.org": []}
    # Many addresses are allowed here: this measures the request, not the rate limit.
    queued_app.config["PORTAL"]["security"].update(reset_max_per_address=100, reset_max_per_network=100)
    for _ in range(15):
        # Interleaved, so a burst of load on the machine falls on both alike.
        for address, taken in times.items():
            started = time.perf_counter()
            response = client.post("/password/forgot", data={"csrf_token": token, "email": address})
            taken.append(time.perf_counter() - started)
            assert response.status_code == 200

    known, unknown = (statistics.median(t) for t in times.values())
    assert abs(known - unknown) < 0.030, f"medians: known {known * 1000:.1f} ms, unknown {unknown * 1000:.1f} ms"


LIMITS = {"reset_max_per_address": 2, "reset_max_per_network": 4, "reset_window_minutes": 60}


@pytest.fixture
def limited(make_app):
    return make_app(security=LIMITS)


def ask(app, address: str, ip: str = "192.0.2.1"):
    response = PortalClient(app.test_client()).submit("/password/forgot", {"email": address},
                                                      environ_base={"REMOTE_ADDR": ip})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)


def sent_to(address: str) -> int:
    return Email.select().where(Email.to_address == address).count()


def test_reset_emails_are_limited_per_address(limited, create_user):
    create_user("mia@example.org")
    for n in range(3):
        ask(limited, "mia@example.org", ip=f"198.51.100.{n}")

    assert sent_to("mia@example.org") == 2
    with time_machine.travel(later(minutes=61)):
        ask(limited, "mia@example.org")
    assert sent_to("mia@example.org") == 3


def test_reset_emails_are_limited_per_network_address(limited, create_user):
    create_user("mia@example.org")
    create_user("noor@example.org")
    for n in range(4):
        ask(limited, f"someone{n}@example.org", ip="203.0.113.9")

    ask(limited, "mia@example.org", ip="203.0.113.9")
    ask(limited, "noor@example.org", ip="198.51.100.7")

    assert sent_to("mia@example.org") == 0
    assert sent_to("noor@example.org") == 1


def test_old_reset_requests_are_cleared_away(limited, create_user):
    ask(limited, "someone@example.org")
    with time_machine.travel(later(minutes=61)):
        ask(limited, "another@example.org")

    assert [r.email for r in ResetRequest.select()] == ["another@example.org"]
