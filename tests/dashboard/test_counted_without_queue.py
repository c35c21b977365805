"""With the job queue's Redis away, a view that finds its figures stale counts them in the request: slower, but
current, and never an error page."""
from __future__ import annotations

import pytest

from tests.dashboard.test_counted_ahead import figure, shown_then_changed, viewed

NOBODY = "redis://127.0.0.1:1/0"  # a port nothing listens on: every connection is refused


@pytest.fixture
def app(make_app, monkeypatch):
    monkeypatch.setenv("TEST_AWAY_REDIS_URL", NOBODY)
    return make_app(jobs={"immediate": False, "backend": "redis", "redis_url_env": "TEST_AWAY_REDIS_URL"})


def test_with_the_queue_away_the_figures_are_counted_in_the_request(admin, client, pairs, app, caplog):
    shown_then_changed(admin, client, pairs)
    tree, _ = viewed(client)
    assert figure(tree, "sessions") == "1" and not tree.xpath('//span[@id="figures-counting"]')
    assert "the job queue is unavailable" in caplog.text
