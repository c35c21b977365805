"""Who may open what, checked over every route the app registers."""
from __future__ import annotations

import io

import pytest
from flask import url_for

from portal import create_app, mail, progress
from portal.agendas import store as agenda_store
from portal.organisation import operations as people
from portal.organisation import routes as organisation_routes
from portal.questionnaire import editing

SKIPPED = {"static", "vendor.asset", "health.healthz"}
PUBLIC = {"home.index", "accounts.login", "accounts.register", "accounts.forgot_password", "accounts.reset_password",
          "accounts.confirm_email",
          "accounts.microsoft_login", "accounts.microsoft_login_callback",
          # Opened from invites and calendar apps: the signed token or secret in the address is the key.
          "meetings.agenda", "meetings.feedback", "meetings.feed", "meetings.add_linked_item",
          "meetings.tick_linked_item", "meetings.save_linked_note", "surveys.answer_link",
          "launch.unsubscribe", "launch.confirm_unsubscribe"}
# Public pages that answer with a message rather than 200 when opened bare: a dummy reset or confirmation token does
# not work, and
# Sign in with Microsoft is off (404) or was not started in this session (400).
PUBLIC_STATUS = {"accounts.reset_password": 404, "accounts.confirm_email": 404, "accounts.microsoft_login": 404,
                 "accounts.microsoft_login_callback": 400, "meetings.agenda": 404, "meetings.feedback": 404,
                 "meetings.feed": 404, "meetings.add_linked_item": 404, "meetings.tick_linked_item": 404,
                 "meetings.save_linked_note": 404, "surveys.answer_link": 404, "launch.unsubscribe": 404,
                 "launch.confirm_unsubscribe": 404}
DUMMY_TOKEN = "not-a-real-token"


def _app():
    # Only the URL map and the views are read; every test builds its own app and database.
    return create_app({
        "database": {"url": "sqlite:///:memory:"},
        "jobs": {"immediate": True},
        "flask": {"SECRET_KEY": "collection-only"},
    })


APP = _app()


def _routes() -> list[tuple[str, str, frozenset[str]]]:
    """(endpoint, URL with its parameters filled in, methods) for every route but the skipped ones."""
    adapter = APP.url_map.bind("localhost")
    routes = []
    for rule in sorted(APP.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIPPED:
            continue
        values = {name: DUMMY_TOKEN if name in ("token", "secret") else 1 for name in rule.arguments}
        methods = frozenset(rule.methods - {"HEAD", "OPTIONS"})
        routes.append((rule.endpoint, adapter.build(rule.endpoint, values), methods))
    return routes


def admin_only(endpoint: str) -> bool:
    """The app's own answer: admin_required flags the views it guards."""
    return getattr(APP.view_functions[endpoint], "admin_only", False)


ROUTES = _routes()
# Anonymous visitors: GET where the route has one, else POST (with a valid CSRF token).
PROTECTED = [(url, "GET" if "GET" in methods else "POST") for end, url, methods in ROUTES if end not in PUBLIC]
ADMIN = [(url, method) for end, url, methods in ROUTES if admin_only(end) for method in sorted(methods)]
ADMIN_PAGES = sorted({end for end, _, methods in ROUTES if admin_only(end) and "GET" in methods})
# Admin pages that answer with something other than 200, and where they lead.
ADMIN_REDIRECTS = {"admin.index": "/admin/dashboard"}
# Not pages: htmx's poll for newer figures names the time of the figures shown, and refuses to guess it.
ADMIN_REFUSED = {"dashboard.newer_figures": 400}


def request(client, method: str, url: str):
    """GET, or POST with a valid CSRF token so the access rule (not CSRF) decides the answer."""
    if method == "GET":
        return client.get(url)
    return client.submit(url, page="/")


def test_route_lists_are_not_empty():
    """Guards the parametrised tests below against silently testing nothing."""
    assert len(PROTECTED) >= 10 and len(ADMIN) >= 10 and len(ADMIN_PAGES) >= 6
    assert ("/admin/settings", "GET") in ADMIN and ("/admin/settings/programme", "POST") in ADMIN
    assert ("/admin/pairing", "GET") in ADMIN and ("/admin/pairing/publish", "POST") in ADMIN
    # Admin pages outside /admin are found by the flag, not by their address.
    assert "surveys.admin_index" in ADMIN_PAGES and "leaving.leave_for" in ADMIN_PAGES


def test_every_admin_address_is_admin_only():
    """A view under /admin without admin_required would be open to everyone logged in."""
    open_admin = [end for end, url, _ in ROUTES if url.startswith("/admin") and not admin_only(end)]
    assert open_admin == []


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


@pytest.fixture
def real_ids(app, program, create_user, admin):
    """The objects admin pages' addresses name, made for real: {URL parameter: value}."""
    mentee = create_user("mia@example.org", roles=("mentee",), name="Mia Wallace")
    question = editing.add_question(program, {"prompt": "Favourite tea?", "kind": "text", "audience": "both"}, admin)
    agenda_store.customise(program)
    with app.test_request_context():
        email = mail.send("mia@example.org", "Welcome", "Hello Mia.", "<p>Hello Mia.</p>")
        people_import = people.check_file(io.BytesIO(b"name,email\nMia,mia@example.org\n"), "people.csv", admin)
        token = organisation_routes.token_for(people_import)
    return {"user_id": mentee.id, "question_id": question.id, "agenda_id": agenda_store.rows(program)[0].id,
            "email_id": email.id, "kind": "midpoint", "token": token, "export": "participants",
            "job_id": progress.start(program, "weights", admin).id, "number": 1, "name": "dashboard"}  # a matching-weights preview not yet run


@pytest.mark.parametrize("endpoint", ADMIN_PAGES)
def test_admin_can_open_every_admin_page(app, client, admin, real_ids, endpoint):
    rule = next(APP.url_map.iter_rules(endpoint))
    missing = rule.arguments - real_ids.keys()
    assert not missing, f"real_ids makes no {missing} for {endpoint}: add it there"
    with app.test_request_context():
        url = url_for(endpoint, **{name: real_ids[name] for name in rule.arguments})
    client.login(admin.email)

    response = client.get(url)

    if endpoint in ADMIN_REDIRECTS:
        assert response.status_code == 302 and response.headers["Location"] == ADMIN_REDIRECTS[endpoint]
    elif endpoint in ADMIN_REFUSED:
        assert response.status_code == ADMIN_REFUSED[endpoint] and "than=" in response.get_data(as_text=True)
    else:
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]


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
