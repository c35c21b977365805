"""Programme settings: defined by their features, read once per request, saved a section at a time."""
from __future__ import annotations

import pytest

from portal import settings
from portal.models import AuditLog, Setting
from tests.statements import statements


class SettingQueries:
    """Counts the queries peewee sends that read the settings table, from `reads` set back to 0."""

    def __init__(self, made: list[str]):
        self.made, self.since = made, 0

    @property
    def reads(self) -> int:
        # A statement prepared on the server runs as EXECUTE, with the SELECT it stands for as a comment.
        return sum(1 for sql in self.made[self.since:]
                   if sql.startswith(("SELECT", "EXECUTE")) and 'SELECT' in sql and 'FROM "setting"' in sql)

    @reads.setter
    def reads(self, value: int) -> None:
        assert value == 0, "counting starts again from 0"
        self.since = len(self.made)


@pytest.fixture
def setting_reads():
    with statements() as made:
        yield SettingQueries(made)


@pytest.fixture
def unstorable():
    """A setting whose values the database cannot store (a set is not JSON), to make a save fail half-way."""
    settings.define("test_unstorable", None, set, "Only for the test that a failed save keeps nothing.")
    yield "test_unstorable"
    settings.DEFINITIONS.pop("test_unstorable")


def test_every_feature_setting_is_defined_with_its_type_and_a_line_of_help(app):
    assert {"welcome_message", "pairing_mode", "meeting_minutes", "reminder_feedback_days", "microsoft_tenant",
            "favourite_bonus", "survey_reminder_days"} <= settings.DEFINITIONS.keys()
    for key, definition in settings.DEFINITIONS.items():
        assert definition.key == key and definition.help.strip(), key
        assert isinstance(definition.default, definition.kind), key


def test_a_key_defined_twice_differently_is_refused(app):
    with pytest.raises(ValueError, match="defined twice"):
        settings.define("meeting_minutes", 45, int, "Another length.")


def test_settings_are_read_once_per_request(app, program, setting_reads):
    with app.test_request_context():
        values = [settings.get(program, key) for key in ("pairing_mode", "meeting_minutes", "shortlist_size")]
        settings.get_all(program)

    assert values == ["approval", 60, 3]
    assert setting_reads.reads == 1


def test_the_settings_page_reads_the_settings_table_once_after_a_change_and_not_again(client, admin, program,
                                                                                        setting_reads):
    client.login(admin.email)
    # Written as another process would: the database's trigger tells every process's copy (portal/steady.py).
    Setting.insert(program=program, key="meeting_minutes", value=45).execute()
    setting_reads.reads = 0

    changed = client.get("/admin/settings")
    read_after_the_change = setting_reads.reads
    again = client.get("/admin/settings")

    assert changed.status_code == 200 and again.status_code == 200
    assert 'value="45"' in changed.text and 'value="45"' in again.text
    assert read_after_the_change == 1
    assert setting_reads.reads == 1


def test_a_write_is_read_back_in_the_same_request(app, program, admin):
    with app.test_request_context():
        assert settings.get(program, "shortlist_size") == 3
        settings.set(program, "shortlist_size", 5, admin)

        assert settings.get(program, "shortlist_size") == 5


def test_a_section_saves_together_and_returns_what_changed(app, program, admin):
    with app.test_request_context():
        changed = settings.save(program, {"shortlist_size": "4", "pairing_mode": "approval", "first_contact": "mentee"},
                                admin)

    assert changed == ["shortlist_size", "first_contact"]
    assert settings.get(program, "shortlist_size") == 4 and settings.get(program, "first_contact") == "mentee"
    audited = AuditLog.select().where(AuditLog.action == "setting.update").order_by(AuditLog.id)
    assert [(a.details["key"], a.details["after"]) for a in audited] == [("shortlist_size", 4),
                                                                         ("first_contact", "mentee")]


def test_a_section_that_fails_half_way_keeps_none_of_its_changes(app, program, admin, unstorable):
    with app.test_request_context():
        with pytest.raises(TypeError):
            settings.save(program, {"shortlist_size": 5, unstorable: {"not", "json"}}, admin)

        # Nothing half-saved lingers in the request's cache either.
        assert settings.get(program, "shortlist_size") == 3
    assert Setting.select().where(Setting.program == program).count() == 0
    assert AuditLog.select().where(AuditLog.action == "setting.update").count() == 0


def test_a_save_inside_a_transaction_that_rolls_back_leaves_no_cached_value(app, program, admin):
    from portal.db import database

    with app.test_request_context():
        with pytest.raises(RuntimeError):
            with database.atomic():
                settings.save(program, {"shortlist_size": 5}, admin)
                assert settings.get(program, "shortlist_size") == 5
                raise RuntimeError("the caller's operation failed after the save")

        assert settings.get(program, "shortlist_size") == 3
        with database.atomic():
            settings.save(program, {"shortlist_size": 4}, admin)
        assert settings.get(program, "shortlist_size") == 4
