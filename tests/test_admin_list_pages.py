"""No admin list shows more than one page, however many rows it has: each list beside the pairing console's pairs,
the agendas, the questionnaire editor and the calendar sync status. Every list is seeded past a page, and its pages
together hold every row once."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.agendas import routes as agendas_routes
from portal.agendas import store as agenda_store
from portal.console import routes as console_routes
from portal.meetings import routes as meetings_routes
from portal.models import (Agenda, DraftPair, Match, Meeting, PairingDraft, PairingExclusion, Question, User,
                           utcnow)
from portal.questionnaire import routes as questionnaire_routes

MORE = 12  # rows beyond a full page


@pytest.fixture
def admin_browser(admin, client):
    client.login(admin.email)
    return client


def people(prefix: str, count: int) -> list[User]:
    User.insert_many([{"email": f"{prefix.lower()}{i:03d}@example.org", "name": f"{prefix} {i:03d}",
                       "password_hash": "-"} for i in range(count)]).execute()
    return list(User.select().where(User.name.startswith(f"{prefix} ")).order_by(User.id))


def walk(browser, url: str, parameter: str, marker: str, size: int) -> list[str]:
    """Every page of one list in turn: each holds at most `size` rows; the rows of all its pages."""
    seen, page = [], 1
    while True:
        body = browser.get(f"{url}{'&' if '?' in url else '?'}{parameter}={page}").get_data(as_text=True)
        found = re.findall(marker, body)
        assert len(found) <= size, f"{url} page {page} shows {len(found)} rows"
        if not found:
            return seen
        seen += found
        page += 1
        assert page < 10


def test_the_consoles_unpaired_and_never_proposed_lists_are_paged(admin_browser, program, admin):
    size = console_routes.LIST_SIZE
    waiting = people("Waiting", size + MORE)
    PairingDraft.create(program=program, created_by=admin, unmatched={str(u.id): "no_capacity" for u in waiting})
    excluded = people("Excluded", size + MORE)
    mentor = people("Mentor", 1)[0]
    PairingExclusion.insert_many([{"program": program.id, "mentee": u.id, "mentor": mentor.id, "reason": "conflict"}
                                  for u in excluded]).execute()
    first = admin_browser.get("/admin/pairing").get_data(as_text=True)
    assert len(re.findall(r">Waiting \d{3}</a>", first)) == size
    assert len(re.findall(r"Excluded \d{3} with", first)) == size
    assert f"Left unpaired ({size + MORE})" in first and "Page 1 of 2 (62)" in first
    assert sorted(walk(admin_browser, "/admin/pairing", "unmatched_page", r">(Waiting \d{3})</a>", size)) == \
        sorted(u.name for u in waiting)
    assert sorted(walk(admin_browser, "/admin/pairing", "exclusions_page", r"(Excluded \d{3}) with", size)) == \
        sorted(u.name for u in excluded)


def test_the_pairs_a_published_draft_could_not_make_are_paged(admin_browser, program, admin):
    size = console_routes.LIST_SIZE
    skipped = people("Skipped", size + MORE)
    mentor = people("Mentor", 1)[0]
    draft = PairingDraft.create(program=program, created_by=admin, status="published", published_at=utcnow())
    DraftPair.insert_many([{"draft": draft.id, "mentee": u.id, "mentor": mentor.id, "outcome": "mentor_full"}
                           for u in skipped]).execute()
    first = admin_browser.get("/admin/pairing").get_data(as_text=True)
    assert f"{size + MORE} pairs could not be made" in first
    assert sorted(walk(admin_browser, "/admin/pairing", "skipped_page", r">(Skipped \d{3})</a> and", size)) == \
        sorted(u.name for u in skipped)


def test_the_agendas_are_paged_and_moving_one_returns_to_its_page(admin_browser, program):
    size = agendas_routes.PAGE_SIZE
    agenda_store.customise(program)
    before = Agenda.select().where(Agenda.program == program).count()
    Agenda.insert_many([{"program": program.id, "slug": f"extra-{i:03d}", "title": f"Extra agenda {i:03d}",
                         "position": 1000 + i} for i in range(size + MORE)]).execute()
    titles = walk(admin_browser, "/admin/agendas/", "page", r">(Extra agenda \d{3})</a>", size)
    assert sorted(titles) == [f"Extra agenda {i:03d}" for i in range(size + MORE)]
    last = Agenda.get(Agenda.slug == f"extra-{size + MORE - 1:03d}")
    moved = admin_browser.submit(f"/admin/agendas/{last.id}/move", {"direction": "up"}, page="/admin/agendas/?page=2")
    assert moved.headers["Location"].endswith(f"/admin/agendas/?page=2#agenda-{last.id}")
    body = admin_browser.get("/admin/agendas/?page=2").get_data(as_text=True)
    assert f"<td>{before + size + MORE}</td>" in body  # places count on from the first page


def test_the_questionnaire_editor_is_paged(admin_browser, program):
    size = questionnaire_routes.EDITOR_PAGE_SIZE
    Question.insert_many([{"program": program.id, "prompt": f"Extra question {i:03d}", "kind": "text",
                           "audience": "mentee", "required": False, "position": 1000 + i}
                          for i in range(size + MORE)]).execute()
    prompts = walk(admin_browser, "/admin/questionnaire", "page", r">(Extra question \d{3})</a>", size)
    assert sorted(prompts) == [f"Extra question {i:03d}" for i in range(size + MORE)]


def test_the_calendar_sync_lists_are_paged(admin_browser, program, admin):
    size = meetings_routes.SYNC_PAGE_SIZE
    mentor, mentee = people("Mentor", 1)[0], people("Mentee", 1)[0]
    match = Match.create(program=program, mentor=mentor, mentee=mentee)
    start = utcnow() + timedelta(days=3)
    Meeting.insert_many([{"match": match.id, "organizer": mentor.id, "number": i, "agenda": "getting-started",
                          "starts_at": start + timedelta(days=i), "ends_at": start + timedelta(days=i, hours=1),
                          "uid": f"uid-{i}@example.org", "sync_state": "failed", "sync_error": f"Refused {i:03d}"}
                         for i in range(size + MORE)]).execute()
    failed = walk(admin_browser, "/admin/sessions", "page", r"Refused (\d{3})", size)
    assert sorted(failed) == [f"{i:03d}" for i in range(size + MORE)]
    latest = walk(admin_browser, "/admin/sessions", "latest_page", r"session (\d+) \(", size)
    assert sorted(map(int, latest)) == list(range(size + MORE))
