"""Exports: each CSV parsed back, private notes absent, formulas neutralised, read in batches, audited."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from portal.exports import spreadsheet, tables
from portal.models import (Answer, AuditLog, Feedback, FollowUp, Match, Meeting, MeetingNote, Question, Survey,
                           SurveyResponse)


@pytest.fixture
def story(program, admin, create_user):
    """A pair that met, with feedback, a private note, a survey answer and a follow-up."""
    mia = create_user("mia@example.org", roles=("mentor",), name="Mia Mentor")
    leo = create_user("leo@example.org", roles=("mentee",), name="=HYPERLINK(\"http://evil\")")
    department = Question.get(Question.program == program, Question.key == "department")
    Answer.create(program=program, user=mia, question=department, value="Design")
    match = Match.create(program=program, mentor=mia, mentee=leo, made_by="mentee-led")
    meeting = Meeting.create(match=match, organizer=mia, number=1, agenda="first-session", uid="u-1",
                             starts_at=dt.datetime(2026, 2, 3, 10), ends_at=dt.datetime(2026, 2, 3, 11))
    Feedback.create(meeting=meeting, user=leo, rating=2, fit=4, went_well="+1 for the plan", action_items="@mia call")
    MeetingNote.create(meeting=meeting, user=leo, body="PRIVATE NOTE never exported")
    survey = Survey.create(program=program, kind="midpoint", questions=[{"key": "useful", "text": "Useful?",
                                                                         "kind": "text"}])
    SurveyResponse.create(survey=survey, user=leo, role="mentee", answers={"useful": "-very"}, rating=5)
    FollowUp.create(program=program, match=match, user=leo, reason="low_rating", details="Rated 2",
                    source="feedback:1:rating")
    return {"mia": mia, "leo": leo, "match": match}


def _download(client, name: str) -> list[dict]:
    response = client.get(f"/admin/exports/{name}.csv")
    assert response.status_code == 200
    assert response.is_streamed and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{name}-')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    assert "PRIVATE NOTE" not in text
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_every_export_parses_back(client, story):
    client.login("admin@example.org")
    participants = _download(client, "participants")
    mia = next(row for row in participants if row["email"] == "mia@example.org")
    assert mia["role"] == "mentor" and mia["Which department are you in?"] == "Design"
    leo = next(row for row in participants if row["email"] == "leo@example.org")
    assert leo["name"] == "'=HYPERLINK(\"http://evil\")"  # text, not a formula

    [match] = _download(client, "matches")
    assert (match["mentor"], match["mentee_email"], match["made_by"]) == ("Mia Mentor", "leo@example.org",
                                                                          "mentee-led")
    [session] = _download(client, "sessions")
    assert session["number"] == "1" and session["starts_at"] == "2026-02-03T10:00:00"
    [feedback] = _download(client, "feedback")
    assert (feedback["rating"], feedback["fit"], feedback["role"]) == ("2", "4", "mentee")
    assert feedback["went_well"] == "'+1 for the plan" and feedback["action_items"] == "'@mia call"
    [answer] = _download(client, "survey-answers")
    assert (answer["survey"], answer["rating"], answer["useful"]) == ("midpoint", "5", "'-very")
    [follow_up] = _download(client, "follow-ups")
    assert follow_up["reason"] == "low_rating" and follow_up["resolved_at"] == ""


def test_the_exports_page_lists_them_and_each_download_is_audited(client, story, admin):
    client.login("admin@example.org")
    page = client.get("/admin/exports/").get_data(as_text=True)
    for name in tables.EXPORTS:
        assert f"/admin/exports/{name}.csv" in page
    _download(client, "participants")
    entry = AuditLog.get(AuditLog.action == "export.download")
    assert entry.actor_id == admin.id and entry.details == {"export": "participants", "rows": 2}


def test_unknown_export_is_missing(client, story):
    client.login("admin@example.org")
    assert client.get("/admin/exports/passwords.csv").status_code == 404


def test_participants_may_not_download(client, story):
    client.login("leo@example.org")
    assert client.get("/admin/exports/feedback.csv").status_code == 403
    assert not AuditLog.select().where(AuditLog.action == "export.download").exists()


def test_rows_are_read_in_batches_in_order(program, create_user, monkeypatch):
    mentor = create_user("m@example.org", roles=("mentor",))
    for n in range(7):
        Match.create(program=program, mentor=mentor, mentee=create_user(f"e{n}@example.org"))
    monkeypatch.setattr(tables, "BATCH", 3)
    rows = tables.EXPORTS["matches"].rows(program)
    ids = [row[0] for row in rows]
    assert ids == sorted(ids) and len(ids) == 7
    participants = [row[2] for row in tables.EXPORTS["participants"].rows(program)]
    assert sorted(participants) == sorted(["m@example.org", *[f"e{n}@example.org" for n in range(7)]])


@pytest.mark.parametrize("value, shown", [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("plain", "plain"), (-2, -2), (None, ""), (True, "yes"), (dt.date(2026, 1, 2), "2026-01-02"),
])
def test_cells_are_never_formulas(value, shown):
    assert spreadsheet.cell(value) == shown


def test_stream_sends_chunks_not_the_whole_file(monkeypatch):
    monkeypatch.setattr(spreadsheet, "CHUNK_ROWS", 10)
    chunks = list(spreadsheet.stream(["n"], ([n] for n in range(25))))
    assert len(chunks) == 4  # the header, two full chunks and the rest
    assert b"".join(chunks).decode().splitlines()[1:] == [str(n) for n in range(25)]
