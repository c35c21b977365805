"""The mentor directory reacts to events: whoever changes what it shows, its cached index is rebuilt at once. And
pairing sends match_created and match_ended, and tells a new pair by reacting to its own event."""
from __future__ import annotations

import pytest

from portal import counters, events, skills
from portal.accounts import operations as accounts
from portal.leaving import operations as leaving
from portal.models import Email, Match, Program
from portal.pairing import directory
from portal.pairing import operations as ops
from portal.questionnaire import editing
from portal.questionnaire import operations as questionnaire
from tests.pairing.conftest import emails_to, page_text


def version(program) -> int:
    return counters.value(counters.directory_key(program))


# --- the directory ---------------------------------------------------------------------------------------------


def test_a_mentor_who_leaves_is_gone_from_the_directory_at_once(program, mia, olu, priya, browser):
    mentee = browser(mia.email)
    before = mentee.get("/mentors")
    assert before.status_code == 200
    assert "Olu Okafor" in page_text(before) and "Priya Shah" in page_text(before)
    # The index the page was served from is cached, for the counter's current value.
    [(cached_version, _)] = directory._cache.values()
    assert cached_version == version(program)

    left = browser(olu.email).submit("/leave", {"reason": "leaving_company", "confirm": "y"})
    assert left.status_code == 302

    after = mentee.get("/mentors")
    assert after.status_code == 200
    assert "Olu Okafor" not in page_text(after) and "Priya Shah" in page_text(after)
    assert mentee.get(f"/mentors/{olu.id}").status_code == 404


def test_a_mentee_who_leaves_leaves_the_directory_as_it_was(app, program, mia, olu, make_mentee, within):
    other = make_mentee("ann@example.org", "Ann Lee")
    start = version(program)
    with within():
        leaving.leave(program, other, "workload", "", other)
    assert version(program) == start


def test_people_joining_move_the_directory_only_when_they_mentor(app, program, create_user, within):
    program.phase_overrides = {"mentor_registration": True, "mentee_registration": True}
    program.save()
    start = version(program)
    with within():
        accounts.join_programme(create_user("ann@example.org", roles=()), program, ["mentee"])
        assert version(program) == start
        accounts.join_programme(create_user("max@example.org", roles=()), program, ["mentor"])
    assert version(program) == start + 1


def test_answers_move_the_directory_only_when_a_mentor_saves_them(app, program, mia, olu, within):
    questions = questionnaire.questions_for(program, ["mentor", "mentee"])
    title = next(q for q in questions if q.key == "role_title")
    start = version(program)
    with within():
        questionnaire.save_answers(mia, program, [title], {title.id: "Analyst"})
        assert version(program) == start
        questionnaire.save_answers(olu, program, [title], {title.id: "Staff Engineer"})
    assert version(program) == start + 1


def test_questions_and_the_vocabulary_move_the_directory(app, program, admin, within):
    dates = ("mentor_registration_opens", "mentee_registration_opens", "pairing_opens", "pairing_closes", "midpoint",
             "ends")
    # An earlier programme, archived so the current one stays current.
    second = Program.create(name="Spring", archived=True, **{field: getattr(program, field) for field in dates})
    start, other = version(program), version(second)
    with within():
        question = editing.add_question(program, {"prompt": "Favourite book?", "kind": "text", "audience": "mentor",
                                                  "shown_in_directory": True}, admin)
        editing.set_active(question, False, admin)
        assert (version(program), version(second)) == (start + 2, other)
        skills.add_skill("Kubernetes", ["k8s"], "Technical", admin)
    # The vocabulary is every programme's.
    assert (version(program), version(second)) == (start + 3, other + 1)


# --- matches -----------------------------------------------------------------------------------------------------


def test_creating_a_match_sends_match_created_and_the_pair_is_told(program, pairing_open, within, mia, olu, admin,
                                                                   heard):
    created = heard(events.match_created)
    with within():
        match = ops.create_match(program, olu, mia, made_by="admin", actor=admin)

    [(sender, kw)] = created
    assert sender.id == program.id and kw["match"].id == match.id
    assert kw["made_by"] == "admin" and kw["actor"].id == admin.id
    assert [e.subject for e in emails_to(mia)] == ["Mia, you are now matched with Olu Okafor"]
    assert [e.subject for e in emails_to(olu)] == ["Olu, you are now matched with Mia Chen"]
    assert {e.dedupe_key for e in Email.select()} == {f"match:{match.id}:mentee", f"match:{match.id}:mentor"}


def test_a_refused_match_sends_nothing(program, pairing_open, within, mia, olu, make_mentee, admin, heard):
    created = heard(events.match_created)
    with within():
        ops.create_match(program, olu, mia, made_by="admin", actor=admin)
        with pytest.raises(ops.MentorFull):
            ops.create_match(program, olu, make_mentee("ann@example.org"), made_by="admin", actor=admin)
    assert len(created) == 1


def test_a_mentee_led_request_sends_match_created(program, pairing_open, within, mia, olu, set_setting, heard):
    set_setting("pairing_mode", "mentee")
    created = heard(events.match_created)
    with within():
        ops.add_to_shortlist(program, mia, olu)
        ops.send_request(program, mia)

    [(_, kw)] = created
    assert (kw["match"].mentor_id, kw["match"].mentee_id, kw["made_by"]) == (olu.id, mia.id, "mentee-led")


def test_unpairing_sends_match_ended_with_the_reason(program, pairing_open, within, mia, olu, admin, heard):
    ended = heard(events.match_ended)
    with within():
        match = ops.create_match(program, olu, mia, made_by="admin", actor=admin)
        ops.end_match(match, "Moved to another team", admin)

    [(sender, kw)] = ended
    assert sender.id == program.id and kw["match"].id == match.id and kw["match"].ended_at is not None
    assert kw["reason"] == "Moved to another team" and kw["actor"].id == admin.id
    assert Match.get_by_id(match.id).ended_at is not None
