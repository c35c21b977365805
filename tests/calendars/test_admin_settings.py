"""The Calendars section of the admin settings: Microsoft 365 tenant and application id, and the client secret."""
from __future__ import annotations

import pytest

from portal import settings
from portal.models import AuditLog
from tests.page import Page

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CLIENT = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"


@pytest.fixture
def admin_client(client, admin):
    client.login(admin.email)
    return client


def save(client, tenant: str, client_id: str):
    response = client.submit("/admin/settings/calendars",
                             {"microsoft_tenant": tenant, "microsoft_client_id": client_id}, page="/admin/settings")
    return response, Page(response.get_data(as_text=True))


VALID = [(TENANT, TENANT), (TENANT.upper(), TENANT), ("  Contoso.OnMicrosoft.com ", "contoso.onmicrosoft.com"),
         ("example.org", "example.org")]


def test_a_tenant_id_or_domain_and_a_client_id_are_saved_and_audited(admin_client, admin, program):
    response, _ = save(admin_client, TENANT, CLIENT.upper())

    assert response.status_code == 302 and response.headers["Location"] == "/admin/settings#calendars"
    assert settings.get(program, "microsoft_tenant") == TENANT
    assert settings.get(program, "microsoft_client_id") == CLIENT
    entries = AuditLog.select().where(AuditLog.action == "setting.update").order_by(AuditLog.id)
    assert [(e.actor_id, e.details["key"], e.details["after"]) for e in entries] == [
        (admin.id, "microsoft_tenant", TENANT), (admin.id, "microsoft_client_id", CLIENT)]
    page = Page(admin_client.get("/admin/settings").get_data(as_text=True))
    assert (page.values["microsoft_tenant"], page.values["microsoft_client_id"]) == (TENANT, CLIENT)


def test_tenants_are_ids_or_domains_kept_in_lower_case(admin_client, program):
    for typed, stored in reversed(VALID):  # each save changes the value
        response, _ = save(admin_client, typed, CLIENT)
        assert response.status_code == 302, typed
        assert settings.get(program, "microsoft_tenant") == stored


def test_both_empty_turns_microsoft_off(admin_client, program):
    settings.set(program, "microsoft_tenant", TENANT, None)
    settings.set(program, "microsoft_client_id", CLIENT, None)

    response, _ = save(admin_client, "", "  ")

    assert response.status_code == 302
    assert (settings.get(program, "microsoft_tenant"), settings.get(program, "microsoft_client_id")) == ("", "")


INVALID = [
    ("not a tenant", CLIENT, "microsoft_tenant", "Enter the tenant id"),
    ("https://login.microsoftonline.com/contoso", CLIENT, "microsoft_tenant", "Enter the tenant id"),
    ("contoso", CLIENT, "microsoft_tenant", "Enter the tenant id"),
    (TENANT, "portal-client", "microsoft_client_id", "Enter the application id"),
    (TENANT, TENANT + "0", "microsoft_client_id", "Enter the application id"),
    (TENANT, "", "microsoft_client_id", "Enter both"),
    ("", CLIENT, "microsoft_tenant", "Enter both"),
]


def test_invalid_values_are_refused_and_kept_for_correction(admin_client, program):
    # One app for all cases: nothing is saved, so they cannot affect each other.
    for tenant, client_id, field, message in INVALID:
        response, page = save(admin_client, tenant, client_id)

        assert response.status_code == 400, (tenant, client_id)
        assert message in page.errors.get(field, ""), (tenant, client_id, page.errors)
        assert page.values["microsoft_tenant"] == tenant and page.values["microsoft_client_id"] == client_id
        assert settings.get(program, "microsoft_tenant") == "" and settings.get(program, "microsoft_client_id") == ""


def test_the_page_says_whether_the_client_secret_is_present_but_never_shows_it(admin_client, program, monkeypatch):
    monkeypatch.delenv("MICROSOFT_CLIENT_SECRET", raising=False)
    html = admin_client.get("/admin/settings").get_data(as_text=True)
    assert 'id="microsoft-secret">not set' in html and "MICROSOFT_CLIENT_SECRET" in html
    assert "http://localhost/calendar/connect/microsoft/callback" in html
    assert "http://localhost/login/microsoft/callback" in html

    monkeypatch.setenv("MICROSOFT_CLIENT_SECRET", "s3cr3t-value-from-entra")
    settings.set(program, "microsoft_tenant", TENANT, None)
    settings.set(program, "microsoft_client_id", CLIENT, None)
    html = admin_client.get("/admin/settings").get_data(as_text=True)
    assert 'id="microsoft-secret">present' in html and "Microsoft 365 is <strong>on</strong>" in html
    assert "s3cr3t-value-from-entra" not in html


def test_a_mentee_cannot_change_the_calendar_settings(client, create_user, program):
    create_user("mia@example.org")
    client.login("mia@example.org")

    response = client.submit("/admin/settings/calendars", {"microsoft_tenant": TENANT, "microsoft_client_id": CLIENT},
                             page="/")

    assert response.status_code == 403 and settings.get(program, "microsoft_tenant") == ""
