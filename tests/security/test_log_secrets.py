"""No secret the portal handles reaches a log: a run over real HTTP (the portal served by werkzeug, mail over SMTP
with a password, calendars at Radicale and the Microsoft stand-in, jobs running) creates passwords, session and
remember cookies, CSRF tokens, reset, confirmation, agenda, feedback, survey and feed tokens, a calendar password,
OAuth codes and tokens, and every log record of every logger is then searched for each of them."""
from __future__ import annotations

import datetime as dt
import logging
import re
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from aiosmtpd.smtp import AuthResult

from portal import settings
from portal.meetings import booking
from portal.models import Match
from tests.conftest import PASSWORD, LiveServer, SmtpSink, free_port, text_of
from tests.meetings.conftest import calendar_secret, frozen  # noqa: F401
from tests.calendar_sync.conftest import caldav_account, microsoft, radicale  # noqa: F401
from tests.pairing.conftest import _fresh_directory_cache, within  # noqa: F401
from tests.security.world import START, world  # noqa: F401

SMTP_USER, SMTP_PASSWORD = "portal-mailer", "smtp-password-4f0c2a9e7d"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf-token" content="([^"]+)"')


class AuthenticatingSink(SmtpSink):
    """The test mail server, wanting a login (without TLS, as on a local relay)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        super().__init__()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, authenticator=self.authenticate,
                                     auth_require_tls=False)

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        return AuthResult(success=(auth_data.login, auth_data.password) == (SMTP_USER.encode(), SMTP_PASSWORD.encode()))


class EveryRecord(logging.Handler):
    """Every record any logger passes on, formatted with its traceback as a log file would have it."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def every_record():
    handler, root = EveryRecord(), logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def mail_server():
    sink = AuthenticatingSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture
def app(make_app, mail_server, microsoft, monkeypatch):
    """The portal sending mail with a login and connecting calendars through Microsoft's stand-in."""
    monkeypatch.setenv("PORTAL_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("MICROSOFT_CLIENT_SECRET", microsoft.state.client_secret)
    return make_app(mail={"transport": "smtp", "smtp_host": "127.0.0.1", "smtp_port": mail_server.port,
                          "smtp_username": SMTP_USER, "smtp_password_env": "PORTAL_SMTP_PASSWORD"},
                    microsoft={"authority_host": microsoft.base, "graph_url": microsoft.graph})


class Visitor:
    """A browser on the served portal, keeping every cookie and CSRF token it was given."""

    def __init__(self, base: str, seen: set[str]):
        self.base, self.seen, self.http = base, seen, requests.Session()

    def get(self, path: str, **kwargs) -> requests.Response:
        return self._keep(self.http.get(self.base + path, allow_redirects=False, timeout=20, **kwargs))

    def submit(self, path: str, data: dict, page: str | None = None) -> requests.Response:
        page_text = self.get(page or path).text
        token = next(found for found in CSRF.search(page_text).groups() if found)
        return self._keep(self.http.post(self.base + path, data={"csrf_token": token, **data}, allow_redirects=False,
                                         timeout=20))

    def _keep(self, response):
        self.seen.update(cookie.value for cookie in self.http.cookies)
        self.seen.update(token for found in CSRF.findall(response.text) for token in found if token)
        return response

    def local(self, address: str) -> str:
        """An address from an email or redirect (made from the configured base URL), as a path on this server."""
        parsed = urlparse(address)
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def test_no_secret_of_a_whole_run_reaches_any_log(app, world, program, every_record, mail_server, microsoft,
                                                  caldav_account, within):
    secrets = {PASSWORD, SMTP_PASSWORD, microsoft.state.client_secret, caldav_account.password,
               app.config["SECRET_KEY"], *world.tokens.values()}
    settings.set(program, "calendar_allowed_hosts", "127.0.0.1", None)
    settings.set(program, "microsoft_tenant", microsoft.state.tenant, None)
    settings.set(program, "microsoft_client_id", microsoft.state.client_id, None)
    leo_email, mia_email, sam_email = (world.people[r].email for r in ("mentee", "mentor", "other_mentee"))

    with LiveServer(app, free_port()) as server:
        leo, mia, sam = (Visitor(server.url, secrets) for _ in range(3))
        # Signing in, with a wrong password first and a remember-me cookie.
        assert leo.submit("/login", {"email": leo_email, "password": "wrong-guess-7Qz!k"}).status_code == 401
        secrets.add("wrong-guess-7Qz!k")
        assert leo.submit("/login", {"email": leo_email, "password": PASSWORD, "remember": "y"}).status_code == 302
        assert "remember_token" in leo.http.cookies
        # Leo's personal links, opened and used.
        for path in (f"/sessions/agenda/{world.tokens['meeting']}", f"/sessions/feedback/{world.tokens['meeting']}",
                     f"/surveys/answer/{world.tokens['survey']}", f"/calendar/feed/{world.tokens['feed']}.ics",
                     f"/login?next=/sessions/agenda/{world.tokens['meeting']}"):
            leo.get(path)
        agenda = f"/sessions/agenda/{world.tokens['meeting']}"
        assert leo.submit(f"{agenda}/notes", {"body": "still private"}, page=agenda).status_code == 302
        # A CalDAV password typed into the form: once wrong, once right.
        connect = {"url": caldav_account.url, "username": caldav_account.username}
        secrets.add("not-the-caldav-password")
        assert leo.submit("/calendar/connect", {**connect, "password": "not-the-caldav-password"}).status_code == 400
        assert leo.submit("/calendar/connect", {**connect, "password": caldav_account.password}).status_code == 302
        # Mia connects Outlook: the browser's trip through Microsoft, with a code and state in the address.
        assert mia.submit("/login", {"email": mia_email, "password": PASSWORD}).status_code == 302
        authorize = mia.get("/calendar/connect/microsoft").headers["Location"]
        back = requests.get(authorize, allow_redirects=False, timeout=10).headers["Location"]
        secrets.update(value for key, value in _query(back).items() if key in ("code", "state"))
        assert mia.get(mia.local(back)).status_code == 302
        # Sam forgets the password: the emailed link, used once, then again.
        assert sam.submit("/password/forgot", {"email": sam_email}).status_code == 200
        reset = sam.local(re.search(r"https?://\S*/password/reset/\S+", text_of(mail_server.to(sam_email)[-1]))[0])
        secrets.add(reset.rsplit("/", 1)[1])
        new = {"password": "sams brand new passphrase", "confirm": "sams brand new passphrase"}
        secrets.add(new["password"])
        assert sam.submit(reset, new).status_code == 302
        assert sam.get(reset).status_code == 404
        # Leo logs out; the copied cookies are tried again.
        copied = dict(leo.http.cookies)
        assert leo.submit("/logout", {}, page="/").status_code == 302
        assert requests.get(server.url + "/profile", cookies=copied, allow_redirects=False,
                            timeout=10).headers["Location"].startswith("/login")

    # A session booked as a job would: invites by mail (the SMTP login) and the event written to Mia's Outlook.
    with within():
        booking.book(Match.get(Match.mentee == world.people["mentee"]), world.people["mentor"],
                     START + dt.timedelta(days=1), START + dt.timedelta(days=1, hours=1), location_kind="virtual",
                     location="https://meet.example.org/xyz")
    secrets.update(microsoft.state.access_tokens, microsoft.state.refresh_tokens)

    log = "\n".join(every_record.lines)
    assert len([line for line in every_record.lines if line.startswith("werkzeug ")]) >= 20, log
    assert "GET /sessions/agenda/… " in log and "/password/reset/… " in log and "code=…" in log
    assert len(mail_server.messages) >= 3 and len(microsoft.state.access_tokens) >= 1
    found = sorted({secret[:12] + "…" for secret in secrets if secret and secret in log})
    assert found == [], f"secrets in the log: {found}\n{log}"


def _query(address: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlparse(address).query).items()}
