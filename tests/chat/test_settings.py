"""The chat channels section of the settings page: webhook addresses are validated, stored encrypted, never shown
back in full, and each can be tested with a button."""
from __future__ import annotations

from portal import settings
from portal.chat import addresses
from portal.models import AuditLog, Setting
from tests.page import Page


def save(client, **fields):
    return client.submit("/admin/settings/chat", fields, page="/admin/settings")


def test_an_address_is_stored_encrypted_and_shown_only_by_its_ends(app, admin_client, dated, standin):
    response = save(admin_client, slack_webhook_url=f"  {standin.slack_url} ")

    assert response.status_code == 302 and response.headers["Location"] == "/admin/settings#chat"
    stored = Setting.get(Setting.key == "slack_webhook_url").value
    assert "secretslackpart" not in stored and stored.startswith("gAAAA")
    with app.app_context():
        assert addresses.url_of(dated, "slack") == standin.slack_url
    assert "secretslackpart" not in str([e.details for e in AuditLog.select()])
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "secretslackpart" not in page
    assert "https://127.0.0.1/…1234" in page and "Chat channels saved." in page
    assert Page(page).values["slack_webhook_url"] == ""


def test_an_address_that_is_not_https_is_refused_with_what_was_typed(admin_client, dated):
    response = save(admin_client, slack_webhook_url="http://hooks.slack.com/services/T0/B0/x",
                    teams_webhook_url="not an address")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    errors = Page(page).errors
    assert errors["slack_webhook_url"] == errors["teams_webhook_url"] == (
        "Paste the whole webhook address; it starts with https://.")
    assert 'value="http://hooks.slack.com/services/T0/B0/x"' in page
    assert Setting.select().where(Setting.key.in_(["slack_webhook_url", "teams_webhook_url"])).count() == 0


def test_an_empty_field_keeps_the_address_and_the_box_removes_it(app, admin_client, dated, standin):
    save(admin_client, slack_webhook_url=standin.slack_url, teams_webhook_url=standin.teams_url)

    assert "Nothing changed." in admin_client.get(save(admin_client).headers["Location"]).get_data(as_text=True)
    save(admin_client, slack_webhook_url=standin.slack_url)
    with app.app_context():
        assert addresses.configured(dated) == {"slack": standin.slack_url, "teams": standin.teams_url}

    save(admin_client, forget_teams="y")

    with app.app_context():
        assert addresses.configured(dated) == {"slack": standin.slack_url}
    assert settings.get(dated, "teams_webhook_url") == ""


def test_the_test_button_posts_a_test_message_and_says_so(app, admin_client, dated, standin):
    save(admin_client, teams_webhook_url=standin.teams_url)
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "Send a test message to Microsoft Teams" in page and "Send a test message to Slack" not in page

    response = admin_client.submit("/admin/settings/chat/test", {"channel": "teams"}, page="/admin/settings")

    assert response.status_code == 302
    assert "Microsoft Teams: the test message was posted." in admin_client.get("/admin/settings").get_data(as_text=True)
    ((channel, _, body),) = standin.posts
    assert channel == "teams" and body["attachments"][0]["content"]["body"][0]["text"].endswith("test message")


def test_the_test_button_tells_when_the_channel_is_down(admin_client, dated, standin):
    save(admin_client, slack_webhook_url=standin.slack_url)
    standin.answer_next(500)

    admin_client.submit("/admin/settings/chat/test", {"channel": "slack"}, page="/admin/settings")

    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "Slack: the test message was not posted. The channel&#39;s server failed (500)." in page
    assert standin.posts == []


def test_the_test_button_needs_a_set_channel(admin_client, dated):
    response = admin_client.submit("/admin/settings/chat/test", {"channel": "slack"}, page="/admin/settings")
    assert response.status_code == 302
    assert "No Slack webhook address is set." in admin_client.get("/admin/settings").get_data(as_text=True)

    admin_client.submit("/admin/settings/chat/test", {"channel": "irc"}, page="/admin/settings")
    assert "Choose Slack or Microsoft Teams to test." in admin_client.get("/admin/settings").get_data(as_text=True)


def test_an_address_under_the_previous_key_is_read_and_stored_again_under_the_new_one(app, dated, monkeypatch):
    with app.app_context():
        addresses.save(dated, {"slack": "https://hooks.slack.com/services/T0/B0/rotatedsecret"}, None)
    monkeypatch.setenv("CALENDAR_SECRET_PREVIOUS", "chat-secret-for-channel-tests-0123456789")
    monkeypatch.setenv("CALENDAR_SECRET", "a-new-key-for-the-channel-tests-9876543210")
    with app.app_context():
        assert addresses.url_of(dated, "slack") == "https://hooks.slack.com/services/T0/B0/rotatedsecret"

    monkeypatch.delenv("CALENDAR_SECRET_PREVIOUS")
    with app.app_context():
        assert addresses.url_of(dated, "slack") == "https://hooks.slack.com/services/T0/B0/rotatedsecret"
    monkeypatch.setenv("CALENDAR_SECRET", "yet-another-key-nobody-stored-under-000000")
    with app.app_context():
        assert addresses.url_of(dated, "slack") == ""
        assert addresses.status(dated)[0]["unreadable"] is True
