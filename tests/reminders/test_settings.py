"""The Reminders section of the settings page: switches and delays saved together, bad input refused and kept."""
from __future__ import annotations

import pytest

from portal import settings
from portal.models import AuditLog, Program
from tests.page import Page

DEFAULTS = {
    "reminder_questionnaire_enabled": "y", "reminder_questionnaire_days": "3",
    "reminder_unpaired_enabled": "y", "reminder_unpaired_days": "7",
    "reminder_first_meeting_enabled": "y", "reminder_first_meeting_days": "14",
    "reminder_quiet_pair_enabled": "y", "reminder_quiet_pair_days": "45",
    "reminder_feedback_enabled": "y", "reminder_feedback_days": "2",
    "feedback_request_enabled": "y",
}


@pytest.fixture
def admin_client(client, admin):
    client.login(admin.email)
    return client


def save(client, **changes):
    """Submit the Reminders form as filled in with the defaults, with `changes` (None leaves a box unticked)."""
    data = {key: value for key, value in {**DEFAULTS, **changes}.items() if value is not None}
    response = client.submit("/admin/settings/reminders", data, page="/admin/settings")
    return response, Page(response.get_data(as_text=True))


def test_the_section_shows_every_reminder_on_with_its_default_delay(admin_client):
    page = Page(admin_client.get("/admin/settings").get_data(as_text=True))
    for key, value in DEFAULTS.items():
        if key.endswith("_days"):
            assert page.values[key] == value
        else:
            assert page.checked[key] == ["y"]


def test_saving_changes_switches_and_delays_together_and_audits_each(admin_client, admin):
    response, _ = save(admin_client, reminder_quiet_pair_days="30", reminder_unpaired_enabled=None,
                       feedback_request_enabled=None)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/settings#reminders")
    program = Program.current()
    assert settings.get(program, "reminder_quiet_pair_days") == 30
    assert settings.get(program, "reminder_unpaired_enabled") is False
    assert settings.get(program, "feedback_request_enabled") is False
    assert settings.get(program, "reminder_feedback_days") == 2
    entries = {e.details["key"]: e for e in AuditLog.select().where(AuditLog.action == "setting.update")}
    assert set(entries) == {"reminder_quiet_pair_days", "reminder_unpaired_enabled", "feedback_request_enabled"}
    assert entries["reminder_quiet_pair_days"].details | {"actor": entries["reminder_quiet_pair_days"].actor_id} == {
        "key": "reminder_quiet_pair_days", "before": 45, "after": 30, "actor": admin.id}
    page = Page(admin_client.get("/admin/settings").get_data(as_text=True))
    assert page.values["reminder_quiet_pair_days"] == "30"
    assert "reminder_unpaired_enabled" not in page.checked


def test_saving_unchanged_settings_changes_nothing(admin_client):
    response, _ = save(admin_client)
    assert response.status_code == 302
    assert AuditLog.select().where(AuditLog.action == "setting.update").count() == 0


@pytest.mark.parametrize("typed, message", [
    ("0", "Between 1 and 365 days."),
    ("366", "Between 1 and 365 days."),
    ("soon", "Enter a whole number of days."),
    ("", "Enter a whole number of days."),
])
def test_a_bad_delay_is_refused_with_what_was_typed_kept_and_nothing_saved(admin_client, typed, message):
    response, page = save(admin_client, reminder_feedback_days=typed, reminder_quiet_pair_days="30",
                          reminder_questionnaire_enabled=None)
    assert response.status_code == 400
    assert message in page.errors["reminder_feedback_days"]
    assert page.values["reminder_feedback_days"] == typed
    assert page.values["reminder_quiet_pair_days"] == "30"
    assert "reminder_questionnaire_enabled" not in page.checked
    program = Program.current()
    assert settings.get(program, "reminder_quiet_pair_days") == 45
    assert settings.get(program, "reminder_questionnaire_enabled") is True


def test_saving_reminders_is_forbidden_to_a_mentee(client, create_user):
    create_user("mentee@example.org")
    client.login("mentee@example.org")
    response = client.submit("/admin/settings/reminders", {**DEFAULTS, "reminder_feedback_days": "9"}, page="/")
    assert response.status_code == 403
    assert settings.get(Program.current(), "reminder_feedback_days") == 2


def test_saving_without_the_form_token_is_refused(admin_client):
    response = admin_client.post("/admin/settings/reminders", data={**DEFAULTS, "reminder_feedback_days": "9"})
    assert response.status_code == 400
    assert settings.get(Program.current(), "reminder_feedback_days") == 2
