"""Tokens never reach the logs: the access log of real requests to every kind of personal link (and of a sign-in
callback with its code) shows the address with its secret replaced, and gunicorn's access records are treated alike."""
from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request

import pytest

from portal import links
from portal.accounts import emails as accounts
from portal.meetings import invitations
from portal.models import CalendarFeed
from tests.conftest import LiveServer, free_port
from tests.meetings.conftest import calendar_secret, frozen, pair  # noqa: F401
from tests.pairing.conftest import within  # noqa: F401
from tests.security.test_personal_links import meeting  # noqa: F401

GUNICORN_ACCESS_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'  # gunicorn's default


class Captured(logging.Handler):
    """Every record a logger emits, formatted as a log file would have it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def captured():
    handler = Captured()
    loggers = [logging.getLogger(name) for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "portal")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield handler
    for logger, level in zip(loggers, levels):
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture
def secret_addresses(app, pair, meeting, within):
    """(path, secret) for each kind of personal address, made by the portal's own link makers."""
    match, mentor, mentee = pair
    feed = CalendarFeed.create(user=mentee, secret="feed-secret-0123456789abcdefghijklmn")
    with within():
        reset = accounts.reset_token(mentee)
        meeting_token = invitations.link_token(meeting, mentee)
        survey = links.make_token("survey", {"survey": 1, "user": mentee.id})
    return [
        (f"/password/reset/{reset}", reset),
        (f"/sessions/agenda/{meeting_token}", meeting_token),
        (f"/sessions/feedback/{meeting_token}", meeting_token),
        (f"/sessions/agenda/{meeting_token}/items/3", meeting_token),
        (f"/surveys/answer/{survey}", survey),
        (f"/calendar/feed/{feed.secret}.ics", feed.secret),
        ("/login/microsoft/callback?code=0.AUIA-the-auth-code&state=the-state-value",
         "the-auth-code"),
        ("/login/microsoft/callback?state=the-state-value&code=x", "the-state-value"),
        (f"/login?next={urllib.parse.quote('/sessions/agenda/' + meeting_token, safe='')}", meeting_token),
    ]


def test_the_access_log_of_real_requests_carries_no_token(app, captured, secret_addresses):
    with LiveServer(app, free_port()) as server:
        for path, _ in secret_addresses:
            try:
                urllib.request.urlopen(server.url + path, timeout=10).close()
            except urllib.error.HTTPError:
                pass  # a refused link is logged all the same

    log = "\n".join(captured.lines)
    assert len([line for line in captured.lines if "HTTP/1.1" in line]) == len(secret_addresses), log
    for path, secret in secret_addresses:
        assert secret not in log, path
    assert "GET /sessions/agenda/… HTTP/1.1" in log and "GET /calendar/feed/….ics HTTP/1.1" in log
    assert "/sessions/agenda/…/items/3" in log and "code=…&state=…" in log
    assert "/login?next=/sessions/agenda/… " in log  # werkzeug prints the query decoded


def test_gunicorn_access_records_and_the_app_log_are_redacted_too(app, captured, secret_addresses):
    path, secret = secret_addresses[1]
    atoms = {"h": "10.0.0.1", "l": "-", "u": "-", "t": "[01/Dec/2026:10:00:00 +0000]", "r": f"GET {path} HTTP/1.1",
             "s": "200", "b": "5120", "f": f"https://portal.example.org{path}", "a": "Mozilla/5.0"}

    logging.getLogger("gunicorn.access").info(GUNICORN_ACCESS_FORMAT, atoms)
    # gunicorn prints the request line as sent: a token inside ?next= stays percent-encoded.
    encoded = f"GET /login?next={urllib.parse.quote(path, safe='')} HTTP/1.1"
    logging.getLogger("gunicorn.access").info(GUNICORN_ACCESS_FORMAT, {**atoms, "r": encoded, "f": "-"})
    logging.getLogger("gunicorn.error").error("Error handling request %s", path)
    app.logger.error("Exception on %s [GET]", path)

    assert len(captured.lines) == 4
    assert not [line for line in captured.lines if secret in line]
    assert '"GET /sessions/agenda/… HTTP/1.1" 200 5120 "https://portal.example.org/sessions/agenda/…"' in (
        captured.lines[0])
    assert '"GET /login?next=%2Fsessions%2Fagenda%2F… HTTP/1.1"' in captured.lines[1]
