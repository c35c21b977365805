"""Data rights: a participant downloads everything the portal stores about them (JSON, and CSV files in a zip) and
nothing private of anyone else's; an admin deletes a person after a confirmation page, with the usual leaving emails
and CANCEL invites over real SMTP, their words and secrets gone and an anonymous row left for the figures."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from functools import partial

import icalendar
import pytest

from portal.calendars import connections
from portal.dashboard import figures
from portal.leaving import operations as leaving
from portal.meetings import booking, invitations
from portal.models import (ActionItem, Answer, AuditLog, CalendarConnection, CalendarFeed, Email, Feedback, FollowUp,
                           LoginAttempt, Match, MatchRequest, Meeting, MeetingNote, Participant, Shortlist, Survey,
                           SurveyResponse, User)
from portal.privacy import erasure
from tests.calendar_sync.conftest import caldav_account, radicale  # noqa: F401
from tests.calendars.conftest import loopback_calendar_servers  # noqa: F401
from tests.conftest import PASSWORD, text_of
from tests.meetings.conftest import calendar_secret, frozen, pair  # noqa: F401
from tests.meetings.test_calendar_sync import events_on
from tests.pairing.conftest import browser, page_text, within  # noqa: F401
from tests.pairing.test_capacity_race import race, split

START = dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)  # Wednesday, within both people's working hours
LEO_NOTE, MIA_NOTE = "Leo's worry about his manager", "Mia's private view of Leo"
MIA_FEEDBACK, LEO_FEEDBACK = "Mia thought it went well", "Leo liked the goals part"
DECLINE_REASON = "Max's private reason: too junior"
CALDAV_SECRET = "encrypted-app-password-0123"


@pytest.fixture
def app(smtp_app):
    """Every email goes over real SMTP to the sink."""
    return smtp_app


@pytest.fixture
def history(pair, within, frozen, create_user, program):
    """A session held (notes, feedback, an action item from each), one to come, a survey answered by both, a
    calendar connection and feed for Mia, and a request of Leo's that another mentor declined with a private reason."""
    match, mia, leo = pair
    with within():
        held = booking.book(match, mia, START, START + dt.timedelta(hours=1), location_kind="virtual",
                            location="https://meet.example.org/held")
        coming = booking.book(match, mia, START + dt.timedelta(days=7), START + dt.timedelta(days=7, hours=1),
                              location_kind="virtual", location="https://meet.example.org/coming")
    frozen.move_to(START + dt.timedelta(days=2))
    MeetingNote.create(meeting=held, user=leo, body=LEO_NOTE)
    MeetingNote.create(meeting=held, user=mia, body=MIA_NOTE)
    Feedback.create(meeting=held, user=mia, rating=4, fit=5, went_well=MIA_FEEDBACK, action_items="Mia's item")
    Feedback.create(meeting=held, user=leo, rating=2, fit=4, went_well=LEO_FEEDBACK)
    ActionItem.create(match=match, meeting=held, author=mia, text="Mia sends the reading list")
    ActionItem.create(match=match, meeting=held, author=leo, text="Leo drafts his goals")
    FollowUp.create(program=program, match=match, user=mia, reason="low_rating", details=MIA_FEEDBACK,
                    source="test:mia")
    survey = Survey.create(program=program, kind="midpoint", questions=[
        {"key": "overall", "text": "Overall, how is it going?", "kind": "rating"},
        {"key": "better", "text": "What would make the programme better?", "kind": "text"}])
    SurveyResponse.create(survey=survey, user=mia, role="mentor", answers={"overall": 5, "better": "Mia: more time"},
                          rating=5)
    SurveyResponse.create(survey=survey, user=leo, role="mentee", answers={"overall": 3, "better": "Leo: less admin"},
                          rating=3)
    CalendarConnection.create(user=mia, kind="caldav", url="https://cal.example.org/", username="mia.cal",
                              calendar_url="https://cal.example.org/mia/work/", secret=CALDAV_SECRET, status="broken",
                              problem="The password stopped working.")
    CalendarFeed.create(user=mia, secret="feed-secret-of-mia-0123")
    max_ = create_user("max@example.org", roles=("mentor",), name="Max Mentor")
    MatchRequest.create(program=program, mentee=leo, mentor=max_, status="declined", message="Leo hopes to learn",
                        reason=DECLINE_REASON, expires_at=START, decided_at=START)
    Shortlist.create(program=program, mentee=leo, mentor=mia, position=0)
    LoginAttempt.create(email=mia.email, ip="192.0.2.7")
    return {"match": match, "mia": mia, "leo": leo, "held": held, "coming": coming, "max": max_}


# --- downloading one's data ---------------------------------------------------------------------------------------

def test_the_json_download_holds_everything_about_leo_and_nothing_private_of_anyone_else(browser, history):
    leo = browser(history["leo"].email)

    assert "Your data" in page_text(leo.get(f"/people/{history['leo'].id}"))
    response = leo.get("/profile/data.json")

    assert response.status_code == 200 and response.mimetype == "application/json" and response.is_streamed
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "private, no-store"
    body = response.get_data(as_text=True)
    data = json.loads(body)
    assert data["account"] == [{**data["account"][0], "email": "leo@example.org", "name": "Leo Mentee"}]
    assert [(p["role"], p["status"]) for p in data["participations"]] == [("mentee", "ready")]
    assert {a["question"] for a in data["questionnaire_answers"]} and all(
        a["question"] and "answer" in a for a in data["questionnaire_answers"])
    assert [(m["with"], m["you_were"]) for m in data["matches"]] == [("Mia Mentor", "mentee")]
    assert [s["place_or_link"] for s in data["sessions"]] == ["https://meet.example.org/held",
                                                              "https://meet.example.org/coming"]
    assert [n["notes"] for n in data["private_notes"]] == [LEO_NOTE]
    assert [(f["rating"], f["went_well"]) for f in data["feedback"]] == [(2, LEO_FEEDBACK)]
    assert [i["text"] for i in data["action_items"]] == ["Leo drafts his goals"]
    assert data["survey_answers"][0]["answers"] == {"Overall, how is it going?": 3,
                                                    "What would make the programme better?": "Leo: less admin"}
    assert [s["mentor"] for s in data["shortlist"]] == ["Mia Mentor"]
    [request] = data["requests"]
    assert request["message"] == "Leo hopes to learn" and request["your_reason"] == ""
    assert {e["subject"] for e in data["emails"]} >= {e.subject for e in Email.select().where(
        Email.to_address == "leo@example.org")} and data["emails"]
    # Never another person's private notes, feedback, survey answers or what only admins read.
    for private in (MIA_NOTE, MIA_FEEDBACK, "Mia: more time", DECLINE_REASON, "Mia's item"):
        assert private not in body


def test_the_csv_download_is_a_zip_of_spreadsheet_files_one_per_kind(browser, history):
    mia = browser(history["mia"].email)

    response = mia.get("/profile/data.zip")

    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert archive.testzip() is None
    assert {"account.csv", "private_notes.csv", "feedback.csv", "calendar_connections.csv", "emails.csv",
            "sessions.csv", "survey_answers.csv"} <= set(archive.namelist())

    def rows(name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))

    assert rows("account.csv")[0]["email"] == "mia@example.org"
    assert [r["notes"] for r in rows("private_notes.csv")] == [MIA_NOTE]
    assert [(r["rating"], r["went_well"]) for r in rows("feedback.csv")] == [("4", MIA_FEEDBACK)]
    calendars = rows("calendar_connections.csv")
    assert [(c["kind"], c["user_name"], c["status"]) for c in calendars] == [
        ("caldav", "mia.cal", "broken"), ("subscription address", "", "ok")]
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8-sig")
    for secret_or_private in (CALDAV_SECRET, "feed-secret-of-mia-0123", LEO_NOTE, LEO_FEEDBACK, "Leo: less admin"):
        assert secret_or_private not in everything
    # Two sessions, both organised by Mia, in a spreadsheet's words.
    assert [r["organised_by_you"] for r in rows("sessions.csv")] == ["yes", "yes"]


def test_the_downloads_are_only_ever_one_s_own(app, browser, history):
    anonymous = browser()
    for address in ("/profile/data.json", "/profile/data.zip"):
        response = anonymous.get(address)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- an admin deletes a person ---------------------------------------------------------------------------------

def test_the_confirmation_page_says_what_will_happen_and_nothing_happens_before_it_is_ticked(browser, admin,
                                                                                             history):
    ada = browser(admin.email)
    url = f"/admin/people/{history['mia'].id}/delete"
    assert "Delete this person" in page_text(ada.get(f"/people/{history['mia'].id}"))

    page = page_text(ada.get(url))

    assert "The match with Leo Mentee ends" in page and "1 upcoming session is cancelled" in page
    assert "2 questionnaire answers" not in page  # counts are real: Mia answered more than two questions
    assert f"{Answer.select().where(Answer.user == history['mia']).count()} questionnaire answers" in page
    assert "1 private note," in page and "cannot be undone" in page
    unticked = ada.submit(url, {})
    assert unticked.status_code == 400 and "Tick this to confirm" in page_text(unticked)
    assert User.get_by_id(history["mia"].id).email == "mia@example.org"
    assert Match.get_by_id(history["match"].id).ended_at is None


def test_deleting_mia_ends_her_match_with_the_usual_emails_cancels_with_a_cancel_and_leaves_her_anonymous(
        app, browser, admin, history, smtp_sink, program):
    mia, leo = history["mia"], history["leo"]
    still_signed_in = browser(mia.email)
    with app.test_request_context():
        agenda_link = invitations.agenda_url(history["held"], mia).replace("http://localhost", "")
    assert browser().get(agenda_link).status_code == 200
    ada = browser(admin.email)
    before = len(smtp_sink.messages)
    held_before = figures.gather(program).held

    done = ada.submit(f"/admin/people/{mia.id}/delete", {"confirm": "y"})

    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/people")
    new = smtp_sink.messages[before:]
    # Leo: the leaving email, and a CANCEL for the session to come that still names Mia as its organiser.
    to_leo = [m["message"] for m in new if "leo@example.org" in m["to"]]
    subjects = sorted(m["Subject"] for m in to_leo)
    assert "Mia has left the mentoring programme" in subjects
    [cancel] = [m for m in to_leo if m["Subject"].startswith("Cancelled")]
    calendar = next(p for p in cancel.walk() if p.get_content_type() == "text/calendar")
    ics = icalendar.Calendar.from_ical(calendar.get_payload(decode=True))
    [event] = [c for c in ics.walk() if c.name == "VEVENT"]
    assert str(ics["METHOD"]) == "CANCEL" and str(event["UID"]) == Meeting.get_by_id(history["coming"].id).uid
    assert "mia@example.org" in str(event["ORGANIZER"])
    # The admins are told as when anyone leaves; nothing at all goes to Mia or to the deleted address.
    assert any("admin@example.org" in m["to"] for m in new)
    assert not [m for m in new if any("mia@example.org" in t or "erased.invalid" in t for t in m["to"])]
    assert not Email.select().where(Email.to_address.endswith("erased.invalid")).exists()

    # The account row stays, anonymous, and cannot be used.
    row = User.get_by_id(mia.id)
    assert (row.name, row.email, row.active, row.is_admin) == ("Deleted person", f"deleted-{mia.id}@erased.invalid",
                                                              False, False)
    assert "mia" not in row.password_hash.lower() and row.password_hash == "!"
    assert still_signed_in.get("/profile").status_code == 302  # her session ended
    assert browser().get(agenda_link).status_code == 404  # and the links in her mailbox open nothing
    assert ada.get(f"/admin/people/{mia.id}/delete").status_code == 404  # nothing left to delete

    # Her place in the match ends; the session to come is cancelled, the one held stays for the figures.
    match = Match.get_by_id(history["match"].id)
    assert match.ended_at is not None and "Mia" not in match.end_reason
    assert Meeting.get_by_id(history["coming"].id).status == "cancelled"
    assert Meeting.get_by_id(history["held"].id).status == "scheduled"
    assert Participant.get(Participant.user == mia).status == "exited"
    after = figures.gather(program)
    assert after.held == held_before == 1 and after.ended_pairs == 1 and after.feedback == 2
    assert after.average_rating == 3.0  # Mia's 4 still counts, anonymously

    # Her words, notes, answers and secrets are gone; Leo's stay.
    assert not Answer.select().where(Answer.user == mia).exists()
    assert Answer.select().where(Answer.user == leo).exists()
    assert [n.body for n in MeetingNote.select()] == [LEO_NOTE]
    mia_feedback = Feedback.get(Feedback.user == mia)
    assert (mia_feedback.rating, mia_feedback.fit, mia_feedback.went_well, mia_feedback.action_items) == (4, 5, "", "")
    assert Feedback.get(Feedback.user == leo).went_well == LEO_FEEDBACK
    assert [i.text for i in ActionItem.select()] == ["Leo drafts his goals"]
    responses = {r.user_id: r.answers for r in SurveyResponse.select()}
    assert responses == {mia.id: {"overall": 5}, leo.id: {"overall": 3, "better": "Leo: less admin"}}
    assert not FollowUp.select().where(FollowUp.user == mia).exists()
    assert not CalendarConnection.select().exists() and not CalendarFeed.select().exists()
    assert not Shortlist.select().exists()
    assert not Email.select().where(Email.to_address == "mia@example.org").exists()
    assert not LoginAttempt.select().where(LoginAttempt.email == "mia@example.org").exists()
    # The audit log says an admin deleted an account, without her name or address anywhere in it.
    entry = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (entry.action, entry.target, entry.actor_id) == ("person.erase", f"user:{mia.id}", admin.id)
    assert entry.details == {"matches_ended": 1, "sessions_cancelled": 1}
    for logged in AuditLog.select():
        assert "mia@example.org" not in json.dumps(logged.details) and "mia.cal" not in json.dumps(logged.details)
        assert "Mia" not in json.dumps(logged.details)
    # Her old address and password open nothing.
    refused = browser().submit("/login", {"email": "mia@example.org", "password": PASSWORD})
    assert refused.status_code == 401 and "/login" in refused.request.path


def test_deleting_a_mentee_who_was_invited_cancels_the_organiser_s_session_by_email(app, browser, admin, history,
                                                                                      smtp_sink):
    mia, leo = history["mia"], history["leo"]
    before = len(smtp_sink.messages)

    browser(admin.email).submit(f"/admin/people/{leo.id}/delete", {"confirm": "y"})

    # Mia organised it without a working calendar (hers is broken), so her cancellation comes by email.
    to_mia = [m["message"] for m in smtp_sink.messages[before:] if "mia@example.org" in m["to"]]
    assert sorted(m["Subject"].split(":")[0] for m in to_mia) == ["Cancelled", "Leo has left the mentoring programme"]
    told = next(m for m in to_mia if m["Subject"].startswith("Leo"))
    assert "Leaving is a normal part" in text_of(told)
    assert Meeting.get_by_id(history["coming"].id).status == "cancelled"
    assert MatchRequest.get(MatchRequest.mentee == leo).message == ""
    assert MatchRequest.get(MatchRequest.mentee == leo).reason == DECLINE_REASON  # Max's words, for the admins
    assert not [m for m in smtp_sink.messages[before:] if any("leo@example.org" in t for t in m["to"])]


def test_deleting_the_attendee_cancels_the_session_in_the_organiser_s_own_calendar(app, browser, admin, pair, within,
                                                                                  frozen, caldav_account, smtp_sink):
    match, mia, leo = pair
    with app.test_request_context():
        connections.connect_caldav(mia, caldav_account.url, caldav_account.username, caldav_account.password)
    with within():
        coming = booking.book(match, mia, START, START + dt.timedelta(hours=1), location_kind="virtual",
                              location="https://meet.example.org/coming")
    [event] = events_on(caldav_account)
    assert str(event.get("STATUS", "")) != "CANCELLED"
    before = len(smtp_sink.messages)

    browser(admin.email).submit(f"/admin/people/{leo.id}/delete", {"confirm": "y"})

    # The sync job, as for any cancellation, cancels it where Mia keeps it; she is emailed only that Leo left.
    remaining = events_on(caldav_account)
    assert remaining and all(str(e.get("STATUS", "")) == "CANCELLED" for e in remaining)
    cancelled = Meeting.get_by_id(coming.id)
    assert (cancelled.status, cancelled.sync_state) == ("cancelled", "synced")
    new = smtp_sink.messages[before:]
    assert [m["message"]["Subject"] for m in new if "mia@example.org" in m["to"]] == [
        "Leo has left the mentoring programme"]
    assert not [m for m in new if any("leo@example.org" in t or "erased.invalid" in t for t in m["to"])]


def test_someone_who_left_before_is_deleted_without_anyone_being_told_again(app, browser, admin, pair, within,
                                                                           frozen, smtp_sink, program):
    match, mia, leo = pair
    with within():
        leaving.leave(program, leo, "workload", "Too busy this year", leo)
    assert "Leo" in Match.get_by_id(match.id).end_reason
    before = len(smtp_sink.messages)

    done = browser(admin.email).submit(f"/admin/people/{leo.id}/delete", {"confirm": "y"})

    assert done.status_code == 302 and smtp_sink.messages[before:] == []
    assert User.get_by_id(leo.id).is_erased
    assert Participant.get(Participant.user == leo).exit_feedback == ""
    assert "Leo" not in Match.get_by_id(match.id).end_reason


def test_two_admins_deleting_the_same_person_at_once_delete_them_once(app, create_user, admin, pair, frozen):
    match, mia, leo = pair
    other_admin = create_user("ben@example.org", roles=(), admin=True, name="Ben Admin")

    results = race(app, [partial(erasure.erase, User.get_by_id(leo.id), actor)
                         for actor in (User.get_by_id(admin.id), other_admin)])

    wins, losses = split(results)
    assert len(wins) == 1 and [str(e) for e in losses] == ["This account has already been deleted."]
    assert AuditLog.select().where(AuditLog.action == "person.erase").count() == 1
    assert Email.select().where(Email.to_address == mia.email,
                                Email.subject == "Leo has left the mentoring programme").count() == 1
    assert User.get_by_id(leo.id).is_erased and Match.get_by_id(match.id).ended_at is not None


def test_an_admin_cannot_delete_themselves_and_only_admins_reach_the_page(browser, admin, history):
    ada = browser(admin.email)
    own = ada.get(f"/admin/people/{admin.id}/delete")
    assert own.status_code == 200 and "You cannot delete your own account" in page_text(own)
    refused = ada.submit(f"/admin/people/{admin.id}/delete", {"confirm": "y"}, page=f"/people/{history['mia'].id}")
    assert refused.status_code == 400 and "Another admin can" in page_text(refused)
    assert User.get_by_id(admin.id).active
    leo = browser(history["leo"].email)
    assert leo.get(f"/admin/people/{history['mia'].id}/delete").status_code == 403
    assert leo.submit(f"/admin/people/{history['mia'].id}/delete", {"confirm": "y"}, page="/").status_code == 403
    assert User.get_by_id(history["mia"].id).active
