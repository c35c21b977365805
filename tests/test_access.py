"""Who may open what, checked over every route the app registers."""
from __future__ import annotations

import pytest

from portal import create_app

SKIPPED = {"static", "vendor.asset", "health.healthz"}
PUBLIC = {"home.index", "accounts.login", "accounts.register", "accounts.forgot_password", "accounts.reset_password",
          "accounts.microsoft_login", "accounts.microsoft_login_callback",
          # Opened from invites and calendar apps: the signed token or secret in the address is the key.
          "meetings.agenda", "meetings.feedback", "meetings.feed", "meetings.add_linked_item",
          "meetings.tick_linked_item", "meetings.save_linked_note", "surveys.answer_link"}
# Public pages that answer with a message rather than 200 when opened bare: a dummy reset token does not work, and
# Sign in with Microsoft is off (404) or was not started in this session (400).
PUBLIC_STATUS = {"accounts.reset_password": 404, "accounts.microsoft_login": 404,
                 "accounts.microsoft_login_callback": 400, "meetings.agenda": 404, "meetings.feedback": 404,
                 "meetings.feed": 404, "meetings.add_linked_item": 404, "meetings.tick_linked_item": 404,
                 "meetings.save_linked_note": 404, "surveys.answer_link": 404}
DUMMY_TOKEN = "not-a-real-token"


def _routes() -> list[tuple[str, str, frozenset[str]]]:
    """(endpoint, URL with its parameters filled in, methods) for every route but the skipped ones."""
    # Only the URL map is read; every test builds its own app and database.
    app = create_app({
        "database": {"url": "sqlite:///:memory:"},
        "jobs": {"immediate": True},
        "flask": {"SECRET_KEY": "collection-only"},
    })
    adapter = app.url_map.bind("localhost")
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIPPED:
            continue
        values = {name: DUMMY_TOKEN if name in ("token", "secret") else 1 for name in rule.arguments}
        methods = frozenset(rule.methods - {"HEAD", "OPTIONS"})
        routes.append((rule.endpoint, adapter.build(rule.endpoint, values), methods))
    return routes


ROUTES = _routes()
# Anonymous visitors: GET where the route has one, else POST (with a valid CSRF token).
PROTECTED = [(url, "GET" if "GET" in methods else "POST") for end, url, methods in ROUTES if end not in PUBLIC]
ADMIN_AREAS = ("admin.", "agendas.", "console.", "dashboard.")
ADMIN_ELSEWHERE = {"meetings.sync_status", "meetings.retry", "surveys.admin_index", "surveys.save_settings",
                   "surveys.send_now", "surveys.edit_questions", "surveys.survey_results", "leaving.leave_for"}
ADMIN = [(url, method) for end, url, methods in ROUTES if end.startswith(ADMIN_AREAS) or end in ADMIN_ELSEWHERE
         for method in sorted(methods)]
ADMIN_GET = [url for url, method in ADMIN if method == "GET"]


def request(client, method: str, url: str):
    """GET, or POST with a valid CSRF token so the access rule (not CSRF) decides the answer."""
    if method == "GET":
        return client.get(url)
    return client.submit(url, page="/")


def test_route_lists_are_not_empty():
    """Guards the parametrised tests below against silently testing nothing."""
    assert len(PROTECTED) >= 10 and len(ADMIN) >= 10 and len(ADMIN_GET) >= 6
    assert ("/admin/settings", "GET") in ADMIN and ("/admin/settings/programme", "POST") in ADMIN
    assert ("/admin/pairing", "GET") in ADMIN and ("/admin/pairing/publish", "POST") in ADMIN


@pytest.mark.parametrize(("url", "method"), PROTECTED, ids=[f"{m} {u}" for u, m in PROTECTED])
def test_anonymous_visitor_is_sent_to_login(client, db, url, method):
    response = request(client, method, url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("endpoint", sorted(PUBLIC))
def test_public_pages_open_without_login(client, db, endpoint):
    url, methods = next((u, m) for e, u, m in ROUTES if e == endpoint)

    response = request(client, "GET" if "GET" in methods else "POST", url)

    assert response.status_code == PUBLIC_STATUS.get(endpoint, 200)
    assert "/login?next=" not in response.headers.get("Location", "")


@pytest.mark.parametrize(("url", "method"), ADMIN, ids=[f"{m} {u}" for u, m in ADMIN])
def test_mentee_is_forbidden_from_admin_routes(client, create_user, url, method):
    create_user("mia@example.org", roles=("mentee",))
    client.login("mia@example.org")

    response = request(client, method, url)

    assert response.status_code == 403
    assert "Not for you" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ADMIN_GET)
def test_admin_can_open_every_admin_page(client, admin, url):
    client.login(admin.email)

    response = client.get(url)

    assert response.status_code not in (403, 500)
    assert response.status_code in (200, 302, 404)


def test_participant_cannot_view_someone_elses_profile(client, create_user):
    create_user("mia@example.org")
    noor = create_user("noor@example.org", roles=("mentor",))
    client.login("mia@example.org")

    response = client.get(f"/people/{noor.id}")

    assert response.status_code == 404
    assert "Noor" not in response.get_data(as_text=True)


def test_participant_can_view_own_profile(client, create_user):
    mia = create_user("mia@example.org", name="Mia Wallace")
    client.login("mia@example.org")

    response = client.get(f"/people/{mia.id}")

    assert response.status_code == 200
    assert "Mia Wallace" in response.get_data(as_text=True)
