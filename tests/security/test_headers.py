"""Security headers on every response: every GET route of the app's URL map, anonymous and as an admin, error pages
and files included; HSTS only over HTTPS; and templates with nothing inline that the policy would block."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal import headers
from tests.meetings.conftest import calendar_secret, frozen  # noqa: F401
from tests.pairing.conftest import _fresh_directory_cache, within  # noqa: F401
from tests.security import test_route_matrix as matrix
from tests.security.world import ROLES, world  # noqa: F401

TEMPLATES = Path(__file__).resolve().parents[2] / "portal" / "templates"
EXPECTED = {
    "Content-Security-Policy": headers.CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": headers.PERMISSIONS_POLICY,
    "X-Frame-Options": "DENY",
}
SAMPLE = {"token": "not-a-real-token", "secret": "not-a-real-secret", "kind": "midpoint", "name": "htmx.min.js",
          "filename": "portal.css"}


def get_routes(app) -> list[str]:
    adapter = app.url_map.bind("localhost")
    return sorted({adapter.build(rule.endpoint, {a: SAMPLE.get(a, 1) for a in rule.arguments})
                   for rule in app.url_map.iter_rules() if "GET" in rule.methods})


# The outbox's email preview is framed by the outbox page and runs nothing (see the test at the end).
PREVIEW = {**EXPECTED, "Content-Security-Policy": headers.EMAIL_PREVIEW_POLICY, "X-Frame-Options": "SAMEORIGIN"}


def missing_headers(response, expected: dict = EXPECTED) -> dict:
    found = response.headers
    return {name: found.get(name) for name, value in expected.items() if found.get(name) != value}


def test_the_policy_allows_no_inline_script_and_no_framing():
    policy = dict(d.split(" ", 1) for d in headers.CONTENT_SECURITY_POLICY.split("; "))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe" not in headers.CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_get_route_answers_with_the_security_headers(app, client, admin, who):
    if who == "admin":
        client.login(admin.email)
    routes = get_routes(app)
    answers = {url: client.answer_to(url) for url in routes}

    assert len(routes) >= 60
    assert {url: missing_headers(r) for url, r in answers.items() if missing_headers(r)} == {}
    assert "Strict-Transport-Security" not in answers["/"].headers  # plain HTTP here
    # Pages, redirects, errors and files alike.
    assert {r.status_code for r in answers.values()} >= ({200, 302, 404} if who == "anonymous" else {200, 404})
    assert answers["/static/portal.css"].status_code == 200


def test_error_pages_carry_the_headers_too(client, db):
    answers = [(client.get("/no/such/page"), 404), (client.post("/"), 405), (client.get("/sessions/agenda/forged"), 404)]
    for response, status in answers:
        assert response.status_code == status and missing_headers(response) == {}, response.request.path


def test_hsts_only_over_https(make_app):
    plain = make_app()
    assert "Strict-Transport-Security" not in plain.test_client().get("/").headers
    over_tls = plain.test_client().get("/", base_url="https://portal.example.org")
    assert over_tls.headers["Strict-Transport-Security"] == headers.HSTS
    behind_proxy = make_app(security={"secure_cookies": True}).test_client().get("/")  # TLS ends at the proxy
    assert behind_proxy.headers["Strict-Transport-Security"] == headers.HSTS


def test_the_email_preview_is_the_only_framed_page_and_its_policy_runs_nothing(app, client, admin):
    from portal import mail

    with app.app_context():
        email = mail.send("mia@example.org", "Hello", "Hi", '<p style="color:red">Hi</p><script>alert(1)</script>')
    client.login(admin.email)

    preview = client.get(f"/admin/outbox/{email.id}/html")

    assert preview.headers["Content-Security-Policy"] == headers.EMAIL_PREVIEW_POLICY
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "script-src" not in headers.EMAIL_PREVIEW_POLICY and "sandbox" in headers.EMAIL_PREVIEW_POLICY
    page = client.get(f"/admin/outbox/{email.id}").get_data(as_text=True)
    assert re.search(r'<iframe[^>]+sandbox[^>]+src="/admin/outbox/\d+/html"', page)


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|javascript:|hx-on|\bstyle=\"", re.I)


def test_templates_have_no_inline_script_handler_or_style():
    """What the policy would block: inline <script>, on...= handlers, style attributes, javascript: links, hx-on.
    Email templates are exempt: they are mail, shown to admins only in the preview with its own policy."""
    found = []
    for template in TEMPLATES.rglob("*.html"):
        if template.relative_to(TEMPLATES).parts[0] == "emails":
            continue
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if INLINE.search(line):
                found.append(f"{template.relative_to(TEMPLATES)}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize("role", ROLES)
def test_every_page_each_role_opens_carries_the_headers(world, role):
    """Every GET route of the route matrix that answers this role with a page (real ids, real links)."""
    client = world.client(role)
    pages = {endpoint: world.url(rule) for endpoint, method, rule in matrix.asked(world.app)
             if method == "GET" and matrix.EXPECTED[(endpoint, method)][role] == "200"}

    answers = {endpoint: client.answer_to(url) for endpoint, url in pages.items()}

    assert {endpoint: r.status_code for endpoint, r in answers.items() if r.status_code != 200} == {}
    wrong = {endpoint: missing_headers(r, PREVIEW if endpoint == "admin.outbox_email_html" else EXPECTED)
             for endpoint, r in answers.items()}
    assert {endpoint: missing for endpoint, missing in wrong.items() if missing} == {}
    assert len(pages) >= {"anonymous": 6, "admin": 40}.get(role, 16)
