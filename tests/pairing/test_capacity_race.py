"""A mentor's last place, raced for by real threads on their own connections (SQLite file in WAL mode, PostgreSQL).

Each round starts its threads together at a barrier; many rounds, so a lucky interleaving cannot hide a lost update.
"""
from __future__ import annotations

import threading
from functools import partial

import pytest

from portal import settings
from portal.db import database, is_postgres
from portal.models import Email, Match, MatchRequest, Participant
from portal.pairing import operations as ops
from portal.pairing.operations import MentorFull, PairingError

ROUNDS = 10


def race(app, calls) -> list[tuple[str, object]]:
    """Run each callable in its own thread and connection, all released at once; ("ok", value) or ("error", exc)."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, object] | None] = [None] * len(calls)

    def worker(index: int, call) -> None:
        # As a page handler: an app context inside a request (the match emails link back to the portal), and the
        # thread's own connection (peewee keeps one per thread).
        with app.test_request_context():
            database.connect(reuse_if_open=True)
            try:
                barrier.wait(timeout=30)
                results[index] = ("ok", call())
            except BaseException as error:  # noqa: BLE001 - reported to the test, which fails on anything unexpected
                results[index] = ("error", error)
            finally:
                database.close()

    threads = [threading.Thread(target=worker, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    assert all(r is not None for r in results)
    return results


def split(results) -> tuple[list, list]:
    wins = [value for kind, value in results if kind == "ok"]
    losses = [value for kind, value in results if kind == "error"]
    return wins, losses


@pytest.fixture
def people(program, make_mentee, make_mentor):
    """people(round, mentees=2, capacity=1) -> (mentor, [mentees]), all fresh."""

    def make(round_: int, mentees: int = 2, capacity: int = 1, mentors: int = 1):
        found = [make_mentor(f"mentor{round_}-{i}@example.org", f"Mentor R{round_}x{i}", capacity=capacity)
                 for i in range(mentors)]
        juniors = [make_mentee(f"mentee{round_}-{i}@example.org", f"Mentee R{round_}x{i}") for i in range(mentees)]
        return found, juniors

    return make


def active_matches(**where) -> int:
    query = Match.active()
    for field, value in where.items():
        query = query.where(getattr(Match, field) == value)
    return query.count()


def test_the_race_runs_on_the_intended_backend(app, database_url, db):
    """Guards the tests below: SQLite as a WAL file (not in memory), or PostgreSQL."""
    if database_url.startswith("sqlite"):
        assert not is_postgres()
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert ":memory:" not in database_url
    else:
        assert is_postgres()


@pytest.mark.parametrize("capacity", [1, 2])
def test_create_match_never_exceeds_capacity(app, program, admin, people, capacity):
    """capacity + 2 admins (or approvals) pair mentees with one mentor at the same instant."""
    for round_ in range(ROUNDS):
        [mentor], mentees = people(round_, mentees=capacity + 2, capacity=capacity)

        results = race(app, [
            partial(ops.create_match, program, mentor, mentee, made_by="admin", actor=admin) for mentee in mentees
        ])

        wins, losses = split(results)
        assert all(isinstance(e, MentorFull) for e in losses), f"round {round_}: {losses!r}"
        assert len(wins) == capacity, f"round {round_}: {len(wins)} matches for {capacity} places"
        assert active_matches(mentor=mentor) == capacity
        assert {m.mentee_id for m in wins} == {m.mentee_id for m in Match.active().where(Match.mentor == mentor)}
        assert all(str(e).endswith(f"{capacity} of {capacity} places taken.") for e in losses)
        # Only the winners are paired; the rest are still waiting.
        paired = Participant.select().where(Participant.user.in_(mentees), Participant.status == "paired").count()
        assert paired == capacity


def test_two_approvals_for_the_last_place(app, program, pairing_open, within, people):
    """Two mentees' pending requests to one mentor with one place; the mentor approves both at once (two tabs)."""
    for round_ in range(ROUNDS):
        [mentor], mentees = people(round_, mentees=2, capacity=1)
        requests = []
        with within():
            for mentee in mentees:
                ops.add_to_shortlist(program, mentee, mentor)
                requests.append(ops.send_request(program, mentee))
        assert [r.status for r in requests] == ["pending", "pending"]

        results = race(app, [partial(ops.approve_request, r, mentor) for r in requests])

        wins, losses = split(results)
        assert len(wins) == 1 and len(losses) == 1, f"round {round_}: {results!r}"
        assert isinstance(losses[0], MentorFull), f"round {round_}: {losses!r}"
        assert active_matches(mentor=mentor) == 1
        statuses = sorted(MatchRequest.get_by_id(r.id).status for r in requests)
        assert statuses == ["approved", "closed"], f"round {round_}: {statuses}"
        winner = wins[0].mentee_id
        loser = next(m for m in mentees if m.id != winner)
        assert active_matches(mentee=loser) == 0
        assert MatchRequest.select().where(MatchRequest.mentee == loser, MatchRequest.status == "pending").count() == 0


def test_mentee_led_requests_race_for_the_last_place(app, program, admin, pairing_open, within, people):
    """In mentee-led mode a request is a match: two mentees choose the same mentor at once; the loser's request
    is closed and passes to their second choice."""
    with within():
        settings.set(program, "pairing_mode", "mentee", admin)
    for round_ in range(ROUNDS):
        [mentor, fallback], mentees = people(round_, mentees=2, capacity=1, mentors=2)
        Participant.update(capacity=3).where(Participant.user == fallback, Participant.role == "mentor").execute()
        with within():
            for mentee in mentees:
                ops.add_to_shortlist(program, mentee, mentor)
                ops.add_to_shortlist(program, mentee, fallback)

        results = race(app, [partial(ops.send_request, program, m) for m in mentees])

        wins, losses = split(results)
        assert losses == [], f"round {round_}: {losses!r}"
        # Each mentee ends with an approved request: one with their first choice, the other with the fallback.
        assert sorted(w.status for w in wins) == ["approved", "approved"], f"round {round_}"
        assert active_matches(mentor=mentor) == 1, f"round {round_}"
        assert active_matches(mentor=fallback) == 1, f"round {round_}"
        for mentee in mentees:
            assert active_matches(mentee=mentee) == 1
        to_mentor = list(MatchRequest.select().where(MatchRequest.mentor == mentor))
        assert sorted(r.status for r in to_mentor if r.status != "closed") == ["approved"], f"round {round_}"
        # The loser either asked too late (closed: no room) or saw the mentor full and went straight to the fallback.
        assert {r.reason for r in to_mentor if r.status == "closed"} <= {"The mentor had no room left."}


def test_two_mentors_never_share_a_mentee(app, program, admin, people):
    """Two admins pair the same mentee with two different mentors at once: one pairing wins."""
    for round_ in range(ROUNDS):
        mentors, [mentee] = people(round_, mentees=1, capacity=2, mentors=2)

        results = race(app, [
            partial(ops.create_match, program, m, mentee, made_by="admin", actor=admin) for m in mentors
        ])

        wins, losses = split(results)
        assert len(wins) == 1 and len(losses) == 1, f"round {round_}: {results!r}"
        assert type(losses[0]) is PairingError and "already has a mentor" in str(losses[0])
        assert active_matches(mentee=mentee) == 1


def test_an_approval_and_an_admin_pairing_never_give_two_mentors(app, program, admin, pairing_open, within, people):
    """A mentor approves the mentee's request while an admin pairs the same mentee with someone else."""
    for round_ in range(ROUNDS):
        [asked, other], [mentee] = people(round_, mentees=1, capacity=2, mentors=2)
        with within():
            ops.add_to_shortlist(program, mentee, asked)
            request = ops.send_request(program, mentee)

        results = race(app, [
            partial(ops.approve_request, request, asked),
            partial(ops.create_match, program, other, mentee, made_by="admin", actor=admin),
        ])

        wins, losses = split(results)
        assert len(wins) == 1 and len(losses) == 1, f"round {round_}: {results!r}"
        assert type(losses[0]) is PairingError and "already has a mentor" in str(losses[0])
        assert active_matches(mentee=mentee) == 1
        match = Match.active().where(Match.mentee == mentee).get()
        status = MatchRequest.get_by_id(request.id).status
        # The request follows the match: approved if the mentor won, closed by the admin's pairing otherwise.
        assert status == ("approved" if match.mentor_id == asked.id else "closed"), f"round {round_}"


def test_a_double_submitted_request_is_sent_once(app, program, pairing_open, within, people):
    """The mentee's "Request a match" clicked twice: one request, one email to the mentor."""
    for round_ in range(ROUNDS):
        mentors, [mentee] = people(round_, mentees=1, capacity=1, mentors=2)
        with within():
            for mentor in mentors:
                ops.add_to_shortlist(program, mentee, mentor)

        results = race(app, [partial(ops.send_request, program, mentee)] * 2)

        wins, losses = split(results)
        assert len(wins) == 1 and len(losses) == 1, f"round {round_}: {results!r}"
        assert type(losses[0]) is PairingError and "already have a request waiting" in str(losses[0])
        requests = list(MatchRequest.select().where(MatchRequest.mentee == mentee))
        assert [(r.mentor_id, r.status) for r in requests] == [(mentors[0].id, "pending")], f"round {round_}"
        assert Email.select().where(Email.to_address == mentors[0].email).count() == 1


def test_a_request_never_waits_beside_a_match(app, program, admin, pairing_open, within, people):
    """The mentee sends a request while an admin pairs them with someone else: no request is left waiting."""
    for round_ in range(ROUNDS):
        [asked, other], [mentee] = people(round_, mentees=1, capacity=1, mentors=2)
        with within():
            ops.add_to_shortlist(program, mentee, asked)

        results = race(app, [
            partial(ops.send_request, program, mentee),
            partial(ops.create_match, program, other, mentee, made_by="admin", actor=admin),
        ])

        (request_kind, request_result), (match_kind, match_result) = results
        assert match_kind == "ok", f"round {round_}: {match_result!r}"
        if request_kind == "error":
            assert type(request_result) is PairingError and str(request_result) == "You already have a mentor."
        assert active_matches(mentee=mentee) == 1
        waiting = MatchRequest.select().where(MatchRequest.mentee == mentee, MatchRequest.status == "pending")
        assert waiting.count() == 0, f"round {round_}: a request waits for {asked.name} beside the match"


# --- one mentee's own clicks racing (two tabs, a double click) -----------------------------------------------------


def test_racing_shortlist_additions_keep_the_limit_and_never_duplicate(app, program, within, people):
    """Two of three places taken; the same mentor added twice and another once, all at the same instant."""
    for round_ in range(ROUNDS):
        mentors, [mentee] = people(round_, mentees=1, capacity=1, mentors=4)
        with within():
            ops.add_to_shortlist(program, mentee, mentors[0])
            ops.add_to_shortlist(program, mentee, mentors[1])

        results = race(app, [partial(ops.add_to_shortlist, program, mentee, mentors[2])] * 2
                       + [partial(ops.add_to_shortlist, program, mentee, mentors[3])])

        _, losses = split(results)
        assert all(type(e) is PairingError and "holds 3 mentors" in str(e) for e in losses), f"round {round_}: {losses}"
        entries = ops.shortlist_of(program, mentee)
        assert len(entries) == 3, f"round {round_}: {len(entries)} favourites for 3 places"
        assert [e.mentor_id for e in entries[:2]] == [mentors[0].id, mentors[1].id]
        assert len({e.mentor_id for e in entries}) == 3 and len({e.position for e in entries}) == 3


def test_racing_reorders_never_fail_or_lose_a_favourite(app, program, within, people):
    for round_ in range(ROUNDS):
        mentors, [mentee] = people(round_, mentees=1, capacity=1, mentors=3)
        with within():
            for mentor in mentors:
                ops.add_to_shortlist(program, mentee, mentor)

        results = race(app, [
            partial(ops.move_in_shortlist, program, mentee, mentors[2].id, -1),
            partial(ops.move_in_shortlist, program, mentee, mentors[2].id, -1),
            partial(ops.move_in_shortlist, program, mentee, mentors[0].id, +1),
        ])

        assert split(results)[1] == [], f"round {round_}: {results!r}"
        entries = ops.shortlist_of(program, mentee)
        assert sorted(e.mentor_id for e in entries) == sorted(m.id for m in mentors)
        assert sorted(e.position for e in entries) == [0, 1, 2], f"round {round_}"
