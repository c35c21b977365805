"""A web worker reads the directory's index and compiles the page templates before its first request."""
from __future__ import annotations

from portal.pairing import directory
from portal.warmup import warm


def test_a_warmed_worker_holds_the_index_and_the_compiled_templates(make_app, program, runner):
    assert runner.invoke(args=["demo-data", "--mentors", "6", "--mentees", "4"]).exit_code == 0
    directory.forget()  # a worker just started
    fresh = make_app()
    before = dict(directory.statistics)
    warm(fresh)
    assert directory.statistics == {**before, "loads": before["loads"] + 1}
    assert len(directory._cache) == 1
    cached = {template.name for template in fresh.jinja_env.cache.values()}
    assert {"base.html", "pairing/directory.html"} <= cached


def test_a_worker_starts_even_when_the_database_is_away(make_app, monkeypatch, caplog):
    app = make_app()
    monkeypatch.setattr(directory, "directory", lambda program: (_ for _ in ()).throw(OSError("no database")))
    warm(app)
    assert "was not read before the first request" in caplog.text
    assert any(template.name == "base.html" for template in app.jinja_env.cache.values())
