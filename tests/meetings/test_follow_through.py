"""Around each session: the agenda page from the invite link (action items, private notes), feedback with its week
to change and its flags, the action-item list on the match page, and the admins' follow-ups."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from portal import links
from portal.meetings import booking, invitations
from portal.models import ActionItem, Feedback, FollowUp, Meeting, MeetingNote
from tests.meetings.conftest import NOW
from tests.pairing.conftest import page_text

START = dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)  # Wednesday, within both people's working hours


@pytest.fixture
def meeting(pair, within, frozen):
    match, mentor, mentee = pair
    with within():
        return booking.book(match, mentor, START, START + dt.timedelta(hours=1), location_kind="virtual",
                            location="https://meet.example.org/abc")


def link(app, kind: str, meeting, user) -> str:
    with app.test_request_context():
        return (invitations.agenda_url if kind == "agenda" else invitations.feedback_url)(meeting, user).replace(
            "http://localhost", "")


def test_the_invite_link_opens_the_agenda_for_that_person_only(app, client, pair, meeting):
    match, mentor, mentee = pair
    MeetingNote.create(meeting=meeting, user=mentor, body="Mia's private thought about Leo")
    page = client.get(link(app, "agenda", meeting, mentee))
    assert page.status_code == 200
    text = page_text(page)
    assert "Getting to know one another" in text and "Your private notes" in text
    assert "Mia's private thought" not in page.get_data(as_text=True)  # the mentor's notes never show to the mentee
    assert page.headers["Cache-Control"] == "private, no-store"


def test_the_agenda_never_tells_a_mentee_who_may_not_book_to_book(app, client, pair, meeting, set_setting):
    match, mentor, mentee = pair

    as_mentee = page_text(client.get(link(app, "agenda", meeting, mentee)))
    as_mentor = page_text(client.get(link(app, "agenda", meeting, mentor)))

    assert "booking sessions is yours" not in as_mentee and "Mentee: Book" not in as_mentee
    assert f"{mentor.first_name} books the sessions in the portal; you propose when." in as_mentee
    assert f"You book the sessions in the portal; {mentee.first_name} proposes when." in as_mentor
    set_setting("mentees_can_book", True)
    assert "Either of you books the next session in the portal." in page_text(client.get(link(app, "agenda", meeting,
                                                                                              mentee)))


def test_the_handbooks_and_agendas_leave_booking_to_whoever_the_programme_lets_book():
    from portal import content

    for document in [*content.agendas(), *content.handbooks()]:
        written = " ".join([document.body, *(str(i) for part in ("before", "during", "after")
                                             for i in document.meta.get(part, []))])
        assert "Mentee: Book" not in written and "you send the invitations" not in written, document.slug
        assert "booking sessions is yours" not in written and "they book the sessions" not in written, document.slug


def test_links_are_refused_when_forged_tampered_or_after_the_programme(app, client, pair, meeting, create_user):
    match, mentor, mentee = pair
    good = link(app, "agenda", meeting, mentee)
    assert client.get(good[:-3] + "xyz").status_code == 404
    stranger = create_user("sam@example.org", roles=("mentee",))
    with app.test_request_context():
        signed_for_stranger = links.make_token("meeting", {"meeting": meeting.id, "user": stranger.id})
        other_purpose = links.make_token("survey", {"meeting": meeting.id, "user": mentee.id})
    assert client.get(f"/sessions/agenda/{signed_for_stranger}").status_code == 404  # not one of the pair
    assert client.get(f"/sessions/agenda/{other_purpose}").status_code == 404  # signed for something else
    after = dt.datetime.combine(match.program.ends, dt.time()) + dt.timedelta(days=invitations.LINK_GRACE_DAYS + 1)
    with time_machine.travel(after.replace(tzinfo=dt.UTC)):
        assert client.get(good).status_code == 404
    with time_machine.travel(NOW + dt.timedelta(days=invitations.AGENDA_LINK_DAYS + 1)):
        assert client.get(good).status_code == 404


def test_action_items_are_added_from_the_agenda_and_ticked_off_on_the_match_page(app, client, browser, pair, meeting):
    match, mentor, mentee = pair
    agenda = link(app, "agenda", meeting, mentee)
    added = client.submit(f"{agenda}/items", {"text": "Draft my   learning goals"}, page=agenda)
    assert added.status_code == 302 and added.headers["Location"].endswith("#action-items")
    item = ActionItem.get()
    assert item.text == "Draft my learning goals" and item.author_id == mentee.id and item.meeting_id == meeting.id
    # htmx gets the list back alone, and an empty item keeps the form with a message.
    empty = client.submit(f"{agenda}/items", {"text": "  "}, page=agenda, headers={"HX-Request": "true"})
    assert empty.status_code == 400 and "Write the action item first" in page_text(empty)
    assert "<html" not in empty.get_data(as_text=True)
    # The mentor sees the pair's list on the match page and ticks it off there.
    mia = browser(mentor.email)
    page = mia.get(f"/matches/{match.id}")
    assert "Draft my learning goals" in page_text(page) and "0 of 1 done" in page_text(page)
    ticked = mia.submit(f"/matches/{match.id}/items/{item.id}", {"done": "1"}, page=f"/matches/{match.id}",
                        headers={"HX-Request": "true"})
    assert ticked.status_code == 200 and "1 of 1 done" in page_text(ticked)
    assert ActionItem.get_by_id(item.id).done_by_id == mentor.id
    # Nobody else can tick it: not signed in, or signed in outside the pair.
    assert browser().submit(f"/matches/{match.id}/items/{item.id}", {"done": "0"}, page="/").status_code == 302


def test_private_notes_are_kept_per_person(app, client, pair, meeting):
    match, mentor, mentee = pair
    agenda = link(app, "agenda", meeting, mentee)
    saved = client.submit(f"{agenda}/notes", {"body": "Ask about the reorg"}, page=agenda)
    assert saved.status_code == 302
    assert MeetingNote.get(MeetingNote.user == mentee).body == "Ask about the reorg"
    assert "Ask about the reorg" in client.get(agenda).get_data(as_text=True)
    mentor_page = client.get(link(app, "agenda", meeting, mentor)).get_data(as_text=True)
    assert "Ask about the reorg" not in mentor_page
    too_long = client.submit(f"{agenda}/notes", {"body": "x" * 10001 + "KEPT"}, page=agenda)
    assert too_long.status_code == 400 and "KEPT" in too_long.get_data(as_text=True)


def test_feedback_opens_at_the_session_flags_low_answers_and_can_be_changed_for_a_week(app, client, pair, meeting,
                                                                                     frozen):
    match, mentor, mentee = pair
    form = link(app, "feedback", meeting, mentee)
    early = client.submit(form, {"rating": "4", "fit": "4"})
    assert early.status_code == 400 and Feedback.select().count() == 0
    frozen.move_to(START + dt.timedelta(hours=1, minutes=5))
    sent = client.submit(form, {"rating": "2", "fit": "4", "went_well": "It felt rushed",
                                "action_items": "Share my CV\nBook session two"})
    assert sent.status_code == 302
    feedback = Feedback.get()
    assert (feedback.rating, feedback.fit) == (2, 4)
    flags = list(FollowUp.select())
    assert [(f.reason, f.match_id, f.user_id) for f in flags] == [("low_rating", match.id, mentee.id)]
    assert "It felt rushed" in flags[0].details
    assert sorted(i.text for i in ActionItem.select()) == ["Book session two", "Share my CV"]

    # Changing it the next day: a better rating withdraws the flag, a poor fit raises one, a dropped item goes.
    frozen.move_to(START + dt.timedelta(days=1))
    changed = client.submit(form, {"rating": "4", "fit": "1", "action_items": "Share my CV"})
    assert changed.status_code == 302 and Feedback.select().count() == 1
    assert [f.reason for f in FollowUp.select()] == ["low_fit"]
    assert [i.text for i in ActionItem.select()] == ["Share my CV"]
    # Resubmitting the same low fit does not flag twice.
    client.submit(form, {"rating": "4", "fit": "1", "action_items": "Share my CV"})
    assert FollowUp.select().count() == 1

    # After seven days it is final.
    frozen.move_to(START + dt.timedelta(days=8, hours=2))
    late = client.submit(form, {"rating": "5", "fit": "5"})
    assert late.status_code == 400 and Feedback.get().rating == 4
    assert "is final now" in page_text(client.get(form))


def test_cancelled_sessions_take_no_feedback(app, client, pair, meeting, within, frozen):
    match, mentor, mentee = pair
    with within():
        booking.cancel(meeting, mentor)
    frozen.move_to(START + dt.timedelta(hours=2))
    form = link(app, "feedback", Meeting.get_by_id(meeting.id), mentee)
    assert "was cancelled" in page_text(client.get(form))
    assert client.submit(form, {"rating": "1", "fit": "1"}).status_code == 400
    assert FollowUp.select().count() == 0


def test_admins_see_flagged_pairs_on_the_dashboard_and_mark_them_handled(app, client, browser, pair, meeting,
                                                                         admin, frozen):
    match, mentor, mentee = pair
    frozen.move_to(START + dt.timedelta(hours=1))
    client.submit(link(app, "feedback", meeting, mentor), {"rating": "1", "fit": "2", "went_well": "Leo never came"})
    ada = browser(admin.email)
    page = ada.get("/admin/dashboard")
    text = page_text(page)
    assert page.status_code == 200 and "Needs a follow-up 2" in text
    assert "Low session rating" in text and "Pairing may not fit" in text and "Leo never came" in text
    first = FollowUp.select().order_by(FollowUp.id).first()
    done = ada.submit(f"/admin/follow-ups/{first.id}/resolve", {"resolution": "Called Mia"}, page="/admin/dashboard")
    assert done.status_code == 302
    text = page_text(ada.get("/admin/dashboard"))
    assert "Needs a follow-up 1" in text and "Called Mia" in text
    # Mentor and mentee never see the dashboard.
    assert browser(mentee.email).get("/admin/dashboard").status_code == 403


def test_dashboard_counts_people_by_role_whatever_their_status(browser, pair, admin, create_user, program):
    match, mentor, mentee = pair
    for n in range(3):
        create_user(f"new{n}@example.org", roles=("mentee",))  # registered, not yet ready
    text = page_text(browser(admin.email).get("/admin/dashboard"))
    assert "1 mentor · 4 mentees" in text and "1 matched pair" in text


def test_dashboard_lists_pairs_without_a_first_session_and_quiet_pairs(browser, pair, admin, within, frozen):
    match, mentor, mentee = pair
    ada = browser(admin.email)
    frozen.move_to(NOW + dt.timedelta(days=15))
    assert "no session booked yet" in page_text(ada.get("/admin/dashboard"))
    with within():
        booking.book(match, mentor, NOW + dt.timedelta(days=16, hours=2), NOW + dt.timedelta(days=16, hours=3),
                     location_kind="virtual", location="https://meet.example.org/s")
    assert "no session booked yet" not in page_text(ada.get("/admin/dashboard"))
    frozen.move_to(NOW + dt.timedelta(days=16 + 46))
    assert "no session since" in page_text(browser(admin.email).get("/admin/dashboard"))  # a fresh login
