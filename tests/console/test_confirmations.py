"""Publishing, discarding, unpairing and matching by hand ask first, on a page that works without JavaScript; the
console's poll while a draft publishes gets the whole page, not the table's fragment."""
from __future__ import annotations

import re

from portal.models import DraftPair, Email, Match, PairingDraft
from tests.console.test_console import people, run  # noqa: F401  (the fixture too)
from tests.pairing.conftest import page_text

YES = {"confirmed": "yes"}


def closed(program):
    program.phase_overrides = {"pairing": False}
    program.save()


def confirm_form(response) -> str:
    """The confirmation page's form: it posts back to the action and carries the yes."""
    body = response.get_data(as_text=True)
    return re.search(r'<form method="post" action="([^"]+)" class="confirm-actions">(.*?)</form>', body, re.S).group(0)


def test_publishing_asks_first_with_what_it_sends(admin_client, people, program):
    closed(program)
    draft = run(admin_client)
    asked = admin_client.submit("/admin/pairing/publish", page="/admin/pairing")
    assert asked.status_code == 200
    text = page_text(asked)
    assert "Publish 3 pairs and send 6 emails?" in text
    assert "Mentee-led pairing is still open" not in text
    form = confirm_form(asked)
    assert 'action="/admin/pairing/publish"' in form and 'name="confirmed" value="yes"' in form
    assert 'name="csrf_token"' in form
    # Asking changed nothing and sent nothing.
    assert PairingDraft.get_by_id(draft.id).status == "draft"
    assert not Match.select().exists() and not Email.select().exists()

    done = admin_client.submit("/admin/pairing/publish", YES, page="/admin/pairing", follow_redirects=True)
    assert "Published: 3 matches made" in page_text(done)
    assert Match.select().count() == 3


def test_publishing_warns_while_mentees_can_still_request(admin_client, people, pairing_open):
    run(admin_client)
    text = page_text(admin_client.submit("/admin/pairing/publish", page="/admin/pairing"))
    assert "Mentee-led pairing is still open" in text and "0 wait on a mentor's answer" in text


def test_publishing_warns_not_when_the_team_pairs_everyone(admin_client, people, pairing_open, set_setting):
    set_setting("pairing_mode", "admin")
    run(admin_client)
    assert "Mentee-led pairing" not in page_text(admin_client.submit("/admin/pairing/publish", page="/admin/pairing"))


def test_discarding_asks_first(admin_client, people):
    draft = run(admin_client)
    asked = admin_client.submit("/admin/pairing/discard", page="/admin/pairing")
    assert asked.status_code == 200 and "Discard the draft and its 3 pairs?" in page_text(asked)
    assert PairingDraft.get_by_id(draft.id).status == "draft"
    admin_client.submit("/admin/pairing/discard", YES, page="/admin/pairing")
    assert PairingDraft.get_by_id(draft.id).status == "discarded"


def test_unpairing_and_matching_by_hand_ask_first_and_keep_the_reason(admin_client, people, program):
    ana, py, lead = people["ana"], people["py"], people["lead"]
    match = Match.create(program=program, mentor=py, mentee=ana, made_by="approval")
    page = f"/admin/pairing/mentees/{ana.id}"
    asked = admin_client.submit(f"/admin/pairing/matches/{match.id}/end", {"reason": "Moved <team>"}, page=page)
    assert asked.status_code == 200 and "End the match of Ana Lima and Pia Young?" in page_text(asked)
    assert 'name="reason" value="Moved &lt;team&gt;"' in confirm_form(asked)
    assert Match.get_by_id(match.id).ended_at is None and not Email.select().exists()

    admin_client.submit(f"/admin/pairing/matches/{match.id}/end", {"reason": "Moved <team>", **YES}, page=page)
    assert Match.get_by_id(match.id).end_reason == "Moved <team>"

    asked = admin_client.submit(f"/admin/pairing/mentees/{ana.id}/match", {"mentor": str(lead.id)}, page=page)
    assert asked.status_code == 200 and "Match Ana Lima with Lena Diaz now?" in page_text(asked)
    assert not Match.active().where(Match.mentee == ana).exists()


def test_the_publishing_poll_gets_the_whole_page(admin_client, people):
    draft = run(admin_client)
    PairingDraft.update(status="publishing").where(PairingDraft.id == draft.id).execute()
    page = admin_client.get("/admin/pairing").get_data(as_text=True)
    poll = re.search(r'<p class="flash flash-info"[^>]*hx-trigger="every 2s"[^>]*>', page).group(0)
    assert 'hx-target="main"' in poll and 'hx-select="main"' in poll
    # htmx names the element it swaps: the poll swaps <main id="main">, the sort links #pairs.
    polled = admin_client.get("/admin/pairing", headers={"HX-Request": "true", "HX-Target": "main"})
    body = polled.get_data(as_text=True)
    assert '<main id="main"' in body and "<h1>Pairing console</h1>" in body and "Still to pair" in body
    sorted_rows = admin_client.get("/admin/pairing?sort=mentee", headers={"HX-Request": "true", "HX-Target": "pairs"})
    assert "<h1>" not in sorted_rows.get_data(as_text=True)
    assert "Ana Lima" in page_text(sorted_rows)
    assert DraftPair.select().count() == 3
