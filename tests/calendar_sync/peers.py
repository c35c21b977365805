"""Real peers for calendar tests: a Radicale CalDAV server and an HTTPS stand-in for Microsoft's identity platform
and Graph. Importable from any test folder (`from tests.calendar_sync.peers import Radicale, MicrosoftStandIn`);
the fixtures in tests/calendar_sync/conftest.py wrap them.

The stand-in follows the request and response shapes Microsoft documents (OIDC discovery, /authorize, /token for
auth code, refresh and client credentials, getSchedule, events with transactionId, PATCH, cancel, DELETE) and keeps
what it was sent, so a test can look.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import secrets
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse
from zoneinfo import ZoneInfo

from calendar_sync.addresses import AddressPolicy, parse_allow_list
from tests.conftest import free_port

# The peers listen on 127.0.0.1, which the library refuses by default: tests that talk to them allow it explicitly.
LOOPBACK: AddressPolicy = parse_allow_list("127.0.0.1")[0]

# --- Radicale ---------------------------------------------------------------------------------------------------

class Radicale:
    """Radicale 3 on 127.0.0.1 with plain htpasswd users, storage in `folder`. Users can be added while it runs.

    `tls`: served over HTTPS with a certificate for 127.0.0.1 from a private CA of its own (trustme); `ca_file` and
    `ca_pem` are that CA, as an internal Nextcloud's would be. `read_only`: calendars of that id are read-only to
    their owner (as a subscribed holiday calendar is); `add_read_only_calendar` makes one.
    """

    def __init__(self, folder: Path, *, tls: bool = False, read_only: str | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.users = self.folder / "users"
        self.users.write_text("")
        self.port = free_port()
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen | None = None
        self._names = itertools.count()
        self.tls_options: list[str] = []
        self.ca_file: Path | None = None
        self.ca_pem = ""
        if tls:
            import trustme

            ca = trustme.CA(organization_name="Internal CA")
            cert = ca.issue_cert("127.0.0.1")
            self.ca_file, chain, key = self.folder / "ca.pem", self.folder / "server.pem", self.folder / "server.key"
            ca.cert_pem.write_to_path(str(self.ca_file))
            cert.private_key_pem.write_to_path(str(key))
            chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
            self.ca_pem = self.ca_file.read_text()
            self.tls_options = ["--server-ssl", "True", "--server-certificate", str(chain), "--server-key", str(key)]
        self.rights_options: list[str] = []
        self.read_only = read_only
        if read_only:
            # Radicale's owner_only, except that the calendar `read_only` of each user may only be read.
            rights = self.folder / "rights"
            rights.write_text(f"[read-only]\nuser: .+\ncollection: {{user}}/{read_only}\npermissions: r\n\n"
                              "[owner]\nuser: .+\ncollection: {user}(/.*)?\npermissions: RrWw\n\n"
                              "[root]\nuser: .+\ncollection:\npermissions: R\n")
            self.rights_options = ["--rights-type", "from_file", "--rights-file", str(rights)]

    def start(self) -> Radicale:
        log = open(self.folder / "radicale.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "-C", "--server-hosts", f"127.0.0.1:{self.port}",
             "--storage-filesystem-folder", str(self.folder / "storage"), "--auth-type", "htpasswd",
             "--auth-htpasswd-filename", str(self.users), "--auth-htpasswd-encryption", "plain",
             "--auth-delay", "0", "--logging-level", "warning", *self.tls_options, *self.rights_options],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 15
        import socket

        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Radicale exited: {(self.folder / 'radicale.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("Radicale did not start within 15 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def add_user(self, prefix: str = "user") -> tuple[str, str]:
        """A new account (name, password): each test gets its own, so tests never see each other's events."""
        name = f"{prefix}{next(self._names)}x{secrets.token_hex(3)}"
        password = secrets.token_urlsafe(12)
        with self.users.open("a") as users:
            users.write(f"{name}:{password}\n")
        return name, password

    def make_calendar(self, name: str, password: str, cal_id: str = "work", display: str = "Work"):
        """Create a calendar for a user through caldav; returns the caldav Calendar."""
        import caldav

        client = caldav.DAVClient(url=self.url, username=name, password=password,
                                  ssl_verify_cert=str(self.ca_file) if self.ca_file else True)
        return client.get_principal().make_calendar(name=display, cal_id=cal_id)

    def add_read_only_calendar(self, name: str, display: str, events: str = "") -> str:
        """The user's read-only calendar (id `read_only`), holding `events` (a VCALENDAR), put straight into
        Radicale's storage as a subscription would be filled; returns its URL."""
        assert self.read_only, "start this Radicale with read_only=..."
        folder = self.folder / "storage" / "collection-root" / name / self.read_only
        folder.mkdir(parents=True)
        (folder / ".Radicale.props").write_text(json.dumps({"D:displayname": display, "tag": "VCALENDAR"}))
        if events:
            (folder / "holiday.ics").write_text(events)
        return f"{self.url}{name}/{self.read_only}/"


# --- Microsoft identity platform + Graph stand-in ---------------------------------------------------------------

def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned_jwt(claims: dict) -> str:
    return f"{_b64url(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{_b64url(json.dumps(claims).encode())}."


@dataclass
class MicrosoftUser:
    oid: str
    email: str
    name: str


@dataclass
class StandInState:
    client_id: str
    client_secret: str
    tenant: str = "contoso"
    user: MicrosoftUser = field(default_factory=lambda: MicrosoftUser(str(uuid.uuid4()), "mentor@contoso.example",
                                                                       "Mina Mentor"))
    expires_in: int = 3600
    codes: dict = field(default_factory=dict)
    refresh_tokens: dict = field(default_factory=dict)  # token -> (oid, scope); revoke by deleting
    access_tokens: dict = field(default_factory=dict)  # token -> oid (None for an app token)
    schedules: dict = field(default_factory=dict)  # mailbox address -> [{"status", "start", "end"}] (aware datetimes)
    events: dict = field(default_factory=dict)  # event id -> event json
    transactions: dict = field(default_factory=dict)  # transactionId -> event id
    # For the next Graph calls: (Retry-After or None for no header, path part or None, method or None, status) each
    throttle: list = field(default_factory=list)
    requests: list = field(default_factory=list)  # (method, path, json body or form)


class MicrosoftStandIn:
    """An HTTPS server on 127.0.0.1 answering as login.microsoftonline.com and graph.microsoft.com would."""

    def __init__(self, cert_dir: Path, *, client_id: str = "portal-client", client_secret: str = "portal-secret"):
        import trustme

        self.ca = trustme.CA()
        cert = self.ca.issue_cert("127.0.0.1", "localhost")
        cert_dir = Path(cert_dir)
        cert_dir.mkdir(parents=True, exist_ok=True)
        self.ca_file = cert_dir / "standin-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self.state = StandInState(client_id, client_secret)
        self.lock = threading.Lock()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        handler = type("Handler", (_Handler,), {"standin": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.base = f"https://127.0.0.1:{self.port}"
        # A short poll interval: shutdown() waits up to one interval, once per test.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def authority(self) -> str:
        return f"{self.base}/{self.state.tenant}"

    @property
    def graph(self) -> str:
        return f"{self.base}/v1.0"

    def start(self) -> MicrosoftStandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    # what tests change
    def revoke_refresh_tokens(self) -> None:
        with self.lock:
            self.state.refresh_tokens.clear()

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.state.access_tokens.clear()

    def throttle_next(self, count: int = 1, retry_after: int | None = 7, *, path: str | None = None,
                      method: str | None = None, status: int = 429) -> None:
        """Answer 429 (or `status`, e.g. 503) to the next `count` Graph calls, or to the next ones whose path contains
        `path` (and method)."""
        with self.lock:
            self.state.throttle.extend([(retry_after, path, method, status)] * count)

    def _throttled(self, method: str, path: str):
        """(Retry-After, status) of the first throttle entry this call uses up, or False when it is not throttled."""
        with self.lock:
            for index, (retry_after, part, verb, status) in enumerate(self.state.throttle):
                if (part is None or part in path) and (verb is None or verb == method):
                    del self.state.throttle[index]
                    return retry_after, status
        return False

    def set_schedule(self, address: str, items: list[dict]) -> None:
        with self.lock:
            self.state.schedules[address] = items

    def calls(self, path_part: str, method: str | None = None) -> list:
        return [r for r in self.state.requests if path_part in r[1] and (method is None or r[0] == method)]


class _Handler(BaseHTTPRequestHandler):
    standin: MicrosoftStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output clean
        pass

    # helpers
    def _send(self, status: int, body: dict | None = None, headers: dict | None = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _error(self, status: int, code: str, message: str) -> None:
        self._send(status, {"error": {"code": code, "message": message}})

    def _oauth_error(self, status: int, error: str, description: str) -> None:
        self._send(status, {"error": error, "error_description": description, "error_codes": [0]})

    # routing
    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")

    def do_PATCH(self):
        self._route("PATCH")

    def do_DELETE(self):
        self._route("DELETE")

    def _route(self, method: str) -> None:
        url = urlparse(self.path)
        parts = [p for p in url.path.split("/") if p]
        state = self.standin.state
        raw = self._body() if method in ("POST", "PATCH") else b""
        try:
            payload = json.loads(raw) if raw and self.headers.get("Content-Type", "").startswith("application/json") \
                else {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        except ValueError:
            payload = {}
        with self.standin.lock:
            state.requests.append((method, url.path, payload))
        if parts[:1] == ["v1.0"]:
            return self._graph(method, parts[1:], payload)
        if len(parts) >= 2 and parts[0] == state.tenant:
            if parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
                return self._discovery()
            if parts[1:] == ["oauth2", "v2.0", "authorize"] and method == "GET":
                return self._authorize({k: v[0] for k, v in parse_qs(url.query).items()})
            if parts[1:] == ["oauth2", "v2.0", "token"] and method == "POST":
                return self._token(payload)
        self._error(404, "NotFound", f"no route for {method} {url.path}")

    # identity platform
    def _discovery(self) -> None:
        authority = self.standin.authority
        self._send(200, {
            "issuer": f"{authority}/v2.0",
            "authorization_endpoint": f"{authority}/oauth2/v2.0/authorize",
            "token_endpoint": f"{authority}/oauth2/v2.0/token",
            "jwks_uri": f"{authority}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
        })

    def _authorize(self, query: dict) -> None:
        state = self.standin.state
        if query.get("client_id") != state.client_id or query.get("response_type") != "code":
            return self._oauth_error(400, "unauthorized_client", "AADSTS700016: application not found")
        code = secrets.token_urlsafe(24)
        with self.standin.lock:
            state.codes[code] = {"redirect_uri": query.get("redirect_uri"), "nonce": query.get("nonce"),
                                 "scope": query.get("scope", ""), "challenge": query.get("code_challenge"),
                                 "method": query.get("code_challenge_method", "plain")}
        # The person signs in and consents; the browser goes back to the portal with a code.
        back = {"code": code, "session_state": str(uuid.uuid4())}
        if "state" in query:
            back["state"] = query["state"]
        if query.get("response_mode") == "form_post":  # a page that posts the answer to the portal
            fields = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in back.items())
            page = (f'<html><body onload="document.forms[0].submit()"><form method="post" '
                    f'action="{query["redirect_uri"]}">{fields}</form></body></html>').encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
            return
        self._send(302, None, {"Location": f"{query['redirect_uri']}?{urlencode(back)}"})

    def _tokens(self, oid: str, scope: str, nonce: str | None, with_refresh: bool = True) -> dict:
        state = self.standin.state
        now = int(time.time())
        access = secrets.token_urlsafe(32)
        granted = " ".join(s for s in scope.split() if s not in ("openid", "profile", "offline_access"))
        answer = {"token_type": "Bearer", "scope": granted, "expires_in": state.expires_in,
                  "ext_expires_in": state.expires_in, "access_token": access}
        with self.standin.lock:
            state.access_tokens[access] = oid
        if with_refresh:
            refresh = secrets.token_urlsafe(32)
            with self.standin.lock:
                state.refresh_tokens[refresh] = (oid, scope)
            claims = {"iss": f"{self.standin.authority}/v2.0", "aud": state.client_id, "iat": now, "nbf": now,
                      "exp": now + 3600, "sub": _b64url(oid.encode()), "oid": oid, "tid": state.tenant,
                      "name": state.user.name, "preferred_username": state.user.email, "ver": "2.0"}
            if nonce:
                claims["nonce"] = nonce
            answer.update(refresh_token=refresh, id_token=unsigned_jwt(claims),
                          client_info=_b64url(json.dumps({"uid": oid, "utid": state.tenant}).encode()))
        return answer

    def _token(self, form: dict) -> None:
        state = self.standin.state
        if form.get("client_id") != state.client_id or form.get("client_secret") != state.client_secret:
            return self._oauth_error(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        grant = form.get("grant_type")
        if grant == "authorization_code":
            with self.standin.lock:
                issued = state.codes.pop(form.get("code", ""), None)
            if issued is None or issued["redirect_uri"] != form.get("redirect_uri"):
                return self._oauth_error(400, "invalid_grant", "AADSTS70000: The provided authorization code is "
                                                               "invalid or has expired.")
            verifier = form.get("code_verifier", "")
            expected = (_b64url(hashlib.sha256(verifier.encode()).digest()) if issued["method"] == "S256"
                        else verifier)
            if issued["challenge"] and expected != issued["challenge"]:
                return self._oauth_error(400, "invalid_grant", "AADSTS501481: The Code_Verifier does not match.")
            return self._send(200, self._tokens(state.user.oid, form.get("scope", issued["scope"]), issued["nonce"]))
        if grant == "refresh_token":
            with self.standin.lock:
                known = state.refresh_tokens.pop(form.get("refresh_token", ""), None)  # refresh tokens rotate
            if known is None:
                return self._oauth_error(400, "invalid_grant", "AADSTS700082: The refresh token has expired due to "
                                                               "inactivity.")
            return self._send(200, self._tokens(known[0], form.get("scope", known[1]), None))
        if grant == "client_credentials":
            return self._send(200, self._tokens(None, form.get("scope", ""), None, with_refresh=False))
        return self._oauth_error(400, "unsupported_grant_type", f"grant {grant}")

    # Graph
    def _graph(self, method: str, parts: list[str], body: dict) -> None:
        state = self.standin.state
        throttled = self.standin._throttled(method, "/" + "/".join(parts))
        if throttled is not False:
            retry_after, status = throttled
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            code = "TooManyRequests" if status == 429 else "ServiceNotAvailable"
            return self._send(status, {"error": {"code": code, "message": "Please retry again later."}}, headers)
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in state.access_tokens:
            return self._error(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.")
        if parts[:1] == ["me"]:
            parts = parts[1:]
        elif parts[:1] == ["users"] and len(parts) > 1:
            parts = parts[2:]
        else:
            return self._error(404, "ResourceNotFound", "Resource not found")
        if parts == ["calendar", "getSchedule"] and method == "POST":
            return self._get_schedule(body)
        if parts == ["events"] and method == "POST":
            return self._create(body)
        if len(parts) >= 2 and parts[0] == "events":
            event = state.events.get(parts[1])
            if event is None:
                return self._error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
            if len(parts) == 2 and method == "GET":
                return self._send(200, event)
            if len(parts) == 2 and method == "PATCH":
                with self.standin.lock:
                    event.update(body)
                    event["lastModifiedDateTime"] = datetime.now(UTC).isoformat()
                return self._send(200, event)
            if len(parts) == 2 and method == "DELETE":
                with self.standin.lock:
                    del state.events[parts[1]]
                return self._send(204)
            if parts[2:] == ["cancel"] and method == "POST":
                with self.standin.lock:
                    event["isCancelled"] = True
                    event["cancelComment"] = body.get("comment", "")
                return self._send(202)
        return self._error(400, "BadRequest", f"unsupported {method} {'/'.join(parts)}")

    def _create(self, body: dict) -> None:
        state = self.standin.state
        with self.standin.lock:
            transaction = body.get("transactionId")
            if transaction and transaction in state.transactions:
                return self._send(201, state.events[state.transactions[transaction]])
            event_id = "AAMk" + secrets.token_urlsafe(16)
            # Read-only properties are the server's whatever the client sent: Exchange picks the iCalUId.
            ical_uid = "040000008200E00074C5B7101A82E008" + secrets.token_hex(24).upper()  # Exchange's shape
            event = {**body, "id": event_id, "iCalUId": ical_uid, "isCancelled": False,
                     "createdDateTime": datetime.now(UTC).isoformat()}
            state.events[event_id] = event
            if transaction:
                state.transactions[transaction] = event_id
        self._send(201, event)

    def _get_schedule(self, body: dict) -> None:
        state = self.standin.state
        start = _graph_instant(body["startTime"])
        end = _graph_instant(body["endTime"])
        if end - start >= timedelta(days=62):
            return self._error(400, "ErrorInvalidParameter", "The time range must be less than 62 days.")
        interval = int(body.get("availabilityViewInterval", 30))
        zone_name = self.headers.get("Prefer", 'outlook.timezone="UTC"').split('"')[1]
        zone = ZoneInfo(zone_name)
        value = []
        for address in body["schedules"]:
            items = [i for i in state.schedules.get(address, []) if i["start"] < end and i["end"] > start]
            codes = {"free": "0", "tentative": "1", "busy": "2", "oof": "3", "workingElsewhere": "4"}
            view, at = [], start
            while at < end:
                slot_end = at + timedelta(minutes=interval)
                hits = [codes[i["status"]] for i in items if i["start"] < slot_end and i["end"] > at]
                view.append(max(hits, default="0"))
                at = slot_end
            value.append({
                "scheduleId": address,
                "availabilityView": "".join(view),
                "scheduleItems": [{"isPrivate": False, "status": i["status"], "subject": i.get("subject", ""),
                                   "location": "", "start": _graph_value(i["start"], zone),
                                   "end": _graph_value(i["end"], zone)} for i in items],
                "workingHours": {"daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                                 "startTime": "08:00:00.0000000", "endTime": "17:00:00.0000000",
                                 "timeZone": {"name": "Pacific Standard Time"}},
            })
        self._send(200, {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection("
                                           "microsoft.graph.scheduleInformation)", "value": value})


def _graph_instant(value: dict) -> datetime:
    return datetime.fromisoformat(value["dateTime"].split(".")[0]).replace(tzinfo=ZoneInfo(value["timeZone"]))


def _graph_value(moment: datetime, zone: ZoneInfo) -> dict:
    """As Graph writes times: local, seven fractional digits, and the zone's name."""
    local = moment.astimezone(zone).replace(tzinfo=None)
    return {"dateTime": local.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": str(zone)}


class WebPage(BaseHTTPRequestHandler):
    """A web site: answers every method with a page, reachable but speaking no CalDAV."""

    def _page(self):
        body = b"<html><body>Welcome to our intranet</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PROPFIND = do_OPTIONS = do_REPORT = _page

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def web_server(handler: type[BaseHTTPRequestHandler] = WebPage, host: str = "127.0.0.1") -> Iterator[str]:
    """A plain HTTP server on 127.0.0.1 (or another loopback address) while the block runs; yields its address."""
    server = ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()



# --- listeners for the address guard ----------------------------------------------------------------------------

class Listener:
    """A TCP socket on 127.0.0.1 (or ::1) that records every connection it accepts and never answers: it shows
    whether anything connected, and it stands in for a server that lets a request time out."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        import socket

        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.sock.bind((host, port))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.accepted: list = []
        self._held: list = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = self.sock.accept()
            except OSError:
                continue
            self.accepted.append(peer)
            self._held.append(conn)  # kept open and silent

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(2)
        for conn in self._held:
            conn.close()
        self.sock.close()


def redirecting_to(target: str) -> type[BaseHTTPRequestHandler]:
    """A handler that answers every method with a redirect to `target`."""

    class Redirect(BaseHTTPRequestHandler):
        def _redirect(self):
            self.send_response(307)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_PROPFIND = do_OPTIONS = do_REPORT = _redirect

        def log_message(self, *args):
            pass

    return Redirect


class Dripping(BaseHTTPRequestHandler):
    """A server that answers at once, then sends its body a byte every 0.2 s, for a minute."""

    def _drip(self):
        self.send_response(207)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", "300")
        self.end_headers()
        for _ in range(300):
            try:
                self.wfile.write(b" ")
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.2)

    do_GET = do_PROPFIND = do_OPTIONS = _drip

    def log_message(self, *args):
        pass
