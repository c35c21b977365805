"""A chat service stand-in: an HTTPS server on 127.0.0.1 answering as Slack's incoming webhooks
(`/services/...`) and a Microsoft Teams workflow webhook (`/workflows/...`) do, checking each post against the
documented shape and answering what the test asks for (429 with Retry-After, 500) before it takes posts again."""
from __future__ import annotations

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SLACK_PATH = "/services/T0PORTAL/B0PORTAL/secretslackpart1234"
TEAMS_PATH = "/workflows/5a1e/triggers/manual/paths/invoke?api-version=1&sig=secretteamspart5678"


def slack_problems(body) -> list[str]:
    """What Slack would reject: `text` is required as the fallback, `blocks` are Block Kit blocks."""
    problems = []
    if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not body["text"].strip():
        return ["no text"]
    for block in body.get("blocks", []):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "header":
            text = block.get("text", {})
            if text.get("type") != "plain_text" or not 0 < len(text.get("text", "")) <= 150:
                problems.append("a header needs plain_text of at most 150 characters")
        elif kind == "section":
            if block.get("text", {}).get("type") not in ("mrkdwn", "plain_text"):
                problems.append("a section needs a text object")
        elif kind == "actions":
            for element in block.get("elements", []):
                if element.get("type") != "button" or element.get("text", {}).get("type") != "plain_text":
                    problems.append("an action must be a button with plain_text")
                if "url" in element and not element["url"].startswith(("http://", "https://")):
                    problems.append("a button's url must be an address")
        else:
            problems.append(f"unknown block {kind!r}")
    return problems


def teams_problems(body) -> list[str]:
    """What a Teams workflow's "Post card in a chat or channel" rejects: a message with Adaptive Card attachments."""
    if not isinstance(body, dict) or body.get("type") != "message":
        return ["type must be message"]
    attachments = body.get("attachments")
    if not isinstance(attachments, list) or not attachments:
        return ["no attachments"]
    problems = []
    for attachment in attachments:
        if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive":
            problems.append("contentType must be application/vnd.microsoft.card.adaptive")
        card = attachment.get("content") or {}
        if card.get("type") != "AdaptiveCard" or not card.get("version"):
            problems.append("content must be an AdaptiveCard with a version")
        body = card.get("body")
        if not body or not all(isinstance(item, dict) and item.get("type") for item in body):
            problems.append("the card needs a body of typed elements")
        for action in card.get("actions", []):
            if action.get("type") != "Action.OpenUrl" or not action.get("url") or not action.get("title"):
                problems.append("an action must be Action.OpenUrl with a title and url")
    return problems


class ChatStandIn:
    """Records every post as (channel, path, body); `answers` holds the statuses (and headers) to give next."""

    def __init__(self, cert_dir: Path):
        import trustme

        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        cert_dir.mkdir(parents=True, exist_ok=True)
        self.ca_file = cert_dir / "chat-standin-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        self.posts: list[tuple[str, str, object]] = []
        self.refused: list[tuple[str, list[str]]] = []
        self.answers: list[tuple[int, dict]] = []
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"standin": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.base = f"https://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def slack_url(self) -> str:
        return self.base + SLACK_PATH

    @property
    def teams_url(self) -> str:
        return self.base + TEAMS_PATH

    def answer_next(self, status: int, headers: dict | None = None, count: int = 1) -> None:
        with self.lock:
            self.answers.extend([(status, headers or {})] * count)

    def start(self) -> ChatStandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class _Handler(BaseHTTPRequestHandler):
    standin: ChatStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status: int, text: str, headers: dict | None = None) -> None:
        data = text.encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        standin = self.standin
        with standin.lock:
            planned = standin.answers.pop(0) if standin.answers else None
        if planned:
            self._send(planned[0], "try later", planned[1])
            return
        if self.path == SLACK_PATH:
            channel, check = "slack", slack_problems
        elif self.path == TEAMS_PATH:
            channel, check = "teams", teams_problems
        else:
            self._send(404, "no_service")
            return
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            self._send(400, "invalid_payload")
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._send(400, "invalid_payload")
            return
        problems = check(body)
        with standin.lock:
            if problems:
                standin.refused.append((channel, problems))
            else:
                standin.posts.append((channel, self.path, body))
        if problems:
            self._send(400, "invalid_payload")
        else:
            # Slack answers 200 "ok"; a Teams workflow accepts the request with 202.
            self._send(200, "ok") if channel == "slack" else self._send(202, "")
