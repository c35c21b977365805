"""A session's agenda and feedback links open only for the person they were made for, as survey links do: without a
login the link is the key; logged in as anyone else (the other of the pair, an admin, a stranger) they are refused and
show nothing of that person's, and nothing sent through them lands on that person."""
from __future__ import annotations

import base64
import datetime as dt
import json
import re

import pytest
import time_machine

from portal.meetings import booking, invitations
from portal.models import ActionItem, Email, Feedback, MeetingNote, User
from tests.meetings.conftest import calendar_secret, frozen, pair  # noqa: F401
from tests.pairing.conftest import _fresh_directory_cache, browser, page_text, within  # noqa: F401
from tests.security.world import PRIVATE, world  # noqa: F401

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


# --- every kind of personal link the portal makes: tampered, of another kind, expired, reused, someone else's --------
# Leo's links from the world of the route matrix: agenda and feedback (the "meeting" purpose), survey, password
# reset, address confirmation (all signed by portal/links.py) and the calendar feed (a random secret, no signature).
ADDRESSES = {"agenda": "/sessions/agenda/{}", "feedback": "/sessions/feedback/{}", "survey": "/surveys/answer/{}",
             "reset": "/password/reset/{}", "confirm": "/register/confirm/{}", "feed": "/calendar/feed/{}.ics"}
TOKEN_OF = {"agenda": "meeting", "feedback": "meeting", "survey": "survey", "reset": "reset", "confirm": "confirm",
            "feed": "feed"}
GENUINE = {"agenda": 200, "feedback": 200, "survey": 200, "reset": 200, "confirm": 302, "feed": 200}
SIGNED = [kind for kind in ADDRESSES if kind != "feed"]


@pytest.fixture
def leo(world):
    """Leo's account waiting for its address to be confirmed, so the confirmation link has work to do."""
    User.update(email_confirmed=False).where(User.id == world.people["mentee"].id).execute()
    return world.people["mentee"]


def address(world, kind: str, token: str | None = None) -> str:
    return ADDRESSES[kind].format(token or world.tokens[TOKEN_OF[kind]])


def _flip(token: str) -> str:
    """The token with a character of its signature changed: not the last, whose low bits are base64 padding that
    decoding drops (A and B there decode to the same signature)."""
    return token[:-5] + ("A" if token[-5] != "A" else "Q") + token[-4:]


def _with_payload(token: str, payload: dict) -> str:
    """Another payload under the token's own timestamp and signature: what forging someone else's link looks like."""
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=").decode()
    return body + token[token.index("."):]


def test_the_genuine_link_opens_and_a_tampered_one_is_refused(world, leo):
    visitor, answers = world.client("anonymous"), {}
    for kind in ADDRESSES:
        token = world.tokens[TOKEN_OF[kind]]
        forged = [_flip(token), token[:-4], token + "x"]
        if kind in SIGNED:  # the same signature over a payload naming Mia, or no one
            forged += [_with_payload(token, {"meeting": 1, "survey": 1, "user": world.people["mentor"].id,
                                             "u": world.people["mentor"].id}), _with_payload(token, {})]
        answers |= {(kind, candidate): visitor.get(address(world, kind, candidate)).status_code for candidate in forged}
        # Last, as the confirmation link logs Leo in.
        assert world.client("anonymous").get(address(world, kind)).status_code == GENUINE[kind], kind

    assert len(answers) == 28 and {key: status for key, status in answers.items() if status != 404} == {}
    assert visitor.get("/profile").headers["Location"].startswith("/login")  # no forged confirmation logged anyone in


def test_a_token_made_for_one_kind_of_link_opens_no_other(world, leo):
    visitor = world.client("anonymous")
    crossed = [(kind, other) for kind in SIGNED for other in SIGNED if TOKEN_OF[other] != TOKEN_OF[kind]]

    answers = {(kind, other): visitor.get(address(world, other, world.tokens[TOKEN_OF[kind]])).status_code
               for kind, other in crossed}

    assert len(answers) == 18 and set(answers.values()) == {404}, answers


# How long after they were made each kind stops working, and the answer then: a session's links end with the
# programme (two weeks' grace), a survey link a month after it, reset and confirmation links after hours.
EXPIRY = {"agenda": (dt.timedelta(days=400), 404), "feedback": (dt.timedelta(days=400), 404),
          "survey": (dt.timedelta(days=400), 410), "reset": (dt.timedelta(hours=2), 410),
          "confirm": (dt.timedelta(hours=73), 410)}


@pytest.mark.parametrize("kind", list(EXPIRY))
def test_an_expired_link_is_refused(world, leo, kind):
    late, status = EXPIRY[kind]
    with time_machine.travel(dt.datetime.now(dt.UTC) + late):
        response = world.client("anonymous").get(address(world, kind))

    assert response.status_code == status
    assert PRIVATE["note"] not in response.get_data(as_text=True)


def test_a_used_reset_link_does_not_work_again(world, leo):
    visitor = world.client("anonymous")
    reset = address(world, "reset")
    new = {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}

    assert visitor.submit(reset, new).status_code == 302
    assert visitor.get(reset).status_code == 404
    assert visitor.submit(reset, {"password": "third time lucky!", "confirm": "third time lucky!"},
                          page="/login").status_code == 404
    assert world.client("anonymous").submit("/login", {"email": leo.email, "password": new["password"]}
                                            ).status_code == 302


def test_a_used_confirmation_link_logs_no_one_in_again(world, leo):
    confirm = address(world, "confirm")
    assert world.client("anonymous").get(confirm).headers["Location"] == "/questionnaire"

    later = world.client("anonymous")
    again = later.get(confirm)

    assert again.status_code == 302 and again.headers["Location"] == "/login"
    assert later.get("/profile").headers["Location"].startswith("/login")


@pytest.mark.parametrize("change", ["renew", "revoke"])
def test_a_renewed_or_revoked_feed_address_stops_working(world, change):
    old = address(world, "feed")
    changed = world.client("mentee").submit("/calendar/feed" if change == "renew" else "/calendar/feed/revoke",
                                            {"confirmed": "yes"}, page="/calendar/feed")

    assert changed.status_code == 302

    assert world.client("anonymous").get(old).status_code == 404


@pytest.mark.parametrize("who", ["mentor", "other_mentee", "admin"])
def test_someone_elses_link_is_refused_while_logged_in_and_changes_nothing(world, leo, who):
    """The feed is left out by design: calendar apps fetch it without a session, and it shows times, not words."""
    visitor = world.client(who)
    before = User.get_by_id(leo.id)
    sent = {"reset": {"password": "taken over by someone", "confirm": "taken over by someone"},
            "feedback": {"rating": "1", "fit": "1", "went_well": "not Leo's words"}, "survey": {"rating": "1"}}

    for kind in SIGNED:
        response = visitor.get(address(world, kind))
        assert response.status_code == 404, kind
        assert "sent to someone else" in page_text(response), kind
        assert not any(text in response.get_data(as_text=True) for text in PRIVATE.values()), kind
        if kind in sent:
            assert visitor.submit(address(world, kind), sent[kind], page="/").status_code == 404, kind

    after = User.get_by_id(leo.id)
    assert (after.password_hash, after.email_confirmed) == (before.password_hash, before.email_confirmed)
    assert visitor.get("/profile").headers["Location"] == f"/people/{world.people[who].id}"  # still themselves
    assert Feedback.select().where(Feedback.went_well == "not Leo's words").count() == 0
