"""Security headers on every response: what the browser may load, frame, send on and use."""
from __future__ import annotations

from flask import Flask, Response, current_app, request

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    # Scripts are our own files only (htmx and portal.js): no inline scripts or handlers, no eval (htmx's allowEval
    # is off in base.html's htmx-config, and nothing uses hx-on, js: values or trigger filters).
    "script-src 'self'",
    # Styles are files too: Pico needs no inline styles, and htmx's injected indicator style is off (htmx-config);
    # an inline style would be an injection point for CSS that reads attributes. The outbox's email preview, which
    # does need inline styles, is its own framed response with its own policy (EMAIL_PREVIEW_POLICY).
    "style-src 'self'",
    "img-src 'self' data:",  # Pico draws its icons (select arrows, checkboxes) as data: SVGs
    "font-src 'self'",
    "connect-src 'self'",
    "frame-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
))
# The HTML of a stored email, shown inside the outbox page: inline styles as sent, nothing that runs or loads.
EMAIL_PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer", "microphone",
    "payment", "usb"))
# One year; without includeSubDomains, so other hosts of the organisation are not forced onto HTTPS by us.
HSTS = "max-age=31536000"


def add_security_headers(response: Response) -> Response:
    """The headers every response carries; a view that set its own policy (the email preview) keeps it."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    framed = "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    headers.setdefault("X-Frame-Options", "SAMEORIGIN" if framed else "DENY")  # for browsers without frame-ancestors
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # same-origin, not no-referrer: our own pages still send it, which Flask-WTF's CSRF check needs over HTTPS; other
    # sites never see an address, and ours carry tokens (agenda, feedback, survey links).
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    # Secure cookies mean the portal is served over HTTPS (set, or "auto" from an https base URL).
    if request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
