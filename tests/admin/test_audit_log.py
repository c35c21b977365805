"""The audit log in words: names instead of ids, changes from what to what, filters by who, what and when."""
from __future__ import annotations

import datetime as dt

import pytest

from portal import audit
from portal.models import AuditLog, Match


@pytest.fixture
def entries(program, admin, create_user):
    mia = create_user("mia@example.org", roles=("mentor",), name="Mia Mentor")
    leo = create_user("leo@example.org", roles=("mentee",), name="Leo Learner")
    match = Match.create(program=program, mentor=mia, mentee=leo)
    audit.record(admin, "match.create", f"match:{match.id}", mentor=mia.id, mentee=leo.id, made_by="admin")
    audit.record(admin, "setting.update", f"programme:{program.id}", key="reminder_days", before=3, after=5)
    audit.record(admin, "programme.update", f"programme:{program.id}", changes={"name": ["Old", "New name"]})
    audit.record(None, "request.expire", "request:7", mentor=mia.id)
    audit.record(leo, "questionnaire.save", f"user:{leo.id}", complete=True)
    AuditLog.update(at=dt.datetime(2026, 1, 10, 12)).where(AuditLog.action == "questionnaire.save").execute()
    return {"mia": mia, "leo": leo}


def _rows(page: str) -> str:
    return page[page.index("<tbody>"):page.index("</tbody>")]


def test_names_instead_of_ids_and_changes_from_what_to_what(client, entries):
    client.login("admin@example.org")
    rows = _rows(client.get("/admin/audit").get_data(as_text=True))
    assert "the match of Mia Mentor and Leo Learner" in rows
    assert "Mentor: Mia Mentor" in rows and "Mentee: Leo Learner" in rows
    assert "Reminder days: <del>3</del> → <ins>5</ins>" in rows
    assert "Name: <del>Old</del> → <ins>New name</ins>" in rows
    assert "System" in rows and "Complete: yes" in rows
    assert f"mentor: {entries['mia'].id}" not in rows


@pytest.mark.parametrize("query, shown, hidden", [
    ("?who=leo", ["questionnaire.save"], ["match.create", "request.expire"]),
    ("?who=system", ["request.expire"], ["match.create", "questionnaire.save"]),
    ("?action=setting.update", ["setting.update"], ["match.create"]),
    ("?since=2026-01-10&until=2026-01-10", ["questionnaire.save"], ["match.create"]),
    ("?until=2026-01-09", [], ["questionnaire.save", "match.create"]),
])
def test_filters(client, entries, query, shown, hidden):
    client.login("admin@example.org")
    response = client.get("/admin/audit" + query)
    assert response.status_code == 200
    rows = _rows(response.get_data(as_text=True))
    assert all(f"<code>{a}</code>" in rows for a in shown)
    assert not any(f"<code>{a}</code>" in rows for a in hidden)


@pytest.mark.parametrize("query, message", [
    ("?since=yesterday", "“yesterday” is not a date"),
    ("?until=2026-13-45", "is not a date"),
    ("?since=2026-02-01&until=2026-01-01", "The end date is before the start date."),
    ("?action=drop.tables", "No entries record “drop.tables”"),
])
def test_bad_filter_values_get_a_message(client, entries, query, message):
    client.login("admin@example.org")
    response = client.get("/admin/audit" + query)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "<code>match.create</code>" in _rows(page)  # the unusable filter is left out, the rest still works


def test_pages_keep_the_filters(client, admin):
    for n in range(55):
        audit.record(admin, "email.retry", f"email:{n}")
    audit.record(None, "request.expire", "request:1")
    client.login("admin@example.org")
    page = client.get("/admin/audit?action=email.retry").get_data(as_text=True)
    assert "55 entries" in page and "/admin/audit?page=2&amp;action=email.retry" in page.replace(
        "action=email.retry&amp;page=2", "page=2&amp;action=email.retry")
    second = client.get("/admin/audit?action=email.retry&page=2").get_data(as_text=True)
    assert _rows(second).count("<code>email.retry</code>") == 5
