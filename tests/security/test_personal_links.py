"""A session's agenda and feedback links open only for the person they were made for, as survey links do: without a
login the link is the key; logged in as anyone else (the other of the pair, an admin, a stranger) they are refused and
show nothing of that person's, and nothing sent through them lands on that person."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from portal.meetings import booking, invitations
from portal.models import ActionItem, Email, Feedback, MeetingNote
from tests.meetings.conftest import calendar_secret, frozen, pair  # noqa: F401
from tests.pairing.conftest import browser, page_text, within  # noqa: F401

START = dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)  # Wednesday, within both people's working hours
NOTE = "Private worry about my manager"


@pytest.fixture
def meeting(pair, within, frozen):
    match, mentor, mentee = pair
    with within():
        found = booking.book(match, mentor, START, START + dt.timedelta(hours=1), location_kind="virtual",
                             location="https://meet.example.org/abc")
    MeetingNote.create(meeting=found, user=mentee, body=NOTE)
    return found


def link(app, kind: str, meeting, user) -> str:
    with app.test_request_context():
        return (invitations.agenda_url if kind == "agenda" else invitations.feedback_url)(meeting, user).replace(
            "http://localhost", "")


def test_without_a_login_the_link_opens_as_its_person_as_a_survey_link_does(app, browser, pair, meeting):
    match, mentor, mentee = pair
    agenda = link(app, "agenda", meeting, mentee)

    anonymous = browser().get(agenda)
    as_leo = browser(mentee.email).get(agenda)

    for response in (anonymous, as_leo):
        assert response.status_code == 200
        assert NOTE in response.get_data(as_text=True)
    assert browser(mentee.email).get(link(app, "feedback", meeting, mentee)).status_code == 200


@pytest.mark.parametrize("who", ["the other of the pair", "an admin", "a stranger"])
def test_someone_else_logged_in_is_refused_and_sees_no_private_notes(app, browser, create_user, admin, pair, meeting,
                                                                     who):
    match, mentor, mentee = pair
    email = {"the other of the pair": mentor.email, "an admin": admin.email,
             "a stranger": create_user("sam@example.org", roles=("mentee",)).email}[who]
    visitor = browser(email)
    agenda, feedback = link(app, "agenda", meeting, mentee), link(app, "feedback", meeting, mentee)

    for address in (agenda, feedback):
        response = visitor.get(address)
        assert response.status_code == 404
        assert "This link was sent to someone else" in page_text(response)
        assert NOTE not in response.get_data(as_text=True)
    # Nothing sent through the link lands on Leo: notes, action items, feedback.
    assert visitor.submit(f"{agenda}/notes", {"body": "overwritten"}, page="/").status_code == 404
    assert visitor.submit(f"{agenda}/items", {"text": "Not Leo's item"}, page="/").status_code == 404
    assert visitor.submit(feedback, {"rating": "1", "fit": "1", "went_well": "x"}, page="/").status_code == 404
    assert MeetingNote.get(MeetingNote.user == mentee).body == NOTE
    assert ActionItem.select().count() == 0 and Feedback.select().count() == 0


def test_an_admin_following_an_invite_from_the_outbox_never_reaches_private_notes(app, browser, admin, pair, meeting):
    match, mentor, mentee = pair
    invite = Email.get(Email.to_address == mentee.email, Email.category == "meetings")
    ada = browser(admin.email)

    page = ada.get(f"/admin/outbox/{invite.id}").get_data(as_text=True)
    preview = ada.get(f"/admin/outbox/{invite.id}/html").get_data(as_text=True)

    shown = re.findall(r"https?://[^\s\"'<>]*/sessions/(?:agenda|feedback)/[^\s\"'<>]*", page + preview)
    assert shown and all("/sessions/agenda/…" in a or "/sessions/feedback/…" in a for a in shown), shown
    for address in shown:
        assert ada.get(address.replace("http://localhost", "")).status_code == 404
    # Even holding the real link (from the stored email) while logged in, the admin is refused.
    real = re.search(r"http://localhost(/sessions/agenda/\S+)", invite.text_body).group(1)
    refused = ada.get(real)
    assert refused.status_code == 404 and NOTE not in refused.get_data(as_text=True)
