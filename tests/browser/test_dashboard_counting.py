"""In a browser, with jobs waiting for a worker as when the portal is served: a dashboard opened after a change shows
the figures counted before it and says they are being counted again; once the worker has counted, the page reloads
itself with the new figures. Without JavaScript the same page says to reload, and a reload shows them."""
from __future__ import annotations

import datetime as dt
import uuid

from playwright.sync_api import expect

from portal.db import database
from portal.kept import tasks
from portal.models import Match, Program
from portal.queue import queue
from tests.browser.test_admin_walk import demo_programme
from tests.browser.test_pairing_journey import log_in
from tests.dashboard.conftest import session


def counts_run(app) -> int:
    """The queued counts of figures, run as the job worker runs them."""
    with app.app_context(), database.connection_context():
        waiting = [task for task in queue.pending() if isinstance(task, tasks.refresh.task_class)]
        for task in waiting:
            queue.execute(task)
    return len(waiting)


def test_the_dashboard_shows_the_last_count_then_reloads_with_the_new_one(serve, page, chromium, tmp_path):
    server = serve(jobs={"immediate": False, "backend": "sqlite", "name": f"test-{uuid.uuid4().hex[:12]}",
                         "sqlite_path": str(tmp_path / "jobs.db")})
    try:
        demo_programme(server.app)
        log_in(page, server.url, "admin@example.org")
        page.goto(server.url + "/admin/dashboard")  # the first view counts: nothing was stored before
        held = page.locator("#figure-sessions h3")
        before = int(held.inner_text())
        expect(page.locator("#figures-counting")).to_have_count(0)

        with server.app.app_context(), database.connection_context():
            match = Match.select().where(Match.program == Program.current(), Match.ended_at.is_null()).first()
            session(match, dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=1))
        page.reload()
        expect(page.locator("#figures-counting")).to_contain_text("being counted again")
        expect(held).to_have_text(str(before))  # the figures counted before the change, said to be so

        context = chromium.new_context(java_script_enabled=False, storage_state=page.context.storage_state())
        quiet = context.new_page()
        quiet.goto(server.url + "/admin/dashboard")
        expect(quiet.locator("#figures-counting")).to_contain_text("Reload the page in a moment")

        assert counts_run(server.app) == 2  # the dashboard's figures and the funnel it shows, asked for once each
        # htmx's poll finds the new count and reloads the page: no click, no stale mark.
        expect(page.locator("#figures-counting")).to_have_count(0, timeout=10_000)
        expect(held).to_have_text(str(before + 1))
        quiet.reload()
        expect(quiet.locator("#figure-sessions h3")).to_have_text(str(before + 1))
        context.close()
    finally:
        queue.flush()
