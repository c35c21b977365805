"""Figures counted by a job ahead of the page: with a real queue, a view after a change shows the figures counted
before it, marked stale, and asks for one count however many views come; the job's count reaches every worker, and
the page polling for it reloads; the periodic job counts again as the five-minute bucket turns."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from lxml import html
from redis.exceptions import ConnectionError as RedisDown

import portal
from portal import kept, worker
from portal.db import database
from portal.kept import tasks
from portal.models import KeptFigures, Program
from portal.queue import queue
from tests.dashboard.conftest import requested, session

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def app(queued_app):
    return queued_app


def counts_waiting() -> list:
    return [task for task in queue.pending() if isinstance(task, tasks.refresh.task_class)]


def run_counts() -> int:
    """Run the queued counts of figures as the job worker would; how many ran."""
    waiting = counts_waiting()
    for task in waiting:
        queue.execute(task)
    queue.flush()
    return len(waiting)


def viewed(client, url: str = "/admin/dashboard"):
    response, sql = requested(client, url)
    return html.fromstring(response.get_data(as_text=True)), sql


def figure(tree, key: str) -> str:
    return tree.xpath(f'//article[@id="figure-{key}"]/h3')[0].text_content().strip()


def newer(client, tree):
    """The page's poll for newer figures, as htmx sends it."""
    return client.get(tree.xpath('//span[@id="figures-counting"]/@hx-get')[0], headers={"HX-Request": "true"})


def test_a_view_after_a_change_shows_the_last_figures_and_a_job_counts_the_new_ones(admin, client, pairs, app):
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    [match] = pairs(1, now - dt.timedelta(days=40))
    session(match, now - dt.timedelta(days=30))
    client.login(admin.email)
    first, counted = viewed(client)  # nothing stored yet: the first view of all counts
    assert figure(first, "sessions") == "1" and not first.xpath('//span[@id="figures-counting"]')
    assert any('"meeting"' in sql for sql in counted)
    session(match, now - dt.timedelta(days=20))  # a change: the reporting counter moves

    stale, sql = viewed(client)
    again, _ = viewed(client)
    assert figure(stale, "sessions") == figure(again, "sessions") == "1"  # counted before the change
    assert not any('"meeting"' in statement or '"feedback"' in statement for statement in sql), sql
    assert "being counted again" in stale.xpath('//p[@id="figures-as-of"]')[0].text_content()
    assert len(counts_waiting()) == 2  # one for the dashboard's figures, one for the funnel it shows: not one a view
    assert newer(client, stale).status_code == 204  # nothing newer yet: htmx keeps polling

    assert run_counts() == 2
    answer = newer(client, stale)
    assert answer.status_code == 200 and answer.headers["HX-Refresh"] == "true"
    fresh, _ = viewed(client)
    assert figure(fresh, "sessions") == "2" and not fresh.xpath('//span[@id="figures-counting"]')
    assert counts_waiting() == []


def shown_then_changed(admin, client, pairs) -> None:
    """A pair, the dashboard viewed (its figures stored), then a session booked: the stored figures are stale."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    [match] = pairs(1, now - dt.timedelta(days=40))
    client.login(admin.email)
    viewed(client)
    session(match, now - dt.timedelta(days=30))


def test_a_count_stored_by_another_worker_is_read_not_counted_again(admin, client, pairs, app):
    shown_then_changed(admin, client, pairs)
    with app.app_context(), database.connection_context():
        program = Program.current()
        kept.refresh(program, "dashboard")  # the job, in the worker
        kept.refresh(program, "funnel")
    tree, sql = viewed(client)
    assert figure(tree, "sessions") == "1" and not tree.xpath('//span[@id="figures-counting"]')
    assert not any('"meeting"' in statement for statement in sql)
    assert counts_waiting() == []


def test_a_count_lost_with_its_worker_is_asked_for_again(admin, client, pairs, app):
    shown_then_changed(admin, client, pairs)
    viewed(client)
    queue.flush()  # the worker stopped before it counted
    viewed(client)
    assert counts_waiting() == []  # asked for already: not asked again at once
    with time_machine.travel(dt.datetime.now(dt.UTC) + kept.REFRESH_TIMEOUT + MINUTE, tick=False):
        viewed(client)
    assert len(counts_waiting()) == 2


def test_the_periodic_job_counts_again_as_the_bucket_turns(admin, client, pairs, app):
    opened = dt.datetime(2026, 12, 7, 8, 0)  # a bucket starts on the hour
    with time_machine.travel(opened.replace(tzinfo=dt.UTC) + MINUTE, tick=False) as clock:
        [match] = pairs(1, opened - dt.timedelta(days=10))
        session(match, opened + 3 * MINUTE)
        client.login(admin.email)
        assert figure(viewed(client)[0], "sessions") == "0"
        clock.move_to(opened.replace(tzinfo=dt.UTC) + 5 * MINUTE)
        with app.app_context(), database.connection_context():
            tasks.refresh_turned.call_local()
            stored = dict(KeptFigures.select(KeptFigures.name, KeptFigures.as_of).tuples())
        assert set(stored) == {"dashboard", "funnel"}
        assert all(as_of == opened + 5 * MINUTE for as_of in stored.values())
        tree, sql = viewed(client)
        assert figure(tree, "sessions") == "1" and not any('"meeting"' in statement for statement in sql)
        assert counts_waiting() == []


def test_the_poll_refuses_what_it_cannot_read(admin, client, app):
    client.login(admin.email)
    assert client.get("/admin/figures/dashboard/newer?than=soon").status_code == 400
    assert client.get("/admin/figures/dashboard/newer?than=nan").status_code == 400
    assert client.get("/admin/figures/dashboard/newer?than=1e300").status_code == 400
    assert client.get("/admin/figures/salaries/newer?than=0").status_code == 404
    assert client.get("/admin/figures/dashboard/newer?than=0").status_code == 204  # nothing stored yet



def test_figures_another_release_counted_are_counted_again_before_they_are_shown(admin, client, pairs, app):
    shown_then_changed(admin, client, pairs)
    with app.app_context(), database.connection_context():
        KeptFigures.update(version="0123456789ab:(earlier)", value=b"not what this release reads").execute()
    tree, _ = viewed(client)
    assert figure(tree, "sessions") == "1" and not tree.xpath('//span[@id="figures-counting"]')
    assert counts_waiting() == []


def _worker_builds(app, monkeypatch) -> None:
    """`portal.worker` as a fresh job worker process finds it: nothing built yet, and this test's app to build."""
    monkeypatch.setattr(portal, "create_app", lambda: app)
    monkeypatch.setattr(worker, "_app", None)


def test_the_job_worker_counts_at_its_start_what_another_release_counted(admin, client, pairs, app, monkeypatch):
    shown_then_changed(admin, client, pairs)
    with app.app_context(), database.connection_context():
        KeptFigures.update(version="0123456789ab:(earlier)", value=b"not what this release reads").execute()
    _worker_builds(app, monkeypatch)
    assert worker.queue is queue  # what `huey_consumer portal.worker.queue` reads first: the app is built
    [waiting] = queue.pending()
    assert isinstance(waiting, tasks.refresh_turned.task_class)
    queue.execute(queue.dequeue())  # the consumer's first job
    with app.app_context(), database.connection_context():
        versions = [version for (version,) in KeptFigures.select(KeptFigures.version).tuples()]
    assert len(versions) == 2 and all(version.startswith(kept._code() + ":") for version in versions)
    tree, sql = viewed(client)
    assert figure(tree, "sessions") == "1" and not tree.xpath('//span[@id="figures-counting"]')
    assert not any('"meeting"' in statement for statement in sql)  # counted by the job, not in the request
    assert queue.pending() == []


def test_the_job_worker_starts_with_the_queue_away_and_says_why(app, monkeypatch, caplog):
    def away(task):
        raise RedisDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    _worker_builds(app, monkeypatch)
    monkeypatch.setattr(queue, "enqueue", away)
    assert worker.queue is queue and worker.app is app  # the consumer starts, and waits for Redis as it always has
    assert "figures not queued for counting as the worker starts: the job queue is unavailable" in caplog.text
