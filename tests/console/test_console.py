"""The pairing console: propose, review, edit, publish; hard rules; drafts that outlive the process."""
from __future__ import annotations

import pytest

from portal.models import AuditLog, DraftPair, Email, Match, MatchRequest, PairingDraft, PairingExclusion, utcnow
from tests.pairing.conftest import page_text

YES = {"confirmed": "yes"}  # what the confirmation page adds


@pytest.fixture
def people(mentee_with, mentor_with):
    """Three mentees and three mentors whose best pairs are plain: each wants what exactly one mentor offers."""
    return {
        "ana": mentee_with("ana@example.org", "Ana Lima", grow=["Python", "SQL"]),
        "ben": mentee_with("ben@example.org", "Ben Ito", grow=["Product management", "Roadmapping"]),
        "cleo": mentee_with("cleo@example.org", "Cleo Park", grow=["Leadership", "Coaching"]),
        "py": mentor_with("py@example.org", "Pia Young", strengths=["Python", "SQL"]),
        "pm": mentor_with("pm@example.org", "Paul Moss", strengths=["Product management", "Roadmapping"]),
        "lead": mentor_with("lead@example.org", "Lena Diaz", strengths=["Leadership", "Coaching"], capacity=2),
    }


def pairs_of(draft) -> dict[int, int]:
    return {p.mentee_id: p.mentor_id for p in DraftPair.select().where(DraftPair.draft == draft)}


def run(client, objective: str = "optimal"):
    response = client.submit("/admin/pairing/run", {"objective": objective}, page="/admin/pairing")
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    return PairingDraft.get(PairingDraft.status == "draft")


def test_proposes_the_best_pairs_with_reasons_and_both_objectives(admin_client, people):
    draft = run(admin_client)
    assert pairs_of(draft) == {people["ana"].id: people["py"].id, people["ben"].id: people["pm"].id,
                               people["cleo"].id: people["lead"].id}
    assert set(draft.summary) >= {"optimal", "stable"}
    assert draft.summary["optimal"]["pairs"] == 3 and draft.summary["stable"]["blocking_pairs"] == 0

    page = admin_client.get("/admin/pairing")
    text = page_text(page)
    assert page.status_code == 200
    assert "Ana Lima" in text and "Pia Young" in text
    # Reasons name the shared skills, worded about the mentee for the admin reading them.
    assert "Ana wants to grow Python and SQL; Pia mentors on both" in text
    assert "Best total fit" in text and "Stable" in text and "Blocking pairs" in text
    assert AuditLog.select().where(AuditLog.action == "pairing.run").count() == 1


def test_existing_matches_and_capacity_are_respected(admin_client, people, mentee_with, program):
    dana = mentee_with("dana@example.org", "Dana Cole", grow=["Python"])
    Match.create(program=program, mentor=people["py"], mentee=people["ana"], made_by="approval")
    draft = run(admin_client)
    proposed = pairs_of(draft)
    assert people["ana"].id not in proposed  # already matched
    assert list(proposed.values()).count(people["py"].id) == 0  # Pia's one place is taken
    assert dana.id in proposed or str(dana.id) in draft.unmatched
    for mentor, capacity in ((people["pm"], 1), (people["lead"], 2)):
        assert list(proposed.values()).count(mentor.id) <= capacity


def test_hard_rules_are_never_broken(admin_client, people, mentee_with, mentor_with, program, admin):
    ana, py = people["ana"], people["py"]
    MatchRequest.create(program=program, mentee=ana, mentor=py, status="declined", expires_at=utcnow())
    ben, pm = people["ben"], people["pm"]
    Match.create(program=program, mentor=pm, mentee=ben, made_by="admin", ended_at=utcnow(), end_reason="Clash")
    PairingExclusion.create(program=program, mentee=people["cleo"], mentor=people["lead"], reason="Same team",
                            created_by=admin)
    draft = run(admin_client)
    proposed = pairs_of(draft)
    assert proposed.get(ana.id) != py.id
    assert proposed.get(ben.id) != pm.id
    assert proposed.get(people["cleo"].id) != people["lead"].id


def test_in_person_only_never_meets_virtual_only(admin_client, mentee_with, mentor_with):
    eve = mentee_with("eve@example.org", "Eve Roth", grow=["Python"], location="In person")
    virtual = mentor_with("virt@example.org", "Vic Online", strengths=["Python"], location="Virtual")
    draft = run(admin_client)
    assert eve.id not in pairs_of(draft)
    assert draft.unmatched[str(eve.id)] == "no_acceptable"
    assert "No acceptable mentor" in page_text(admin_client.get("/admin/pairing"))
    assert virtual.id not in pairs_of(draft).values()


def test_remove_pin_and_swap(admin_client, people):
    draft = run(admin_client)
    by_mentee = {p.mentee_id: p for p in draft.pairs}
    ana, ben = by_mentee[people["ana"].id], by_mentee[people["ben"].id]

    response = admin_client.submit("/admin/pairing/swap", {"pair": [str(ana.id), str(ben.id)]}, page="/admin/pairing")
    assert response.status_code == 302
    assert pairs_of(draft)[people["ana"].id] == people["pm"].id
    assert pairs_of(draft)[people["ben"].id] == people["py"].id
    swapped = DraftPair.get_by_id(ana.id)
    assert swapped.pinned and swapped.source == "admin"

    # Proposing again keeps pinned pairs: the swap survives.
    run(admin_client)
    assert pairs_of(draft)[people["ana"].id] == people["pm"].id

    admin_client.submit(f"/admin/pairing/pairs/{ana.id}/pin", {"pinned": "0"}, page="/admin/pairing")
    assert not DraftPair.get_by_id(ana.id).pinned

    cleo = DraftPair.get(DraftPair.draft == draft, DraftPair.mentee == people["cleo"])
    admin_client.submit(f"/admin/pairing/pairs/{cleo.id}/remove", page="/admin/pairing")
    assert people["cleo"].id not in pairs_of(draft)
    assert "Taken out of the draft" in page_text(admin_client.get("/admin/pairing"))


def test_swap_needs_two_pairs(admin_client, people):
    draft = run(admin_client)
    one = draft.pairs.first()
    response = admin_client.submit("/admin/pairing/swap", {"pair": [str(one.id)]}, page="/admin/pairing",
                                   follow_redirects=True)
    assert "Tick exactly two pairs" in page_text(response)


def test_a_draft_survives_a_restart(admin_client, people, make_app, browser, admin):
    draft = run(admin_client)
    before = pairs_of(draft)
    restarted = make_app()  # a new process: nothing kept in memory
    from tests.conftest import PortalClient

    client = PortalClient(restarted.test_client())
    client.login(admin.email)
    text = page_text(client.get("/admin/pairing"))
    assert "Ana Lima" in text and "Publish 3 pairs" in text
    assert pairs_of(draft) == before


def test_pin_by_hand_shows_the_fit_and_checks_the_rules(admin_client, people):
    ana, lead = people["ana"], people["lead"]
    page = admin_client.get(f"/admin/pairing/mentees/{ana.id}?mentor={lead.id}")
    assert page.status_code == 200
    assert "Lena Diaz" in page_text(page) and "fit" in page_text(page)
    fragment = admin_client.get(f"/admin/pairing/mentees/{ana.id}/fit?mentor={people['py'].id}",
                                headers={"HX-Request": "true"})
    assert "Pia Young" in fragment.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    assert "Python" in page_text(fragment)

    response = admin_client.submit(f"/admin/pairing/mentees/{ana.id}/draft", {"mentor": str(lead.id)},
                                   page=f"/admin/pairing/mentees/{ana.id}")
    assert response.status_code == 302
    draft = PairingDraft.get(PairingDraft.status == "draft")
    pair = DraftPair.get(DraftPair.draft == draft, DraftPair.mentee == ana)
    assert pair.mentor_id == lead.id and pair.pinned and pair.fit > 0

    # Lena has two places: one more fits, a third does not.
    admin_client.submit(f"/admin/pairing/mentees/{people['cleo'].id}/draft", {"mentor": str(lead.id)},
                        page="/admin/pairing")
    refused = admin_client.submit(f"/admin/pairing/mentees/{people['ben'].id}/draft", {"mentor": str(lead.id)},
                                  page="/admin/pairing")
    assert refused.status_code == 400
    assert "no place left" in page_text(refused)


def test_publish_makes_matches_and_sends_the_match_emails(admin_client, people, program):
    draft = run(admin_client)
    response = admin_client.submit("/admin/pairing/publish", YES, page="/admin/pairing", follow_redirects=True)
    assert "Published: 3 matches made" in page_text(response)
    assert PairingDraft.get_by_id(draft.id).status == "published"
    assert Match.active().where(Match.program == program).count() == 3
    made = Match.get(Match.mentee == people["ana"])
    assert made.mentor_id == people["py"].id and made.made_by == "algorithm"
    mail = Email.get(Email.to_address == "ana@example.org")
    assert mail.subject == "Ana, you are now matched with Pia Young"
    to_mentor = Email.get(Email.to_address == "py@example.org")
    assert "reach out" in to_mentor.text_body
    # Nothing left to pair, nothing left in a draft.
    assert "Last published" in page_text(admin_client.get("/admin/pairing"))
    assert AuditLog.select().where(AuditLog.action == "match.create").count() == 3


def test_publish_reports_a_pair_that_became_impossible(admin_client, people, mentee_with, program):
    draft = run(admin_client)
    # Between proposal and publishing, Pia's only place is taken by someone else.
    other = mentee_with("zed@example.org", "Zed Wu", grow=["Python"])
    Match.create(program=program, mentor=people["py"], mentee=other, made_by="approval")
    admin_client.submit("/admin/pairing/publish", YES, page="/admin/pairing")
    skipped = DraftPair.get(DraftPair.draft == draft, DraftPair.mentee == people["ana"])
    assert "no room left" in skipped.outcome
    assert "could not be made" in page_text(admin_client.get("/admin/pairing"))
    assert Match.active().where(Match.mentee == people["ana"]).count() == 0


def test_discard(admin_client, people):
    draft = run(admin_client)
    admin_client.submit("/admin/pairing/discard", YES, page="/admin/pairing")
    assert PairingDraft.get_by_id(draft.id).status == "discarded"
    assert not Match.select().exists()


def test_unpair_with_a_reason_then_rematch(admin_client, people, program):
    ana, py = people["ana"], people["py"]
    match = Match.create(program=program, mentor=py, mentee=ana, made_by="approval")
    page = f"/admin/pairing/mentees/{ana.id}"
    assert "Matched with Pia Young" in page_text(admin_client.get(page))

    empty = admin_client.submit(f"/admin/pairing/matches/{match.id}/end", {"reason": "  "}, page=page)
    assert empty.status_code == 400 and "Say why" in page_text(empty)
    assert Match.get_by_id(match.id).ended_at is None

    ended = admin_client.submit(f"/admin/pairing/matches/{match.id}/end", {"reason": "Moved to another team", **YES},
                                page=page, follow_redirects=True)
    match = Match.get_by_id(match.id)
    assert match.ended_at is not None and match.end_reason == "Moved to another team"
    assert "Best mentors with a free place" in page_text(ended)
    assert Email.select().where(Email.subject == "Your mentoring match with Pia Young has ended").count() == 1
    assert "Moved to another team" not in Email.get(Email.to_address == "ana@example.org").text_body
    assert AuditLog.get(AuditLog.action == "match.end").details["reason"] == "Moved to another team"

    # Pia is never proposed again for Ana; the best other options are offered.
    options = page_text(ended)
    assert "Match now" in options
    again = admin_client.submit(f"/admin/pairing/mentees/{ana.id}/match", {"mentor": str(py.id)}, page=page)
    assert again.status_code == 400 and "matched before" in page_text(again)
    made = admin_client.submit(f"/admin/pairing/mentees/{ana.id}/match", {"mentor": str(people["lead"].id), **YES},
                               page=page)
    assert made.status_code == 302
    assert Match.active().where(Match.mentee == ana).get().mentor_id == people["lead"].id


def test_exclusion_from_the_mentee_page(admin_client, people):
    ana, py = people["ana"], people["py"]
    admin_client.submit(f"/admin/pairing/mentees/{ana.id}/exclude", {"mentor": str(py.id), "reason": "Manager"},
                        page=f"/admin/pairing/mentees/{ana.id}")
    assert PairingExclusion.get(PairingExclusion.mentee == ana).reason == "Manager"
    draft = run(admin_client)
    assert pairs_of(draft).get(ana.id) != py.id
    exclusion = PairingExclusion.get(PairingExclusion.mentee == ana)
    admin_client.submit(f"/admin/pairing/exclusions/{exclusion.id}/delete", page="/admin/pairing")
    assert not PairingExclusion.select().exists()


def test_favourites_win_with_the_bonus(admin_client, mentee_with, mentor_with, program):
    from portal.models import Shortlist

    gil = mentee_with("gil@example.org", "Gil Sousa", grow=["Python"])
    best = mentor_with("best@example.org", "Bea Best", strengths=["Python"])
    liked = mentor_with("liked@example.org", "Lou Liked", strengths=["SQL"])
    assert pairs_of(run(admin_client))[gil.id] == best.id
    admin_client.submit("/admin/pairing/discard", YES, page="/admin/pairing")
    Shortlist.create(program=program, mentee=gil, mentor=liked, position=0)
    from portal import settings

    with admin_client.application.test_request_context():
        settings.set(program, "favourite_bonus", 1.0, None)
    draft = run(admin_client)
    assert pairs_of(draft)[gil.id] == liked.id
    assert draft.summary["optimal"]["favourites"] == 1


def test_weight_preview_then_save(admin_client, people, program):
    run(admin_client)
    form = {"skills": "0", "goals": "2", "hours": "1", "location": "1", "seniority": "0.5", "department": "1",
            "department_mode": "different", "favourite_bonus": "0.2"}
    preview = admin_client.submit("/admin/settings/matching", form, page="/admin/settings", follow_redirects=True)
    text = page_text(preview)
    assert preview.status_code == 200 and preview.request.path.startswith("/admin/settings/matching/preview/")
    assert "What it does to the open draft" in text and "Total fit" in text
    from portal.console import weights

    with admin_client.application.test_request_context():
        assert weights.current(program)["skills"] == 3.0  # nothing saved yet
    saved = admin_client.submit("/admin/settings/matching", {**form, "action": "confirm"}, page="/admin/settings")
    assert saved.status_code == 302
    with admin_client.application.test_request_context():
        current = weights.current(program)
    assert current["skills"] == 0.0 and current["department_mode"] == "different"
    assert current["favourite_bonus"] == 0.2


def test_weight_form_keeps_what_was_typed(admin_client, program):
    form = {"skills": "eleven", "goals": "2", "hours": "1", "location": "1", "seniority": "0.5",
            "department": "1", "department_mode": "same", "favourite_bonus": "3"}
    response = admin_client.submit("/admin/settings/matching", form, page="/admin/settings")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="eleven"' in body and "Between 0 and 1" in body


def test_console_is_for_admins_only(browser, people):
    mentee = browser("ana@example.org")
    assert mentee.get("/admin/pairing").status_code == 403
    assert mentee.submit("/admin/pairing/run", page="/").status_code == 403
