"""The home-page message: an admin setting, validated and audited."""
from portal import settings
from portal.models import AuditLog


def test_admin_sets_home_message_and_everyone_sees_it(client, admin, program):
    client.login("admin@example.org")
    response = client.submit("/admin/settings/welcome", {"welcome_message": "Kick-off is on Thursday at 10:00."},
                             page="/admin/settings")
    assert response.status_code == 302
    assert settings.get(program, "welcome_message") == "Kick-off is on Thursday at 10:00."
    entry = AuditLog.get(AuditLog.action == "setting.update")
    assert entry.details["key"] == "welcome_message" and entry.actor_id == admin.id
    client.post("/logout", data={"csrf_token": client.token("/")})
    assert "Kick-off is on Thursday at 10:00." in client.get("/").get_data(as_text=True)


def test_too_long_message_is_refused_and_kept(client, admin, program):
    client.login("admin@example.org")
    text = "x" * 2100
    response = client.submit("/admin/settings/welcome", {"welcome_message": text}, page="/admin/settings")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Keep it under 2,000 characters." in html and text in html
    assert settings.get(program, "welcome_message") == ""


def test_saving_the_same_message_writes_no_audit_entry(client, admin, program):
    client.login("admin@example.org")
    client.submit("/admin/settings/welcome", {"welcome_message": "Hello"}, page="/admin/settings")
    client.submit("/admin/settings/welcome", {"welcome_message": "Hello"}, page="/admin/settings")
    assert AuditLog.select().where(AuditLog.action == "setting.update").count() == 1
