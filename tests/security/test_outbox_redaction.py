"""The outbox shows every email as stored but hands admins no working personal link: the secrets of password-reset,
agenda, feedback, survey and calendar-feed addresses are replaced by "…" in the text, the HTML and the invite
attachments, while the stored email (which delivery needs) keeps them."""
from __future__ import annotations

import re

import pytest
from flask import url_for

from portal import links, mail
from portal.accounts import emails as accounts
from portal.meetings import invitations
from portal.models import Email
from portal.redaction import MARK, Redactor
from tests.meetings.conftest import calendar_secret, frozen, pair  # noqa: F401
from tests.pairing.conftest import browser, within  # noqa: F401
from tests.security.test_personal_links import meeting  # noqa: F401


def fold(line: str) -> str:
    """An iCalendar content line folded at 75 octets, as calendar apps and our invites write them."""
    chunks = [line[:75]] + [line[i:i + 74] for i in range(75, len(line), 74)]
    return "\r\n ".join(chunks)


@pytest.fixture
def secrets_mailed(app, pair, meeting, within):
    """An email carrying one of each personal link, made by the portal's own link makers: (email, the secrets)."""
    match, mentor, mentee = pair
    with within():
        reset = accounts.reset_token(mentee)
        meeting_token = invitations.link_token(meeting, mentee)
        survey = links.make_token("survey", {"survey": 1, "user": mentee.id})
        feed = "s3cr3t-Feed_secret-0123456789abcdefghij"
        addresses = [links.absolute_url("accounts.reset_password", token=reset),
                     invitations.agenda_url(meeting, mentee), invitations.feedback_url(meeting, mentee),
                     links.absolute_url("surveys.answer_link", token=survey),
                     url_for("meetings.feed", secret=feed, _external=True)]
        text = "\n".join(f"Open {a}." for a in addresses)
        html = "".join(f'<p><a href="{a}" style="color:#1d6fd6">link</a> {a}</p>' for a in addresses)
        ics = "BEGIN:VCALENDAR\r\n" + "\r\n".join(fold(f"URL:{a}") for a in addresses) + "\r\nEND:VCALENDAR\r\n"
        email = mail.send(mentee.email, "All your links", text, html, parts=[
            {"kind": "attachment", "maintype": "text", "subtype": "calendar", "filename": "invite.ics",
             "content": ics, "params": {"method": "REQUEST"}}])
    return email, [reset, meeting_token, survey, feed]


def test_the_outbox_hides_every_links_secret_in_text_html_and_attachments(browser, admin, secrets_mailed):
    email, secrets = secrets_mailed
    ada = browser(admin.email)

    page = ada.get(f"/admin/outbox/{email.id}")
    preview = ada.get(f"/admin/outbox/{email.id}/html")

    assert page.status_code == 200 and preview.status_code == 200
    shown = page.get_data(as_text=True) + preview.get_data(as_text=True)
    for secret in secrets:
        assert secret not in shown
        assert secret[:20] not in shown  # not even the part before a fold of the invite
    for path in ("/password/reset/…", "/sessions/agenda/…", "/sessions/feedback/…", "/surveys/answer/…",
                 "/calendar/feed/….ics"):
        assert shown.count(path) >= 3, path  # text, HTML preview, invite attachment
    assert "invite.ics" in page.get_data(as_text=True)
    # The preview keeps the email's own inline styles, under a policy of its own that runs nothing.
    assert 'style="color:#1d6fd6"' in preview.get_data(as_text=True)
    assert "script-src" not in preview.headers["Content-Security-Policy"]
    assert "default-src 'none'" in preview.headers["Content-Security-Policy"]


def test_the_stored_email_keeps_its_links_for_delivery(browser, admin, secrets_mailed):
    email, secrets = secrets_mailed
    browser(admin.email).get(f"/admin/outbox/{email.id}")

    stored = Email.get_by_id(email.id)
    assert all(s in stored.text_body and s in stored.html_body for s in secrets)
    assert secrets[1][:20] in stored.parts[0]["content"]


def test_a_real_password_reset_email_shows_no_working_link(client, browser, admin, create_user):
    create_user("mia@example.org")
    client.submit("/password/forgot", {"email": "mia@example.org"})
    email = Email.get(Email.to_address == "mia@example.org")
    token = re.search(r"/password/reset/([A-Za-z0-9_.-]+)", email.text_body).group(1)

    page = browser(admin.email).get(f"/admin/outbox/{email.id}").get_data(as_text=True)

    assert token not in page and "/password/reset/…" in page
    assert client.get("/password/reset/…").status_code == 404


def test_every_address_with_a_secret_in_the_url_map_is_redacted(app):
    """A new route with a <token> or <secret> is covered without anyone remembering to add it."""
    redactor = Redactor(app.url_map)
    adapter = app.url_map.bind("portal.example.org")
    secret = "eyJ1IjoxfQ.aBcD_eF-gh.IjKlMnOpQrStUvWxYz0123"
    covered = []
    for rule in app.url_map.iter_rules():
        if not rule.arguments & {"token", "secret"}:
            continue
        address = adapter.build(rule.endpoint, {a: secret if a in ("token", "secret") else 7 for a in rule.arguments},
                                force_external=True)
        assert secret not in redactor.text(f"see {address} and {address}?next=1"), rule.rule
        assert MARK in redactor.text(address)
        covered.append(rule.endpoint)
    assert {"accounts.reset_password", "meetings.agenda", "meetings.feedback", "meetings.feed",
            "surveys.answer_link", "meetings.save_linked_note"} <= set(covered)
