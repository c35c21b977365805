"""The CalDAV connection form cannot make the portal fetch its own network, and its answers tell nothing about
other hosts: internal addresses are refused unless an admin allows them, on every redirect too, and whatever keeps
the portal from a server (refused, closed, silent) reads the same.

Each refusal is shown to connect nothing: the address is a Listener that records every connection it accepts.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import logging
import re

import pytest

from calendar_sync.caldav_source import NOT_REACHED
from calendar_sync.errors import AddressNotAllowed
from portal import settings
from portal.calendars import connections
from portal.models import AuditLog, CalendarConnection
from tests.calendar_sync import peers
from tests.calendar_sync.conftest import caldav_account, radicale  # noqa: F401
from tests.page import Page

START = datetime(2031, 3, 17, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def calendar_secret(monkeypatch):
    monkeypatch.setenv("CALENDAR_SECRET", "calendar-secret-for-security-tests-0123456789")


@pytest.fixture
def mentor(create_user):
    return create_user("mentor@contoso.example", roles=("mentor",), name="Mina Mentor")


@pytest.fixture
def mentor_client(client, mentor):
    client.login(mentor.email)
    return client


@pytest.fixture
def listener():
    with peers.Listener() as listening:
        yield listening


def connect(client, url, username="someone", password="app-password"):
    response = client.submit("/calendar/connect", {"url": url, "username": username, "password": password})
    return response, Page(response.get_data(as_text=True))


def allow(program, text: str) -> None:
    settings.set(program, "calendar_allowed_hosts", text, None)


def assert_not_reached(response, page, url, mentor):
    """The one answer for every server the portal cannot talk to: next to the address, which is kept."""
    assert response.status_code == 400
    assert page.errors["url"] == NOT_REACHED
    assert page.values["url"] == url and page.values["username"] == "someone"
    assert CalendarConnection.get_or_none(CalendarConnection.user == mentor) is None


INTERNAL = [
    "http://127.0.0.1:{port}/remote.php/dav/",
    "http://localhost:{port}/",  # a name that resolves to 127.0.0.1
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://2130706433:{port}/",
]


@pytest.mark.parametrize("form", INTERNAL)
def test_loopback_is_refused_by_default_with_the_neutral_message_and_nothing_connects(
        form, mentor_client, mentor, listener, db):
    url = form.format(port=listener.port)

    response, page = connect(mentor_client, url)

    assert_not_reached(response, page, url, mentor)
    assert listener.accepted == []


@pytest.mark.parametrize("url", [
    "http://10.1.2.3/dav/", "http://192.168.0.10:8080/", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8008/", "http://[fe80::1]/", "http://[fd00::5]/", "http://0.0.0.0:5000/",
])
def test_private_link_local_and_ipv6_internal_addresses_are_refused_by_default(url, mentor_client, mentor, db,
                                                                               caplog):
    caplog.set_level(logging.WARNING, logger="calendar_sync.guarded_http")

    response, page = connect(mentor_client, url)

    assert_not_reached(response, page, url, mentor)
    # Refused by the portal, not merely unanswered: the log says so (the person is not told).
    assert any(f"resolves to {urlsplit(url).hostname}," in record.getMessage() for record in caplog.records), caplog.text


def test_refused_closed_and_silent_read_alike(app, mentor_client, mentor, program, free_tcp_port):
    """A refused address, a closed port and a server that lets the request time out give the same page."""
    app.config["PORTAL"]["calendar"]["timeout_seconds"] = 0.5
    allow(program, "127.0.0.1\n127.0.0.2")  # so the closed and the silent one are really tried; 127.0.0.3 is not
    with peers.Listener("127.0.0.3") as refused_one, peers.Listener("127.0.0.1") as silent_one:
        urls = {"refused": f"http://127.0.0.3:{refused_one.port}/", "closed": f"http://127.0.0.2:{free_tcp_port}/",
                "silent": f"http://127.0.0.1:{silent_one.port}/"}
        answers = {}
        for name, url in urls.items():
            response, page = connect(mentor_client, url)
            assert_not_reached(response, page, url, mentor)
            # CSRF tokens carry the second they were made in, wherever the page puts them (forms, htmx headers).
            html = re.sub(r'[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}', "TOKEN", response.get_data(as_text=True))
            answers[name] = html.replace(url, "URL")

    assert refused_one.accepted == [] and len(silent_one.accepted) == 1
    assert answers["refused"] == answers["closed"] == answers["silent"]


def test_a_redirect_from_an_allowed_server_to_a_refused_address_is_not_followed(
        mentor_client, mentor, program, listener):
    allow(program, "localhost")  # the redirecting server is allowed by its name; 127.0.0.1 as such is not
    with peers.web_server(peers.redirecting_to(f"http://127.0.0.1:{listener.port}/dav/")) as url:
        allowed = url.replace("127.0.0.1", "localhost")

        response, page = connect(mentor_client, allowed)

    assert_not_reached(response, page, allowed, mentor)
    assert listener.accepted == []


def test_the_allow_list_lets_a_host_or_a_network_through(mentor_client, mentor, program, caldav_account):
    for allowed, url in [("localhost", caldav_account.url.replace("127.0.0.1", "localhost")),
                         ("127.0.0.0/8", caldav_account.url)]:
        allow(program, allowed)

        response, _ = connect(mentor_client, url, caldav_account.username, caldav_account.password)

        assert response.status_code == 302, (allowed, response.get_data(as_text=True)[:2000])
        assert CalendarConnection.get(CalendarConnection.user == mentor).url == url


def test_a_wrong_password_on_an_allowed_server_is_told_apart(mentor_client, mentor, program, caldav_account):
    allow(program, "127.0.0.1")

    response, page = connect(mentor_client, caldav_account.url, caldav_account.username, "not the password")

    assert response.status_code == 400
    assert "refused the user name or password" in page.errors["password"]
    assert "url" not in page.errors


def test_a_stored_connection_is_checked_again_on_every_use(app, mentor_client, mentor, program, caldav_account):
    """Taking a network off the allow-list stops the portal fetching it, for connections made before too."""
    allow(program, "127.0.0.1")
    response, _ = connect(mentor_client, caldav_account.url, caldav_account.username, caldav_account.password)
    assert response.status_code == 302
    allow(program, "")

    with app.test_request_context(), pytest.raises(AddressNotAllowed) as caught:
        connections.busy(mentor, START, START + timedelta(days=1), "Europe/London")

    assert caught.value.message == NOT_REACHED
    assert CalendarConnection.get(CalendarConnection.user == mentor).status == "ok"  # not the person's to mend


# --- the admin's allow-list -------------------------------------------------------------------------------------

@pytest.fixture
def admin_client(client, admin):
    client.login(admin.email)
    return client


def save_allow_list(client, text: str):
    response = client.submit("/admin/settings/calendars",
                             {"microsoft_tenant": "", "microsoft_client_id": "", "calendar_allowed_hosts": text},
                             page="/admin/settings")
    return response, Page(response.get_data(as_text=True))


def test_an_admin_allows_hosts_and_networks_one_per_line(admin_client, admin, program):
    response, _ = save_allow_list(admin_client, "  nextcloud.intra.example \r\n\r\n10.20.0.0/16\r\nfd00::/8\r\n")

    assert response.status_code == 302 and response.headers["Location"] == "/admin/settings#calendars"
    assert settings.get(program, "calendar_allowed_hosts") == "nextcloud.intra.example\n10.20.0.0/16\nfd00::/8"
    [entry] = AuditLog.select().where(AuditLog.action == "setting.update")
    assert entry.actor_id == admin.id and entry.details["key"] == "calendar_allowed_hosts"
    page = Page(admin_client.get("/admin/settings").get_data(as_text=True))
    assert page.values["calendar_allowed_hosts"] == "nextcloud.intra.example\n10.20.0.0/16\nfd00::/8"


@pytest.mark.parametrize("line, says", [
    ("https://nextcloud.intra.example/remote.php/dav", "without https://"),
    ("10.20.0.1/16", "did you mean 10.20.0.0/16?"),
    ("nextcloud.intra.example:8443", "without https://"),
    ("10.0.0.300", "is not a host name or a network"),
])
def test_lines_that_are_not_a_host_or_a_network_are_field_errors_and_kept(line, says, admin_client, program):
    typed = f"cal.example.org\n{line}"

    response, page = save_allow_list(admin_client, typed)

    assert response.status_code == 400
    assert "Line 2:" in page.errors["calendar_allowed_hosts"] and says in page.errors["calendar_allowed_hosts"]
    assert page.values["calendar_allowed_hosts"] == typed
    assert settings.get(program, "calendar_allowed_hosts") == ""
