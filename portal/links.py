"""Signed, expiring tokens for links in emails and invites."""
from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import urlsplit

from flask import abort, current_app, has_request_context, make_response, render_template, request
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class LinkInvalid(Exception):
    """The link was tampered with or belongs to something else."""


class LinkExpired(LinkInvalid):
    """The link was genuine but is too old."""


def read_or_refuse(read, page: str, **context):
    """What `read()` finds in a link; an expired link answers 410 and a broken one 404, each with `page` saying which."""
    try:
        return read()
    except LinkExpired:
        abort(make_response(render_template(page, expired=True, **context), 410))
    except LinkInvalid:
        abort(make_response(render_template(page, expired=False, **context), 404))


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"], purpose)


@functools.lru_cache(maxsize=64)
def _serializer_for(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    # The purpose is the salt: a token made for one kind of link never opens another. Kept, as a bulk send signs
    # two links per person.
    return URLSafeTimedSerializer(secret_key, salt=f"portal.{purpose}")


def make_token(purpose: str, payload) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age_seconds: int):
    """The payload of a token, or LinkExpired / LinkInvalid."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as error:
        raise LinkExpired(str(error)) from error
    except BadSignature as error:
        raise LinkInvalid(str(error)) from error


def served_file() -> Path:
    """Where the last served address is kept, for jobs run by a worker that serves no page."""
    return Path(current_app.instance_path) / "served_url"


def base_url() -> str:
    """The portal's address without a trailing slash: `[server] base_url` when set, else where it is served.

    Without a configured address a page follows the address its request came to (host, port and any prefix a proxy
    passed as SCRIPT_NAME), and a job, which has no request of its own, the last address served, else `[server]`
    host and port (PORT).
    """
    server = current_app.config["PORTAL"]["server"]
    configured = (server.get("base_url") or "").strip().rstrip("/")
    if configured:
        return configured
    if has_request_context() and not request.environ.get("portal.job") and _trusted_host(request.host, server):
        served = (request.host_url.rstrip("/") + request.script_root).rstrip("/")
        _remember_served(served)
        return served
    try:
        remembered = served_file().read_text().strip()
    except OSError:
        remembered = ""
    return remembered or f"http://{server.get('host', '127.0.0.1')}:{server.get('port', 5000)}"


def _trusted_host(host: str, server: dict) -> bool:
    """Whether a request's Host may become the links' address: a forged one must never reach an email."""
    name = (urlsplit(f"//{host}").hostname or "").lower()
    trusted = {"localhost", "127.0.0.1", "::1", str(server.get("host", "")).lower()}
    trusted |= {str(each).lower() for each in server.get("trusted_hosts", [])}
    return name in trusted


def note_served_address() -> None:
    """Before each request: keep the address pages are served at, for jobs, when no base URL is configured."""
    base_url()


_last_remembered: tuple[str, str] | None = None


def _remember_served(address: str) -> None:
    # Written only when it changes, so a page costs no file write; a worker process reads it for its jobs.
    global _last_remembered
    target = served_file()
    if (str(target), address) == _last_remembered:
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(address)
    except OSError:
        return
    _last_remembered = (str(target), address)


def absolute_url(endpoint: str, **values) -> str:
    """A full address for emails and invites: the base URL (with its path, if any) and the endpoint's path."""
    from flask import url_for

    path = url_for(endpoint, **values)
    # url_for prefixes the request's script root; the base URL carries the prefix already.
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root):
        path = path[len(root):]
    return base_url() + path


def base_path(address: str) -> str:
    """The path part of a base URL ("/mentoring"), or "" when it is served at the root."""
    return urlsplit(address).path.rstrip("/")


def opened_by_someone_else(person) -> bool:
    """A personal link opened while another account is logged in, an admin's included.

    Such a link is refused: what it shows (answers, private notes) is that person's alone, and what is sent from it
    must never land on the wrong person. Without a login the link itself is the key, as the email it came in is.
    """
    return current_user.is_authenticated and current_user.id != person.id
