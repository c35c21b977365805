"""Links follow the served address unless a base URL is configured, and a base URL with a path works everywhere."""
from __future__ import annotations

import pytest

from portal import links
from portal.queue import job_context
from portal.models import Email
from tests.conftest import PASSWORD, PortalClient


@pytest.fixture
def served_file(tmp_path, monkeypatch):
    """The last-served address is kept per test, not in the checkout's instance folder."""
    path = tmp_path / "served_url"
    monkeypatch.setattr(links, "served_file", lambda: path)
    return path


@pytest.fixture
def unconfigured(make_app, served_file):
    """An app served on port 8080 (PORT=8080) with no base URL set."""
    return make_app(server={"base_url": "", "port": 8080})


class ServedAt:
    """A test client whose every request goes to one address (host, port, scheme), as a browser's would."""

    def __init__(self, client, base: str):
        self.client, self.base = client, base

    def get(self, *args, **kwargs):
        return self.client.get(*args, base_url=self.base, **kwargs)

    def post(self, *args, **kwargs):
        # A browser sends the page it came from; over https the CSRF check asks for it.
        return self.client.post(*args, base_url=self.base, headers={"Referer": self.base + "/"}, **kwargs)


def served_client(app, host: str, scheme: str = "http") -> PortalClient:
    """A browser that reaches the portal at host (its Host header), over scheme."""
    return PortalClient(ServedAt(app.test_client(), f"{scheme}://{host}"))


def reset_email_text() -> str:
    return Email.get(Email.subject == "Reset your password").text_body


def test_emailed_links_follow_the_served_port(unconfigured, create_user, db):
    create_user("mia@example.org")
    client = served_client(unconfigured, "127.0.0.1:8080")

    response = client.submit("/password/forgot", {"email": "mia@example.org"})

    assert response.status_code == 200
    assert "http://127.0.0.1:8080/password/reset/" in reset_email_text()


def test_microsoft_redirect_addresses_follow_the_served_port(unconfigured, admin, db):
    client = served_client(unconfigured, "127.0.0.1:8080")
    client.login("admin@example.org")

    page = client.get("/admin/settings").get_data(as_text=True)

    assert "http://127.0.0.1:8080/calendar/connect/microsoft/callback" in page
    assert ":5000" not in page


def test_a_job_uses_the_last_served_address(make_app, db, served_file):
    app = make_app(server={"base_url": "", "port": 8080, "trusted_hosts": ["portal.lan"]})
    served_client(app, "portal.lan:8080").get("/login")

    with app.app_context(), job_context():
        address = links.absolute_url("accounts.login")

    assert address == "http://portal.lan:8080/login"


def test_a_forged_host_never_reaches_an_email(unconfigured, create_user, db, served_file):
    create_user("mia@example.org")
    served_client(unconfigured, "127.0.0.1:8080").get("/login")

    response = served_client(unconfigured, "evil.example:8080").submit("/password/forgot", {"email": "mia@example.org"})

    assert response.status_code == 200
    assert "http://127.0.0.1:8080/password/reset/" in reset_email_text()
    assert "evil.example" not in reset_email_text()
    assert "evil.example" not in served_file.read_text()


def test_a_job_before_any_page_uses_the_configured_host_and_port(unconfigured, db, served_file):
    with unconfigured.app_context(), job_context():
        address = links.absolute_url("accounts.login")

    assert address == "http://127.0.0.1:8080/login"


def test_a_configured_base_url_wins_over_the_request(make_app, create_user, db, served_file):
    app = make_app(server={"base_url": "https://portal.example.org"})
    create_user("mia@example.org")

    served_client(app, "127.0.0.1:8080").submit("/password/forgot", {"email": "mia@example.org"})

    assert "https://portal.example.org/password/reset/" in reset_email_text()
    assert not served_file.exists()


@pytest.fixture
def under_a_path(make_app, served_file):
    return make_app(server={"base_url": "https://intranet.example/mentoring"})


@pytest.mark.parametrize("proxy_keeps_prefix", [True, False])
def test_pages_link_under_the_base_path(under_a_path, admin, proxy_keeps_prefix, db):
    client = served_client(under_a_path, "intranet.example", "https")
    path = "/mentoring/login" if proxy_keeps_prefix else "/login"

    page = client.get(path).get_data(as_text=True)

    assert 'href="/mentoring/password/forgot"' in page
    assert 'href="/login"' not in page and 'href="/static/' not in page
    assert "/mentoring/static/" in page


def test_emails_and_jobs_link_under_the_base_path(under_a_path, create_user, db):
    create_user("mia@example.org")
    client = served_client(under_a_path, "intranet.example", "https")

    client.submit("/mentoring/password/forgot", {"email": "mia@example.org"})
    with under_a_path.app_context(), job_context():
        from_a_job = links.absolute_url("pairing.directory")

    assert "https://intranet.example/mentoring/password/reset/" in reset_email_text()
    assert "/mentoring/mentoring/" not in reset_email_text()
    assert from_a_job.startswith("https://intranet.example/mentoring/") and "/mentoring/mentoring" not in from_a_job


def test_login_redirects_stay_under_the_base_path(under_a_path, admin, db):
    client = served_client(under_a_path, "intranet.example", "https")

    response = client.submit("/mentoring/login", {"email": "admin@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/mentoring/")
