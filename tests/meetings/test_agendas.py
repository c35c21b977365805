"""Admins edit, reorder, hide, add and restore a programme's agendas; sessions and invites follow."""
from __future__ import annotations

import datetime as dt

from portal.agendas import store
from portal.meetings import booking, invitations
from portal.models import Agenda, AuditLog, Email
from tests.pairing.conftest import page_text

START = dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)


def test_defaults_come_from_the_files_until_customised(program):
    assert not store.customised(program)
    titles = [a.title for a in store.for_program(program)]
    assert len(titles) == 6 and titles[0] == "Getting to know one another" and titles[-1].startswith("Conclud")


def test_admin_edits_reorders_hides_and_adds_and_booking_follows(app, browser, admin, pair, within, frozen):
    match, mentor, mentee = pair
    ada = browser(admin.email)
    assert "Customise these agendas" in page_text(ada.get("/admin/agendas/"))
    assert ada.submit("/admin/agendas/customise", page="/admin/agendas/").status_code == 302
    rows = list(Agenda.select().order_by(Agenda.position))
    assert len(rows) == 6
    first, second = rows[0], rows[1]

    # A bad edit keeps what was typed.
    bad = ada.submit(f"/admin/agendas/{first.id}", {"title": "", "duration_minutes": "5", "during": "Kept question"})
    assert bad.status_code == 400 and "Give the agenda a title" in page_text(bad)
    assert "Between 15 and 240" in page_text(bad) and "Kept question" in bad.get_data(as_text=True)

    saved = ada.submit(f"/admin/agendas/{first.id}", {
        "title": "Hello and welcome", "duration_minutes": "45", "summary": "Meet.",
        "before": "Read the profile", "during": "What brings you here?\n\nWhat does good look like?", "after": ""})
    assert saved.status_code == 302
    edited = Agenda.get_by_id(first.id)
    assert edited.title == "Hello and welcome"
    assert edited.during == ["What brings you here?", "What does good look like?"]
    assert edited.slug == first.slug  # booked sessions keep pointing at it

    # Move the second agenda up: session 1 now gets it by default.
    ada.submit(f"/admin/agendas/{second.id}/move", {"direction": "up"}, page="/admin/agendas/")
    assert booking.default_agenda(match) == second.slug
    # Hidden agendas are not offered.
    ada.submit(f"/admin/agendas/{second.id}/active", {"active": "0"}, page="/admin/agendas/")
    assert booking.default_agenda(match) == first.slug
    offered = browser(mentor.email).get(f"/matches/{match.id}/sessions").get_data(as_text=True)
    assert "Hello and welcome" in offered and f'value="{second.slug}"' not in offered

    # A new agenda, and a session booked with it carries its title into the invite and its page.
    added = ada.submit("/admin/agendas/new", {"title": "Career story workshop", "duration_minutes": "90",
                                              "during": "Draw your career as a map"})
    assert added.status_code == 302
    new = Agenda.get(Agenda.title == "Career story workshop")
    with within():
        meeting = booking.book(match, mentor, START, START + dt.timedelta(hours=1), location_kind="virtual",
                               location="https://meet.example.org/s", agenda=new.slug)
    invite = Email.get(Email.to_address == mentee.email)
    assert "Career story workshop" in invite.subject
    with app.test_request_context():
        page = browser().get(invitations.agenda_url(meeting, mentee).replace("http://localhost", ""))
    assert "Draw your career as a map" in page_text(page)

    # Restoring the defaults keeps the added agenda that a session uses, hidden.
    ada.submit("/admin/agendas/reset", {"confirmed": "yes"}, page="/admin/agendas/")
    titles = [a.title for a in store.for_program(match.program)]
    assert titles[0] == "Getting to know one another" and "Career story workshop" not in titles
    assert store.find(match.program, new.slug).title == "Career story workshop"
    assert AuditLog.select().where(AuditLog.action.startswith("agenda.")).count() >= 5


def test_the_last_agenda_cannot_be_hidden(browser, admin, program):
    store.customise(program)
    ada = browser(admin.email)
    rows = list(Agenda.select().order_by(Agenda.position))
    for row in rows[:-1]:
        ada.submit(f"/admin/agendas/{row.id}/active", {"active": "0"}, page="/admin/agendas/")
    response = ada.submit(f"/admin/agendas/{rows[-1].id}/active", {"active": "0"}, page="/admin/agendas/",
                          follow_redirects=True)
    assert "Keep at least one agenda" in page_text(response)
    assert Agenda.get_by_id(rows[-1].id).active


def test_the_booking_widget_lists_the_agenda_files_once(browser, pair, monkeypatch):
    """The form's choices and its default agenda both come from content/agendas: one listing of the folder a view."""
    from portal import content

    match, mentor, _ = pair
    listed = []
    real = content._listed
    monkeypatch.setattr(content, "_listed", lambda name: listed.append(name) or real(name))
    offered = browser(mentor.email).get(f"/matches/{match.id}/sessions").get_data(as_text=True)
    assert "Getting to know one another" in offered
    assert listed == ["agendas"]
