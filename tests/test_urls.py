"""Links for many rows of one endpoint: the same as url_for's, built once per request."""
from __future__ import annotations

from flask import url_for

from portal import urls
from portal.urls import url_for_id


def test_links_are_url_for_links(app):
    with app.test_request_context("/mentors", base_url="http://portal.example/mentoring"):
        mentor = url_for_id("pairing.mentor", "user_id")
        shortlist = url_for_id("pairing.change_shortlist", "mentor_id", next="/mentors?q=a b")
        for row_id in (1, 7, 40, 12345678):
            assert mentor(row_id) == url_for("pairing.mentor", user_id=row_id)
            assert shortlist(row_id) == url_for("pairing.change_shortlist", mentor_id=row_id, next="/mentors?q=a b")
        assert mentor(7) == "/mentoring/mentors/7"


def test_each_kind_of_link_is_built_once_per_request(app, monkeypatch):
    built = []
    monkeypatch.setattr(urls, "url_for", lambda *args, **values: built.append(args) or url_for(*args, **values))
    with app.test_request_context("/mentors"):
        links = [url_for_id("pairing.mentor", "user_id")(row_id) for row_id in range(1, 21)]
        url_for_id("pairing.change_shortlist", "mentor_id")(3)
    assert links[4] == "/mentors/5"
    assert built == [("pairing.mentor",), ("pairing.change_shortlist",)]
    with app.test_request_context("/mentors"):
        url_for_id("pairing.mentor", "user_id")(1)
    assert len(built) == 3
