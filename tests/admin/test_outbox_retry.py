"""Failed emails are retried from the outbox: one by one, or all after a confirmation that needs no JavaScript."""
from __future__ import annotations

import re

import pytest

from portal.models import AuditLog, Email, utcnow
from tests.conftest import PortalClient


@pytest.fixture
def smtp_client(smtp_app, admin):
    """An admin's browser on an app that delivers to the SMTP sink."""
    client = PortalClient(smtp_app.test_client())
    client.login(admin.email)
    return client


def failed(n: int, **fields) -> Email:
    values = {"to_address": f"person{n}@example.org", "subject": f"Subject {n}", "text_body": "Hello.",
              "status": "failed", "attempts": 7, "last_error": "ConnectionRefusedError: [Errno 111] refused"}
    return Email.create(**{**values, **fields})


def test_a_failed_email_has_a_retry_button_that_sends_it_once_and_is_audited(smtp_client, smtp_sink, admin, db):
    email = failed(1)

    listing = smtp_client.get("/admin/outbox").get_data(as_text=True)
    assert f'action="/admin/outbox/{email.id}/retry"' in listing
    page = smtp_client.get(f"/admin/outbox/{email.id}").get_data(as_text=True)
    assert f'action="/admin/outbox/{email.id}/retry"' in page and "Retry now" in page
    assert "past its retry window" in page

    response = smtp_client.submit(f"/admin/outbox/{email.id}/retry", page=f"/admin/outbox/{email.id}")
    assert response.status_code == 302 and response.location.endswith(f"/admin/outbox/{email.id}")
    assert len(smtp_sink.wait_for(1)) == 1
    row = Email.get_by_id(email.id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 8, None)
    entry = AuditLog.get(AuditLog.action == "email.retry")
    assert entry.actor_id == admin.id and entry.target == f"email:{email.id}"
    after = smtp_client.get(response.location).get_data(as_text=True)
    assert "Trying the email to person1@example.org again." in after and "Retry now" not in after

    again = smtp_client.submit(f"/admin/outbox/{email.id}/retry", page=f"/admin/outbox/{email.id}",
                               follow_redirects=True)
    assert again.status_code == 200
    assert "This email is sent, not failed: nothing to retry." in again.get_data(as_text=True)
    assert len(smtp_sink.messages) == 1
    assert AuditLog.select().where(AuditLog.action == "email.retry").count() == 1


def test_retry_from_the_list_returns_to_the_list(smtp_client, smtp_sink, db):
    email = failed(1)
    response = smtp_client.submit(f"/admin/outbox/{email.id}/retry", {"back": "outbox"}, page="/admin/outbox")
    assert response.status_code == 302 and response.location.endswith("/admin/outbox")
    smtp_sink.wait_for(1)


def test_retry_all_failed_asks_first_then_sends_each_once(smtp_client, smtp_sink, admin, db):
    emails = [failed(n) for n in range(1, 4)]
    sent = Email.create(to_address="done@example.org", subject="Done", text_body="Hi.", status="sent",
                        attempts=1, sent_at=utcnow())

    listing = smtp_client.get("/admin/outbox").get_data(as_text=True)
    assert "3 failed" in listing and 'href="/admin/outbox/retry"' in listing
    confirm = smtp_client.get("/admin/outbox/retry")
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "Try 3 failed emails again now?" in html
    assert re.search(r'<form method="post" action="/admin/outbox/retry">', html)
    assert "<script" not in html.split("<main", 1)[-1]
    assert smtp_sink.messages == [], "opening the confirmation sends nothing"

    response = smtp_client.submit("/admin/outbox/retry", page="/admin/outbox/retry", follow_redirects=True)
    assert response.status_code == 200
    assert "Trying 3 failed emails again." in response.get_data(as_text=True)
    smtp_sink.wait_for(3)
    assert sorted(m["to"][0] for m in smtp_sink.messages) == [e.to_address for e in emails]
    assert {Email.get_by_id(e.id).status for e in emails} == {"sent"}
    assert Email.get_by_id(sent.id).attempts == 1
    entry = AuditLog.get(AuditLog.action == "email.retry_all")
    assert entry.actor_id == admin.id and entry.details == {"count": 3}


def test_retry_all_with_nothing_failed_says_so(smtp_client, smtp_sink, db):
    page = smtp_client.get("/admin/outbox/retry")
    assert page.status_code == 200 and "There are no failed emails to retry." in page.get_data(as_text=True)
    response = smtp_client.submit("/admin/outbox/retry", page="/admin/outbox/retry", follow_redirects=True)
    assert "There are no failed emails to retry." in response.get_data(as_text=True)
    assert not AuditLog.select().where(AuditLog.action == "email.retry_all").exists()


def test_a_failed_email_still_being_retried_shows_when(client, admin, db):
    email = failed(1, next_attempt_at=utcnow().replace(year=2031, month=1, day=2, hour=3, minute=4))
    client.login(admin.email)
    page = client.get(f"/admin/outbox/{email.id}").get_data(as_text=True)
    assert "Next attempt" in page and "2 Jan 2031, 03:04 UTC" in page


def test_the_outbox_filters_by_every_status(client, admin, db):
    failed(1, status="sending")
    client.login(admin.email)
    page = client.get("/admin/outbox?status=sending").get_data(as_text=True)
    assert "Subject 1" in page and '<option value="sending" selected>' in page


def test_retrying_an_email_that_does_not_exist_is_a_404(smtp_client, db):
    assert smtp_client.submit("/admin/outbox/999/retry", page="/admin/outbox").status_code == 404
