"""Shortlists, requests, approvals, declines, expiry and matches: the operations and the pages that call them."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from peewee import fn

from portal.models import AuditLog, Email, Match, MatchRequest, Meeting, Participant, Shortlist, User, utcnow
from portal.pairing import operations as ops
from portal.pairing.operations import MentorFull, PairingError
from tests.conftest import link_in, text_of
from tests.pairing.conftest import emails_to, page_text

REASON = "Our teams compete for the same budget this quarter"
UTC = dt.UTC


# --- helpers -------------------------------------------------------------------------------------------------------


def favourites(program, mentee) -> list[int]:
    return [e.mentor_id for e in ops.shortlist_of(program, mentee)]


def requests_of(mentee) -> list[MatchRequest]:
    return list(MatchRequest.select().where(MatchRequest.mentee == mentee).order_by(MatchRequest.id))


def pending_of(mentee) -> MatchRequest | None:
    return MatchRequest.get_or_none(MatchRequest.mentee == mentee, MatchRequest.status == "pending")


def fresh(row):
    return type(row).get_by_id(row.id)


def status_of(program, user, role: str) -> str:
    return Participant.get(Participant.program == program, Participant.user == user, Participant.role == role).status


def section(html: str, heading_id: str) -> str:
    """The text of the <section> whose heading has this id."""
    found = re.search(rf'<section aria-labelledby="{heading_id}".*?</section>', html, re.DOTALL)
    assert found, f"no section {heading_id!r}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def shortlist(within, program, mentee, *mentors):
    with within():
        for mentor in mentors:
            ops.add_to_shortlist(program, mentee, mentor)


# --- the shortlist -------------------------------------------------------------------------------------------------


def test_shortlist_takes_mentors_in_order_up_to_its_size_then_refuses_clearly(
    program, within, mia, make_mentor, set_setting
):
    set_setting("shortlist_size", 2)
    first, second, third = (make_mentor(f"m{i}@example.org", f"Mentor {n}") for i, n in enumerate("ABC"))

    shortlist(within, program, mia, first, second)
    with within(), pytest.raises(PairingError) as refused:
        ops.add_to_shortlist(program, mia, third)

    assert str(refused.value) == "Your shortlist holds 2 mentors. Remove one to add another."
    assert favourites(program, mia) == [first.id, second.id]


def test_shortlist_holds_three_by_default(program, within, mia, make_mentor):
    mentors = [make_mentor(f"m{i}@example.org", f"Mentor {i}") for i in range(4)]

    shortlist(within, program, mia, *mentors[:3])
    with within(), pytest.raises(PairingError, match="holds 3 mentors"):
        ops.add_to_shortlist(program, mia, mentors[3])

    assert favourites(program, mia) == [m.id for m in mentors[:3]]


def test_shortlisting_a_mentor_twice_keeps_one_entry(program, within, mia, olu, priya):
    shortlist(within, program, mia, olu, priya)
    with within():
        again = ops.add_to_shortlist(program, mia, olu)

    assert again.mentor_id == olu.id and again.position == 0
    assert favourites(program, mia) == [olu.id, priya.id]
    assert Shortlist.select().where(Shortlist.mentee == mia).count() == 2


def test_removing_a_favourite_frees_its_place(program, within, mia, olu, priya, make_mentor, set_setting):
    set_setting("shortlist_size", 2)
    quinn = make_mentor("quinn@example.org", "Quinn Taylor")
    shortlist(within, program, mia, olu, priya)

    with within():
        ops.remove_from_shortlist(program, mia, olu.id)
        ops.add_to_shortlist(program, mia, quinn)
        # Removing someone not on the list changes nothing.
        ops.remove_from_shortlist(program, mia, olu.id)

    assert favourites(program, mia) == [priya.id, quinn.id]


def test_favourites_move_up_and_down(program, within, mia, olu, priya, make_mentor):
    quinn = make_mentor("quinn@example.org", "Quinn Taylor")
    shortlist(within, program, mia, olu, priya, quinn)

    with within():
        ops.move_in_shortlist(program, mia, quinn.id, -1)
    assert favourites(program, mia) == [olu.id, quinn.id, priya.id]
    with within():
        ops.move_in_shortlist(program, mia, olu.id, +1)
    assert favourites(program, mia) == [quinn.id, olu.id, priya.id]
    with within():
        # Past either end, and someone not on the list: nothing moves.
        ops.move_in_shortlist(program, mia, quinn.id, -1)
        ops.move_in_shortlist(program, mia, priya.id, +1)
        ops.move_in_shortlist(program, mia, 99999, -1)
    assert favourites(program, mia) == [quinn.id, olu.id, priya.id]


def test_moving_after_a_removal_keeps_the_order_whole(program, within, mia, olu, priya, make_mentor):
    quinn = make_mentor("quinn@example.org", "Quinn Taylor")
    shortlist(within, program, mia, olu, priya, quinn)

    with within():
        ops.remove_from_shortlist(program, mia, priya.id)
        ops.move_in_shortlist(program, mia, quinn.id, -1)

    assert favourites(program, mia) == [quinn.id, olu.id]
    positions = [e.position for e in ops.shortlist_of(program, mia)]
    assert positions == sorted(set(positions))


def test_only_mentees_have_a_shortlist(program, within, olu, priya, make_mentee):
    with within(), pytest.raises(PairingError, match="Only mentees in this programme have a shortlist"):
        ops.add_to_shortlist(program, olu, priya)

    gone = make_mentee("gone@example.org", "Gus Gone")
    Participant.update(status="exited").where(Participant.user == gone).execute()
    with within(), pytest.raises(PairingError, match="Only mentees"):
        ops.add_to_shortlist(program, gone, priya)

    assert Shortlist.select().count() == 0


def test_nobody_can_shortlist_themselves(program, within, create_user):
    both = create_user("both@example.org", roles=("mentee", "mentor"), name="Bo Both")
    Participant.update(questionnaire_completed_at=utcnow(), capacity=1).where(Participant.user == both).execute()

    with within(), pytest.raises(PairingError, match="cannot be your own mentor"):
        ops.add_to_shortlist(program, both, both)

    assert Shortlist.select().count() == 0


def test_only_active_mentors_can_be_shortlisted(program, within, mia, make_mentee, make_mentor, admin):
    other_mentee = make_mentee("noah@example.org", "Noah Kim")
    exited = make_mentor("ex@example.org", "Ex Mentor")
    Participant.update(status="exited").where(Participant.user == exited).execute()

    for person in (other_mentee, exited, admin):
        with within(), pytest.raises(PairingError, match="not a mentor in this programme"):
            ops.add_to_shortlist(program, mia, person)

    assert favourites(program, mia) == []


def test_shortlisting_someone_who_mentors_no_one_says_so_and_no_one_at_all_is_not_found(
        program, pairing_open, mia, admin, browser):
    client = browser(mia.email)
    token = client.token("/shortlist")
    answer = client.post(f"/shortlist/{admin.id}", data={"csrf_token": token, "action": "add"},
                         headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "That person is not a mentor in this programme." in answer.get_data(as_text=True)
    nobody = User.select(fn.MAX(User.id)).scalar() + 1
    assert client.post(f"/shortlist/{nobody}", data={"csrf_token": token, "action": "add"}).status_code == 404
    assert favourites(program, mia) == []


def test_the_shortlist_page_adds_reorders_and_removes(program, pairing_open, mia, olu, priya, browser):
    client = browser(mia.email)

    for mentor in (olu, priya):
        response = client.submit(f"/shortlist/{mentor.id}", {"action": "add", "next": "/shortlist"}, page="/shortlist")
        assert response.status_code == 302 and response.headers["Location"] == "/shortlist"
    assert favourites(program, mia) == [olu.id, priya.id]
    text = page_text(client.get("/shortlist"))
    assert text.index("Olu Okafor") < text.index("Priya Shah")
    assert "2 of 3 places used" in text

    client.submit(f"/shortlist/{priya.id}", {"action": "up", "next": "/shortlist"}, page="/shortlist")
    assert favourites(program, mia) == [priya.id, olu.id]
    text = page_text(client.get("/shortlist"))
    assert text.index("Priya Shah") < text.index("Olu Okafor")

    client.submit(f"/shortlist/{priya.id}", {"action": "remove", "next": "/shortlist"}, page="/shortlist")
    assert favourites(program, mia) == [olu.id]
    assert "1 of 3 places used" in page_text(client.get("/shortlist"))


def test_a_full_shortlist_says_why_on_the_page(program, pairing_open, mia, olu, priya, browser, set_setting):
    set_setting("shortlist_size", 1)
    client = browser(mia.email)
    client.submit(f"/shortlist/{olu.id}", {"action": "add"}, page="/shortlist")

    response = client.submit(f"/shortlist/{priya.id}", {"action": "add", "next": "/shortlist"}, page="/shortlist")

    assert response.status_code == 302
    assert "Your shortlist holds 1 mentor. Remove one to add another." in page_text(client.get("/shortlist"))
    assert favourites(program, mia) == [olu.id]


def test_an_unknown_shortlist_action_is_refused(program, pairing_open, mia, olu, browser):
    client = browser(mia.email)

    response = client.submit(f"/shortlist/{olu.id}", {"action": "steal"}, page="/shortlist")

    assert response.status_code == 400
    assert favourites(program, mia) == []


# --- approval mode: request, decline, pass on, approve -------------------------------------------------------------


def test_request_decline_pass_on_and_approve(program, pairing_open, mia, olu, priya, browser):
    shortlist_client = browser(mia.email)
    for mentor in (olu, priya):
        shortlist_client.submit(f"/shortlist/{mentor.id}", {"action": "add"}, page="/shortlist")

    # The mentee sends her request: it goes to her first choice, who is emailed.
    response = shortlist_client.submit("/requests", {"message": "I would love help with roadmaps."}, page="/shortlist")
    assert response.status_code == 302 and response.headers["Location"] == "/shortlist"
    [first] = requests_of(mia)
    assert (first.mentor_id, first.status, first.message) == (olu.id, "pending", "I would love help with roadmaps.")
    assert abs(first.expires_at - first.created_at - dt.timedelta(days=3)) < dt.timedelta(seconds=5)
    [asked] = emails_to(olu, "Mia Chen would like you as their mentor")
    assert asked.status == "stored" and asked.category == "pairing"
    assert "I would love help with roadmaps." in asked.text_body
    assert link_in(asked.text_body, "/inbox") == "http://localhost/inbox"
    page = page_text(shortlist_client.get("/shortlist"))
    assert "Request sent to Olu Okafor" in page and "Your request is with Olu Okafor" in page
    assert emails_to(priya) == []

    # Olu declines, with a reason for the programme team only.
    olu_client = browser(olu.email)
    inbox = page_text(olu_client.get("/inbox"))
    assert "Mia Chen" in inbox and "I would love help with roadmaps." in inbox
    response = olu_client.submit(f"/requests/{first.id}/decline", {"reason": REASON, "confirmed": "yes"}, page="/inbox")
    assert response.status_code == 302 and response.headers["Location"] == "/inbox"
    first = fresh(first)
    assert (first.status, first.reason) == ("declined", REASON) and first.decided_at is not None

    # At once it passes to her second choice.
    second = pending_of(mia)
    assert second is not None and second.mentor_id == priya.id and second.id != first.id
    assert len(emails_to(priya, "Mia Chen would like you as their mentor")) == 1

    # The reason is never shown to the mentee.
    html = shortlist_client.get("/shortlist").get_data(as_text=True)
    assert REASON not in html and "Our teams compete" not in html
    page = page_text(shortlist_client.get("/shortlist"))
    assert "declined; passed on to your next choice" in page and "Your request is with Priya Shah" in page
    assert all(REASON not in e.text_body and REASON not in (e.html_body or "") for e in emails_to(mia))

    # Priya approves: the pair is matched.
    priya_client = browser(priya.email)
    response = priya_client.submit(f"/requests/{second.id}/approve", page="/inbox")
    match = Match.get(Match.mentee == mia)
    assert response.status_code == 302 and response.headers["Location"] == f"/matches/{match.id}"
    assert (match.mentor_id, match.made_by, match.ended_at) == (priya.id, "approval", None)
    assert fresh(second).status == "approved"
    assert status_of(program, mia, "mentee") == "paired" and status_of(program, priya, "mentor") == "paired"
    assert Match.select().count() == 1

    assert "You are now matched with Mia Chen. Reach out to set up your first session." in page_text(
        priya_client.get(response.headers["Location"]))

    # Both hear about it; by default the mentor reaches out first.
    [to_mentee] = emails_to(mia, "Mia, you are now matched with Priya Shah")
    [to_mentor] = emails_to(priya, "Priya, you are now matched with Mia Chen")
    assert to_mentee.status == to_mentor.status == "stored"
    assert "Priya will reach out to you" in to_mentee.text_body
    assert "You reach out first" not in to_mentee.text_body
    assert "Please reach out first" in to_mentor.text_body
    assert link_in(to_mentor.text_body, f"/matches/{match.id}") == f"http://localhost/matches/{match.id}#first-session"
    assert link_in(to_mentee.text_body, f"/matches/{match.id}") == f"http://localhost/matches/{match.id}"
    # Each is pointed at the handbook for their role, and the link opens it.
    handbook = link_in(to_mentor.text_body, "/resources/handbooks/")
    assert handbook == "http://localhost/resources/handbooks/being-a-great-mentor"
    assert link_in(to_mentee.text_body, "/resources/handbooks/").endswith("/being-a-great-mentee")
    assert "Being a great mentor" in page_text(priya_client.get(handbook.replace("http://localhost", "")))

    # Her shortlist page now leads to the match.
    page = page_text(shortlist_client.get("/shortlist"))
    assert "You are matched with Priya Shah" in page and "Request a match" not in page
    assert AuditLog.select().where(AuditLog.action == "match.create").count() == 1


def test_first_contact_mentee_flips_who_reaches_out(program, pairing_open, within, mia, olu, set_setting, browser):
    set_setting("first_contact", "mentee")
    shortlist(within, program, mia, olu)
    with within():
        request = ops.send_request(program, mia)
    olu_client = browser(olu.email)
    approved = olu_client.submit(f"/requests/{request.id}/approve", page="/inbox")
    match = Match.get(Match.mentee == mia)
    assert approved.headers["Location"] == f"/matches/{match.id}"

    # The mentor is told to wait for the mentee, on the page as in the email.
    mentor_page = page_text(olu_client.get(f"/matches/{match.id}"))
    assert "You are now matched with Mia Chen. Mia will reach out to set up your first session." in mentor_page
    assert "Reach out to set up your first session" not in mentor_page
    [to_mentee] = emails_to(mia, "Mia, you are now matched with Olu Okafor")
    [to_mentor] = emails_to(olu, "Olu, you are now matched with Mia Chen")
    assert "You reach out first" in to_mentee.text_body and "olu@example.org" in to_mentee.text_body
    assert "will reach out to you" not in to_mentee.text_body
    assert "Mia will reach out to you" in to_mentor.text_body
    assert "Please reach out first" not in to_mentor.text_body
    assert link_in(to_mentor.text_body, f"/matches/{match.id}") == f"http://localhost/matches/{match.id}"

    mentee_page = browser(mia.email).get(f"/matches/{match.id}").get_data(as_text=True)
    mentor_page = browser(olu.email).get(f"/matches/{match.id}").get_data(as_text=True)
    assert "You reach out first." in mentee_page and "mailto:olu@example.org" in mentee_page
    assert "Mia will reach out to you" in page_text_of(mentor_page)
    assert "You reach out first." not in mentor_page


def page_text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_declined_request_with_no_one_left_tells_the_mentee(program, pairing_open, within, mia, olu):
    shortlist(within, program, mia, olu)
    with within():
        request = ops.send_request(program, mia)
        passed = ops.decline_request(request, olu, "")

    assert passed is None and pending_of(mia) is None
    assert len(emails_to(mia, "Let's find you another mentor")) == 1
    assert fresh(request).status == "declined" and fresh(request).reason == ""


def test_a_request_is_answered_once(program, pairing_open, within, mia, olu, priya):
    shortlist(within, program, mia, olu, priya)
    with within():
        request = ops.send_request(program, mia)
        ops.decline_request(request, olu, "busy")
        stale = fresh(request)
        with pytest.raises(PairingError, match="already been answered"):
            ops.approve_request(stale, olu)
        with pytest.raises(PairingError, match="already been answered"):
            ops.decline_request(stale, olu)
        with pytest.raises(PairingError, match="not sent to you"):
            ops.approve_request(pending_of(mia), olu)

    assert Match.select().count() == 0
    assert fresh(request).reason == "busy"


# --- expiry --------------------------------------------------------------------------------------------------------


def test_unanswered_requests_expire_pass_on_and_run_out(program, pairing_open, within, as_job, mia, olu, priya,
                                                        make_mentor, make_mentee, admin, browser):
    make_mentor("rosa@example.org", "Rosa Diaz", capacity=3)
    full = make_mentor("sam@example.org", "Sam Full")
    someone = make_mentee("zed@example.org", "Zed Paired")
    with within():
        ops.create_match(program, full, someone, made_by="admin", actor=admin)
    start = dt.datetime.now(UTC).replace(microsecond=0)

    with time_machine.travel(start, tick=False):
        shortlist(within, program, mia, olu, priya)
        with within():
            first = ops.send_request(program, mia)
        assert first.mentor_id == olu.id and first.expires_at == start.replace(tzinfo=None) + dt.timedelta(days=3)

    # A day before the deadline, and a minute before it, nothing happens.
    for before in (dt.timedelta(days=2), dt.timedelta(days=3, minutes=-1)):
        with time_machine.travel(start + before, tick=False), as_job():
            assert ops.expire_requests() == 0
        assert fresh(first).status == "pending" and emails_to(priya) == []

    # Past it, the request expires and goes to the next favourite.
    with time_machine.travel(start + dt.timedelta(days=3, minutes=1), tick=False):
        with as_job():
            assert ops.expire_requests() == 1
        assert fresh(first).status == "expired" and fresh(first).decided_at == utcnow()
        second = pending_of(mia)
        assert second.mentor_id == priya.id
        assert second.expires_at == utcnow() + dt.timedelta(days=3)
    assert len(emails_to(priya, "Mia Chen would like you as their mentor")) == 1
    assert AuditLog.select().where(AuditLog.action == "request.expire").count() == 1
    with within():
        assert [row.user_id for row, _ in ops.still_to_pair(program)] == []

    # The second expires too: her shortlist has run out, and she is told so once.
    with time_machine.travel(start + dt.timedelta(days=7), tick=False):
        with as_job():
            assert ops.expire_requests() == 1
            assert ops.expire_requests() == 0
        with within():
            assert ops.send_request(program, mia) is None
    assert fresh(second).status == "expired" and pending_of(mia) is None
    [told] = emails_to(mia, "Let's find you another mentor")
    assert link_in(told.text_body, "/mentors") == "http://localhost/mentors"
    assert len(emails_to(mia)) == 1

    with within():
        waiting = ops.still_to_pair(program)
    assert [(row.user_id, asked) for row, asked in waiting] == [(mia.id, 2)]

    # The admins see her among those still to pair.
    unpaired = page_text(browser(admin.email).get("/admin/unpaired"))
    assert "Mia Chen" in unpaired and "2 · shortlist ran out" in unpaired
    assert "Zed Paired" not in unpaired

    # Her shortlist offers mentors with room instead of a request button.
    html = browser(mia.email).get("/shortlist").get_data(as_text=True)
    alternatives = section(html, "alternatives-heading")
    assert "Your favourites could not take you, but these mentors have room" in alternatives
    assert "Rosa Diaz" in alternatives
    assert "Sam Full" not in alternatives and "Olu Okafor" not in alternatives
    assert "Request a match" not in html
    assert "no answer in time; passed on to your next choice" in page_text_of(html)


def test_expiry_leaves_answered_requests_alone(program, pairing_open, within, as_job, mia, olu, make_mentee):
    noah = make_mentee("noah@example.org", "Noah Kim")
    start = dt.datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        shortlist(within, program, mia, olu)
        shortlist(within, program, noah, olu)
        with within():
            declined = ops.send_request(program, mia)
            ops.decline_request(declined, olu, "no")
            waiting = ops.send_request(program, noah)

    with time_machine.travel(start + dt.timedelta(days=10), tick=False), as_job():
        assert ops.expire_requests() == 1

    assert fresh(declined).status == "declined" and fresh(waiting).status == "expired"


def test_expiry_in_admin_mode_does_not_send_new_requests(program, pairing_open, within, as_job, mia, olu, priya,
                                                         set_setting):
    start = dt.datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        shortlist(within, program, mia, olu, priya)
        with within():
            first = ops.send_request(program, mia)
    set_setting("pairing_mode", "admin")

    with time_machine.travel(start + dt.timedelta(days=4), tick=False), as_job():
        assert ops.expire_requests() == 1

    assert fresh(first).status == "expired" and pending_of(mia) is None
    assert emails_to(priya) == []


def test_the_periodic_job_passes_expired_requests_on(app, program, pairing_open, within, mia, olu, priya,
                                                     make_mentee):
    """The worker's own task, as the consumer runs it: an app context, no request."""
    from portal.pairing.tasks import expire_requests

    noah = make_mentee("noah@example.org", "Noah Kim")
    start = dt.datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        shortlist(within, program, mia, olu, priya)
        shortlist(within, program, noah, olu)
        with within():
            ops.send_request(program, mia)
            ops.send_request(program, noah)

    with time_machine.travel(start + dt.timedelta(days=4), tick=False), app.app_context():
        expire_requests.call_local()

    assert [r.status for r in requests_of(mia)] == ["expired", "pending"]
    assert pending_of(mia).mentor_id == priya.id
    [asked] = emails_to(priya, "Mia Chen would like you as their mentor")
    assert link_in(asked.text_body, "/inbox") == "http://localhost/inbox"
    assert [r.status for r in requests_of(noah)] == ["expired"]
    assert len(emails_to(noah, "Let's find you another mentor")) == 1


# --- mentee-led and admin modes ------------------------------------------------------------------------------------


def test_mentee_led_request_is_a_match_at_once(program, pairing_open, mia, olu, priya, browser, set_setting):
    set_setting("pairing_mode", "mentee")
    client = browser(mia.email)
    client.submit(f"/shortlist/{olu.id}", {"action": "add"}, page="/shortlist")
    assert "Choose my mentor" in page_text(client.get("/shortlist"))

    response = client.submit("/requests", {"message": "hello"}, page="/shortlist")

    assert response.status_code == 302
    match = Match.get(Match.mentee == mia)
    assert (match.mentor_id, match.made_by) == (olu.id, "mentee-led")
    [request] = requests_of(mia)
    assert request.status == "approved" and request.mentor_id == olu.id
    assert "You are matched with Olu Okafor!" in page_text(client.get("/shortlist"))
    # No one is asked to approve anything; both hear about the match.
    assert emails_to(olu, "Mia Chen would like you as their mentor") == []
    assert len(emails_to(mia, "Mia, you are now matched with Olu Okafor")) == 1
    assert len(emails_to(olu, "Olu, you are now matched with Mia Chen")) == 1
    assert status_of(program, mia, "mentee") == status_of(program, olu, "mentor") == "paired"


def test_mentee_led_request_skips_a_full_favourite(program, pairing_open, within, mia, olu, priya, make_mentee,
                                                   admin, set_setting):
    set_setting("pairing_mode", "mentee")
    other = make_mentee("noah@example.org", "Noah Kim")
    with within():
        ops.create_match(program, olu, other, made_by="admin", actor=admin)
    shortlist(within, program, mia, olu, priya)

    with within():
        result = ops.send_request(program, mia)

    assert result.mentor_id == priya.id and result.status == "approved"
    assert [r.mentor_id for r in requests_of(mia)] == [priya.id]
    assert Match.get(Match.mentee == mia).mentor_id == priya.id


def test_admin_mode_refuses_requests_but_keeps_shortlists(program, pairing_open, within, mia, olu, browser,
                                                          set_setting):
    set_setting("pairing_mode", "admin")
    client = browser(mia.email)
    client.submit(f"/shortlist/{olu.id}", {"action": "add"}, page="/shortlist")
    assert favourites(program, mia) == [olu.id]

    with within(), pytest.raises(PairingError) as refused:
        ops.send_request(program, mia)
    assert "the programme team pairs everyone" in str(refused.value)

    page = page_text(client.get("/shortlist"))
    assert "the programme team pairs everyone; your shortlist tells them who you would like" in page
    assert "Request a match" not in page and "Choose my mentor" not in page
    client.submit("/requests", page="/shortlist")
    assert "the programme team pairs everyone" in page_text(client.get("/shortlist"))
    assert requests_of(mia) == [] and Match.select().count() == 0


# --- when requests are refused -------------------------------------------------------------------------------------


def test_requests_wait_for_the_pairing_window(program, within, mia, olu, browser):
    program.phase_overrides = {"pairing": False}
    program.save()
    shortlist(within, program, mia, olu)

    with within(), pytest.raises(PairingError, match="Requests open with the pairing window on"):
        ops.send_request(program, mia)
    client = browser(mia.email)
    client.submit("/requests", page="/shortlist")

    assert f"Requests open with the pairing window on {program.pairing_opens:%-d %B}" in page_text(
        client.get("/shortlist"))
    assert requests_of(mia) == []


def test_requests_wait_for_a_finished_questionnaire(program, pairing_open, within, make_mentee, olu):
    half = make_mentee("half@example.org", "Hal Done", complete=False)
    shortlist(within, program, half, olu)

    with within(), pytest.raises(PairingError, match="Finish your questionnaire first"):
        ops.send_request(program, half)

    assert requests_of(half) == [] and emails_to(olu) == []


def test_a_matched_mentee_cannot_request_again(program, pairing_open, within, mia, olu, priya, admin):
    shortlist(within, program, mia, priya)
    with within():
        ops.create_match(program, olu, mia, made_by="admin", actor=admin)
        with pytest.raises(PairingError, match="You already have a mentor"):
            ops.send_request(program, mia)

    assert requests_of(mia) == [] and emails_to(priya) == []


def test_one_request_at_a_time(program, pairing_open, within, mia, olu, priya, browser):
    shortlist(within, program, mia, olu, priya)
    with within():
        ops.send_request(program, mia)
        with pytest.raises(PairingError, match="already have a request waiting"):
            ops.send_request(program, mia)
    client = browser(mia.email)
    client.submit("/requests", page="/shortlist")

    assert "You already have a request waiting for an answer." in page_text(client.get("/shortlist"))
    assert [r.mentor_id for r in requests_of(mia)] == [olu.id]
    assert emails_to(priya) == []


def test_a_request_with_an_empty_shortlist_sends_nothing(program, pairing_open, within, mia):
    """Refused with a message: an empty shortlist has not run out, so no "find another mentor" email either."""
    with within(), pytest.raises(PairingError, match="Add at least one mentor"):
        ops.send_request(program, mia)
    assert requests_of(mia) == []
    assert Email.select().where(Email.to_address == mia.email).count() == 0


# --- a mentor full by the time they approve ------------------------------------------------------------------------


def test_a_full_mentor_cannot_approve_and_the_request_passes_on(program, pairing_open, within, mia, olu, priya,
                                                                make_mentee, browser):
    noah = make_mentee("noah@example.org", "Noah Kim")
    shortlist(within, program, mia, olu)
    shortlist(within, program, noah, olu, priya)
    with within():
        for_mia = ops.send_request(program, mia)
        for_noah = ops.send_request(program, noah)
    assert for_mia.mentor_id == for_noah.mentor_id == olu.id

    olu_client = browser(olu.email)
    olu_client.submit(f"/requests/{for_mia.id}/approve", page="/inbox")
    with within(), pytest.raises(MentorFull, match="no room left"):
        ops.approve_request(for_noah, olu)

    closed = fresh(for_noah)
    assert (closed.status, closed.reason) == ("closed", "The mentor had no room left.")
    passed = pending_of(noah)
    assert passed.mentor_id == priya.id
    assert len(emails_to(priya, "Noah Kim would like you as their mentor")) == 1
    assert Match.select().where(Match.mentor == olu).count() == 1
    assert emails_to(noah, "Noah, you are now matched with Olu Okafor") == []


def test_the_inbox_says_when_the_mentor_is_full(program, pairing_open, within, mia, olu, make_mentee, browser):
    noah = make_mentee("noah@example.org", "Noah Kim")
    shortlist(within, program, mia, olu)
    shortlist(within, program, noah, olu)
    with within():
        for_mia = ops.send_request(program, mia)
        for_noah = ops.send_request(program, noah)
    client = browser(olu.email)
    client.submit(f"/requests/{for_mia.id}/approve", page="/inbox")

    response = client.submit(f"/requests/{for_noah.id}/approve", page="/inbox")

    assert response.status_code == 302 and response.headers["Location"] == "/inbox"
    inbox = page_text(client.get("/inbox"))
    assert "Olu Okafor has no room left: 1 of 1 places taken." in inbox
    assert "1 of 1 place taken" in inbox
    assert Match.select().where(Match.mentor == olu).count() == 1
    # Noah had no one else on his list: he is told, and waits for the programme team.
    assert len(emails_to(noah, "Let's find you another mentor")) == 1


# --- the match page ------------------------------------------------------------------------------------------------


@pytest.fixture
def matched(program, pairing_open, within, mia, olu):
    shortlist(within, program, mia, olu)
    with within():
        return ops.approve_request(ops.send_request(program, mia), olu)


def test_the_mentor_sees_the_match_with_the_reach_out_first_box(matched, browser):
    response = browser("olu@example.org").get(f"/matches/{matched.id}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(response)
    assert "Olu Okafor mentors Mia Chen" in text
    assert "Mentor: Olu Okafor" in text and "Mentee: Mia Chen" in text
    box = re.search(r'<article class="callout" id="first-session">(.*?)</article>', html, re.DOTALL)
    assert box, "no first-session box for the mentor"
    assert "You reach out first." in page_text_of(box.group(1))
    assert "mailto:mia@example.org" in box.group(1)


def test_the_mentee_sees_who_will_reach_out(matched, browser):
    response = browser("mia@example.org").get(f"/matches/{matched.id}")

    assert response.status_code == 200
    text = page_text(response)
    assert "Olu Okafor mentors Mia Chen" in text
    assert "Olu will reach out to you" in text and "You reach out first" not in text


def test_an_admin_sees_any_match_without_the_box(matched, admin, browser):
    response = browser(admin.email).get(f"/matches/{matched.id}")

    assert response.status_code == 200
    assert "Olu Okafor mentors Mia Chen" in page_text(response)
    assert 'id="first-session"' not in response.get_data(as_text=True)


def test_a_match_is_hidden_from_everyone_else(matched, make_mentee, make_mentor, browser, client):
    make_mentee("noah@example.org", "Noah Kim")
    make_mentor("rosa@example.org", "Rosa Diaz")

    for email in ("noah@example.org", "rosa@example.org"):
        assert browser(email).get(f"/matches/{matched.id}").status_code == 404
    assert browser("olu@example.org").get(f"/matches/{matched.id + 1000}").status_code == 404
    anonymous = client.get(f"/matches/{matched.id}")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login?next=")


# --- real delivery -------------------------------------------------------------------------------------------------


class TestDeliveredByMail:
    """The same emails, through a real SMTP server."""

    @pytest.fixture
    def app(self, smtp_app):
        return smtp_app

    def test_request_and_match_emails_reach_the_mail_server(self, program, pairing_open, within, mia, olu,
                                                            smtp_sink):
        shortlist(within, program, mia, olu)
        with within():
            request = ops.send_request(program, mia, "Hello!")
        [asked] = smtp_sink.wait_for(1)
        assert asked["to"] == ["olu@example.org"]
        assert asked["message"]["Subject"] == "Mia Chen would like you as their mentor"

        with within():
            match = ops.approve_request(request, olu)
        smtp_sink.wait_for(3)

        [to_mentee] = smtp_sink.to("mia@example.org")
        [_, to_mentor] = smtp_sink.to("olu@example.org")
        assert to_mentee["Subject"] == "Mia, you are now matched with Olu Okafor"
        assert to_mentor["Subject"] == "Olu, you are now matched with Mia Chen"
        assert "Please reach out first" in text_of(to_mentor)
        assert link_in(text_of(to_mentor), f"/matches/{match.id}").endswith(f"/matches/{match.id}#first-session")
        assert Email.select().where(Email.status != "sent").count() == 0


def test_a_stale_approval_cannot_revive_an_expired_request(program, pairing_open, within, mia, olu, priya):
    """The mentor's tab still shows the request; meanwhile it expired and passed on."""
    shortlist(within, program, mia, olu, priya)
    with within():
        stale = ops.send_request(program, mia)
    with time_machine.travel(utcnow() + dt.timedelta(days=4), tick=False), within():
        ops.expire_requests()
    with within(), pytest.raises(PairingError, match="already been answered"):
        ops.create_match(program, olu, mia, made_by="approval", actor=olu, request=stale)
    assert Match.select().where(Match.mentee == mia).count() == 0
    assert fresh(stale).status == "expired"


def test_a_mentor_with_an_unfinished_questionnaire_cannot_be_shortlisted(program, within, mia, olu):
    Participant.update(questionnaire_completed_at=None).where(Participant.user == olu).execute()
    with within(), pytest.raises(PairingError, match="not a mentor"):
        ops.add_to_shortlist(program, mia, olu)


def test_the_private_decline_reason_is_shown_to_admins_only(program, pairing_open, within, mia, olu, priya, browser,
                                                            admin):
    shortlist(within, program, mia, olu, priya)
    with within():
        request = ops.send_request(program, mia)
        ops.decline_request(request, olu, "Too close to my own team.")
    admin_page = page_text(browser(admin.email).get(f"/people/{mia.id}"))
    assert "Too close to my own team." in admin_page
    assert "Too close to my own team." not in page_text(browser(mia.email).get(f"/people/{mia.id}"))


def test_who_reaches_out_first_is_no_longer_shown_once_a_session_is_booked(program, pairing_open, within, mia, olu,
                                                                           browser):
    shortlist(within, program, mia, olu)
    with within():
        request = ops.send_request(program, mia)
    olu_client = browser(olu.email)
    olu_client.submit(f"/requests/{request.id}/approve", page="/inbox")
    match = Match.get(Match.mentee == mia)
    assert "You reach out first." in page_text(olu_client.get(f"/matches/{match.id}"))

    start = dt.datetime(2030, 3, 4, 9, 0)
    meeting = Meeting.create(match=match, organizer=olu, number=1, agenda="first-session", uid="first-of-two",
                             starts_at=start, ends_at=start + dt.timedelta(hours=1))
    for client in (olu_client, browser(mia.email)):
        page = page_text(client.get(f"/matches/{match.id}"))
        assert "reach out" not in page and "Sessions" in page

    # A cancelled session leaves the pair where it was: the mentor still writes first.
    meeting.status = "cancelled"
    meeting.save()
    assert "You reach out first." in page_text(olu_client.get(f"/matches/{match.id}"))
