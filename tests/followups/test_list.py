"""The follow-up list: every flag newest first, filters by kind and state, pages, marking with a note, reopening."""
from __future__ import annotations

import datetime as dt

from lxml import html

from portal.models import AuditLog, FollowUp

NOW = dt.datetime(2026, 6, 1, 12, 0)


def raise_flags(pairs, count: int, reason: str = "low_rating", start: int = 0) -> list[FollowUp]:
    """`count` open follow-ups, an hour apart, the later ones newer."""
    made = []
    for i, match in enumerate(pairs(count, NOW - dt.timedelta(days=30))):
        made.append(FollowUp.create(program=match.program_id, match=match, user=match.mentee_id, reason=reason,
                                    source=f"test:{reason}:{start + i}", details=f"Flag {reason} {start + i}",
                                    created_at=NOW + dt.timedelta(hours=start + i)))
    return made


def rows(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    page = html.fromstring(response.get_data(as_text=True))
    return [li.get("id") for li in page.xpath("//li[contains(@class, 'follow-up')]")]


def test_the_list_shows_open_flags_newest_first_and_filters_by_kind_and_state(client, admin, pairs):
    ratings = raise_flags(pairs, 2, "low_rating")
    quiet = raise_flags(pairs, 1, "quiet", start=5)
    done = raise_flags(pairs, 1, "unpaired", start=9)[0]
    FollowUp.update(resolved_at=NOW, resolved_by=admin, resolution="Called").where(FollowUp.id == done.id).execute()
    client.login(admin.email)
    expected_open = [quiet[0], ratings[1], ratings[0]]
    assert rows(client.get("/admin/follow-ups")) == [f"follow-up-{f.id}" for f in expected_open]
    assert rows(client.get("/admin/follow-ups?kind=quiet")) == [f"follow-up-{quiet[0].id}"]
    assert rows(client.get("/admin/follow-ups?state=done")) == [f"follow-up-{done.id}"]
    assert rows(client.get("/admin/follow-ups?state=all"))[0] == f"follow-up-{done.id}"
    assert len(rows(client.get("/admin/follow-ups?state=all"))) == 4
    page = client.get("/admin/follow-ups?state=done").get_data(as_text=True)
    assert "Followed up by Ada Admin on" in page and ": Called" in page
    # Unknown filters read as the defaults rather than failing.
    assert rows(client.get("/admin/follow-ups?kind=nonsense&state=x&page=abc")) == rows(client.get("/admin/follow-ups"))


def test_the_list_is_paginated(client, admin, pairs):
    flags = raise_flags(pairs, 27, "low_fit")
    client.login(admin.email)
    first = rows(client.get("/admin/follow-ups"))
    second = rows(client.get("/admin/follow-ups?page=2"))
    assert first == [f"follow-up-{f.id}" for f in reversed(flags)][:25]
    assert second == [f"follow-up-{f.id}" for f in reversed(flags)][25:]
    assert 'rel="next"' in client.get("/admin/follow-ups").get_data(as_text=True)
    assert rows(client.get("/admin/follow-ups?page=99")) == second  # past the end: the last page


def test_marking_with_a_note_keeps_the_list_and_records_who_and_when(client, admin, pairs):
    [flag] = raise_flags(pairs, 1, "quiet")
    client.login(admin.email)
    response = client.submit(f"/admin/follow-ups/{flag.id}/resolve",
                             {"resolution": "Called both; they book next week", "from_list": "yes", "kind": "quiet"},
                             page="/admin/follow-ups")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/follow-ups?kind=quiet&state=open&page=1#follow-up-{flag.id}")
    stored = FollowUp.get_by_id(flag.id)
    assert stored.resolved_by_id == admin.id and stored.resolved_at is not None
    assert stored.resolution == "Called both; they book next week"
    assert AuditLog.select().where(AuditLog.action == "follow_up.resolve").count() == 1
    assert rows(client.get("/admin/follow-ups")) == []
    assert rows(client.get("/admin/follow-ups?state=done")) == [f"follow-up-{flag.id}"]


def test_a_note_too_long_shows_the_list_again_with_the_error_and_what_was_typed(client, admin, pairs):
    [flag] = raise_flags(pairs, 1, "quiet")
    client.login(admin.email)
    typed = "x" * 2001
    response = client.submit(f"/admin/follow-ups/{flag.id}/resolve", {"resolution": typed, "from_list": "yes"},
                             page="/admin/follow-ups")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Keep the note to 2000 characters; it has 2001." in body and f'value="{typed}"' in body
    assert FollowUp.get_by_id(flag.id).resolved_at is None


def test_htmx_marks_and_reopens_the_row_in_place(client, admin, pairs):
    [flag] = raise_flags(pairs, 1, "unpaired")
    client.login(admin.email)
    token = client.token("/admin/follow-ups")
    headers = {"HX-Request": "true", "HX-Target": f"follow-up-{flag.id}"}
    response = client.post(f"/admin/follow-ups/{flag.id}/resolve", headers=headers,
                           data={"csrf_token": token, "resolution": "Emailed", "from_list": "yes"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'id="follow-up-{flag.id}"' in body
    assert "Followed up by Ada Admin" in body and "<html" not in body
    response = client.post(f"/admin/follow-ups/{flag.id}/reopen", headers=headers,
                           data={"csrf_token": token, "from_list": "yes"})
    assert "Mark as followed up" in response.get_data(as_text=True) and "Earlier note: Emailed" in response.get_data(
        as_text=True)
    assert FollowUp.get_by_id(flag.id).resolved_at is None
    assert AuditLog.select().where(AuditLog.action == "follow_up.reopen").count() == 1


def test_the_dashboard_count_links_to_the_list(client, admin, pairs):
    raise_flags(pairs, 2, "quiet")
    client.login(admin.email)
    page = html.fromstring(client.get("/admin/dashboard").get_data(as_text=True))
    [badge] = page.xpath("//h2[@id='follow-ups-heading']/a")
    assert badge.text_content() == "2" and badge.get("href").endswith("/admin/follow-ups")


def test_only_admins_see_or_change_follow_ups(client, admin, pairs, create_user):
    [flag] = raise_flags(pairs, 1, "quiet")
    create_user("mentee@example.org")
    assert client.get("/admin/follow-ups").status_code == 302  # to the login page
    client.login("mentee@example.org")
    assert client.get("/admin/follow-ups").status_code == 403
    token = client.token("/")
    for action in ("resolve", "reopen"):
        assert client.post(f"/admin/follow-ups/{flag.id}/{action}", data={"csrf_token": token}).status_code == 403
    assert FollowUp.get_by_id(flag.id).resolved_at is None
