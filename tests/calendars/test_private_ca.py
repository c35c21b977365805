"""A CalDAV server whose certificate comes from the organisation's own certificate authority (a Radicale over TLS
with a trustme CA): refused until an admin adds that authority in the settings, pasted or as a file, and public
authorities stay trusted beside it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from calendar_sync import trust
from calendar_sync.caldav_source import NOT_REACHED
from portal import settings
from portal.calendars import connections
from tests.calendar_sync.peers import Radicale
from tests.calendars.conftest import START, connection, in_app
from tests.conftest import PortalClient
from tests.page import Page


@pytest.fixture(scope="module")
def internal_radicale(tmp_path_factory):
    """Radicale over HTTPS, its certificate signed by a private CA."""
    server = Radicale(tmp_path_factory.mktemp("radicale-tls"), tls=True).start()
    yield server
    server.stop()


@pytest.fixture
def account(internal_radicale):
    name, password = internal_radicale.add_user()
    internal_radicale.make_calendar(name, password)
    return name, password


@pytest.fixture
def admin_client(app, admin):
    client = PortalClient(app.test_client())
    client.login(admin.email)
    return client


def save(client, ca_bundle: str):
    response = client.submit("/admin/settings/calendars",
                             {"calendar_allowed_hosts": "127.0.0.1", "calendar_ca_bundle": ca_bundle},
                             page="/admin/settings")
    return response, Page(response.get_data(as_text=True))


def connect(client, url, name, password):
    response = client.submit("/calendar/connect", {"url": url, "username": name, "password": password})
    return response, Page(response.get_data(as_text=True))


def test_a_private_ca_is_refused_until_the_admin_pastes_it(admin_client, mentor_client, mentor, program,
                                                           internal_radicale, account):
    settings.set(program, "calendar_allowed_hosts", "127.0.0.1", None)
    response, page = connect(mentor_client, internal_radicale.url, *account)
    assert response.status_code == 400
    assert page.errors["url"] == NOT_REACHED and page.values["url"] == internal_radicale.url
    assert connection(mentor) is None

    response, _ = save(admin_client, internal_radicale.ca_pem)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert settings.get(program, "calendar_ca_bundle") == internal_radicale.ca_pem.strip()

    response, _ = connect(mentor_client, internal_radicale.url, *account)
    assert response.status_code == 302
    assert connection(mentor).calendar_url.startswith(internal_radicale.url)


def test_a_ca_file_on_the_server_works_too_and_reads_and_writes_go_through(
        app, admin_client, mentor_client, mentor, internal_radicale, account):
    response, _ = save(admin_client, str(internal_radicale.ca_file))
    assert response.status_code == 302
    assert connect(mentor_client, internal_radicale.url, *account)[0].status_code == 302

    from tests.calendars.conftest import meeting

    with in_app(app):
        assert connections.write_event(mentor, meeting()).remote_id
        busy = connections.busy(mentor, START, START + timedelta(days=7), "Europe/London")
    assert [i.start for i in busy.intervals] == [meeting().start]


def test_another_private_ca_does_not_open_the_server(admin_client, mentor_client, mentor, internal_radicale, account,
                                                     tmp_path):
    import trustme

    response, _ = save(admin_client, trustme.CA().cert_pem.bytes().decode())
    assert response.status_code == 302
    response, page = connect(mentor_client, internal_radicale.url, *account)
    assert response.status_code == 400 and page.errors["url"] == NOT_REACHED


@pytest.mark.parametrize(("typed", "says"), [
    ("/nowhere/internal-ca.pem", "cannot read a certificate file"),
    ("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----", "not a valid PEM"),
    ("leaf", "is a certificate authority"),
])
def test_the_form_refuses_what_is_no_certificate_authority_and_keeps_it(admin_client, program, internal_radicale,
                                                                        typed, says):
    if typed == "leaf":  # the server's own certificate instead of its CA's
        typed = (internal_radicale.folder / "server.pem").read_text().split("-----END CERTIFICATE-----")[0]
        typed += "-----END CERTIFICATE-----"
    response, page = save(admin_client, typed)
    assert response.status_code == 400
    assert says in page.errors["calendar_ca_bundle"]
    assert page.values["calendar_ca_bundle"].strip() == typed.strip()
    assert settings.get(program, "calendar_ca_bundle") == ""


def test_public_authorities_stay_trusted_beside_the_private_one(internal_radicale):
    assert trust.verify("") is True
    bundle = trust.verify(internal_radicale.ca_pem)
    assert bundle.endswith(internal_radicale.ca_pem.strip() + "\n")
    assert bundle.count(trust.PEM_MARK) > 10  # the system's own authorities come first
