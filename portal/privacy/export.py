"""Everything the portal stores about one person, for them to download: as one JSON document or a zip of CSV files.

Only what is theirs or was shared with them: never another person's private notes, feedback or answers, nor what
only admins read (a mentor's reason for declining, why an admin ended a match). Rows are read kind by kind and
written out as they come, so the download streams however long a history grows.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from portal.models import (ActionItem, Answer, CalendarConnection, CalendarFeed, Email, Feedback, Match, MatchRequest,
                           Meeting, MeetingNote, OrgPerson, Participant, Question, Shortlist, Survey, SurveyResponse,
                           User)

Row = dict[str, object]


@dataclass(frozen=True)
class Kind:
    """One kind of data: its name (the JSON key and the CSV file), its columns and how to read its rows."""

    name: str
    columns: tuple[str, ...]
    rows: Callable[[User], Iterable[Row]]


def _account(user: User) -> Iterable[Row]:
    yield {"email": user.email, "name": user.name, "time_zone": user.timezone, "admin": user.is_admin,
           "address_confirmed": user.email_confirmed, "created_at": user.created_at,
           "last_login_at": user.last_login_at}


def _participations(user: User) -> Iterable[Row]:
    query = Participant.select().where(Participant.user == user).order_by(Participant.joined_at, Participant.id)
    for p in query:
        yield {"programme": p.program.name, "role": p.role, "status": p.status, "capacity": p.capacity,
               "questionnaire_completed_at": p.questionnaire_completed_at, "joined_at": p.joined_at,
               "left_at": p.exited_at, "reason_for_leaving": p.exit_reason, "words_for_the_team": p.exit_feedback}


def _answers(user: User) -> Iterable[Row]:
    query = (Answer.select(Answer, Question).join(Question).where(Answer.user == user)
             .order_by(Answer.program, Question.position, Question.id))
    for a in query:
        yield {"programme": a.program.name, "question": a.question.prompt, "answer": a.value,
               "updated_at": a.updated_at}


def _shortlist(user: User) -> Iterable[Row]:
    query = Shortlist.select().where(Shortlist.mentee == user).order_by(Shortlist.program, Shortlist.position)
    for s in query:
        yield {"programme": s.program.name, "mentor": s.mentor.name, "position": s.position,
               "added_at": s.created_at}


def _requests(user: User) -> Iterable[Row]:
    query = (MatchRequest.select().where((MatchRequest.mentee == user) | (MatchRequest.mentor == user))
             .order_by(MatchRequest.created_at, MatchRequest.id))
    for r in query:
        mine = r.mentor_id == user.id
        # The reason is the mentor's own, for admins: theirs to take, never the mentee's to read.
        yield {"programme": r.program.name, "you_were": "mentor" if mine else "mentee", "mentee": r.mentee.name,
               "mentor": r.mentor.name, "status": r.status, "message": r.message,
               "your_reason": r.reason if mine else "", "sent_at": r.created_at, "decided_at": r.decided_at}


def _matches(user: User) -> Iterable[Row]:
    for m in Match.of(user).order_by(Match.started_at, Match.id):
        yield {"match": m.id, "programme": m.program.name,
               "you_were": "mentor" if m.mentor_id == user.id else "mentee", "with": m.partner_of(user).name,
               "made_by": m.made_by, "started_at": m.started_at, "ended_at": m.ended_at}


def _sessions(user: User) -> Iterable[Row]:
    query = (Meeting.select().where(Meeting.match.in_(Match.of(user).select(Match.id)))
             .order_by(Meeting.starts_at, Meeting.id))
    for s in query:
        yield {"match": s.match_id, "number": s.number, "agenda": s.agenda, "starts_at": s.starts_at,
               "ends_at": s.ends_at, "time_zone": s.zone, "organised_by_you": s.organizer_id == user.id,
               "where": s.location_kind, "place_or_link": s.location, "status": s.status}


def _action_items(user: User) -> Iterable[Row]:
    for item in ActionItem.select().where(ActionItem.author == user).order_by(ActionItem.created_at, ActionItem.id):
        yield {"match": item.match_id, "text": item.text, "added_at": item.created_at, "done_at": item.done_at}


def _session_of(meeting: Meeting) -> str:
    return f"match {meeting.match_id}, session {meeting.number} ({meeting.starts_at:%Y-%m-%d %H:%M} UTC)"


def _feedback(user: User) -> Iterable[Row]:
    query = Feedback.select(Feedback, Meeting).join(Meeting).where(Feedback.user == user).order_by(Meeting.starts_at)
    for f in query:
        yield {"session": _session_of(f.meeting), "rating": f.rating, "fit": f.fit, "went_well": f.went_well,
               "action_items": f.action_items, "given_at": f.created_at, "updated_at": f.updated_at}


def _private_notes(user: User) -> Iterable[Row]:
    query = (MeetingNote.select(MeetingNote, Meeting).join(Meeting).where(MeetingNote.user == user)
             .order_by(Meeting.starts_at))
    for note in query:
        yield {"session": _session_of(note.meeting), "notes": note.body, "updated_at": note.updated_at}


def _survey_answers(user: User) -> Iterable[Row]:
    query = (SurveyResponse.select(SurveyResponse, Survey).join(Survey).where(SurveyResponse.user == user)
             .order_by(SurveyResponse.submitted_at))
    for r in query:
        asked = {q["key"]: q["text"] for q in r.survey.questions}
        yield {"programme": r.survey.program.name, "survey": r.survey.kind, "as": r.role,
               "answers": {asked.get(key, key): value for key, value in r.answers.items()},
               "overall_rating": r.rating, "submitted_at": r.submitted_at}


def _calendar_connections(user: User) -> Iterable[Row]:
    # The stored password or token cache is a secret, and Microsoft's account id a key to it: neither is given out.
    for c in CalendarConnection.select().where(CalendarConnection.user == user):
        yield {"kind": c.kind, "server": c.url, "user_name": c.username, "calendar": c.calendar_url,
               "status": c.status, "problem": c.problem, "connected_at": c.created_at, "checked_at": c.checked_at}
    for feed in CalendarFeed.select().where(CalendarFeed.user == user):
        yield {"kind": "subscription address", "status": "ok", "connected_at": feed.created_at}


def _emails(user: User) -> Iterable[Row]:
    query = (Email.select(Email.subject, Email.category, Email.status, Email.created_at, Email.sent_at)
             .where(Email.to_address == user.email).order_by(Email.created_at, Email.id))
    for e in query.iterator():
        yield {"subject": e.subject, "category": e.category, "status": e.status, "created_at": e.created_at,
               "sent_at": e.sent_at}


def _organisation_record(user: User) -> Iterable[Row]:
    person = OrgPerson.get_or_none((OrgPerson.user == user) | (OrgPerson.email == user.email))
    if person is not None:
        yield {"email": person.email, "name": person.name, "department": person.department,
               "job_title": person.job_title, "location": person.location, "manager_email": person.manager_email,
               "status": person.status, "imported_at": person.created_at, "updated_at": person.updated_at}


KINDS = (
    Kind("account", ("email", "name", "time_zone", "admin", "address_confirmed", "created_at", "last_login_at"),
         _account),
    Kind("participations", ("programme", "role", "status", "capacity", "questionnaire_completed_at", "joined_at",
                            "left_at", "reason_for_leaving", "words_for_the_team"), _participations),
    Kind("questionnaire_answers", ("programme", "question", "answer", "updated_at"), _answers),
    Kind("shortlist", ("programme", "mentor", "position", "added_at"), _shortlist),
    Kind("requests", ("programme", "you_were", "mentee", "mentor", "status", "message", "your_reason", "sent_at",
                      "decided_at"), _requests),
    Kind("matches", ("match", "programme", "you_were", "with", "made_by", "started_at", "ended_at"), _matches),
    Kind("sessions", ("match", "number", "agenda", "starts_at", "ends_at", "time_zone", "organised_by_you", "where",
                      "place_or_link", "status"), _sessions),
    Kind("action_items", ("match", "text", "added_at", "done_at"), _action_items),
    Kind("feedback", ("session", "rating", "fit", "went_well", "action_items", "given_at", "updated_at"), _feedback),
    Kind("private_notes", ("session", "notes", "updated_at"), _private_notes),
    Kind("survey_answers", ("programme", "survey", "as", "answers", "overall_rating", "submitted_at"),
         _survey_answers),
    Kind("calendar_connections", ("kind", "server", "user_name", "calendar", "status", "problem", "connected_at",
                                  "checked_at"), _calendar_connections),
    Kind("emails", ("subject", "category", "status", "created_at", "sent_at"), _emails),
    Kind("organisation_record", ("email", "name", "department", "job_title", "location", "manager_email", "status",
                                 "imported_at", "updated_at"), _organisation_record),
)


def _plain(value):
    """A value JSON can hold: times as ISO 8601 (UTC)."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def as_json(user: User) -> Iterator[str]:
    """One JSON document, {kind: [rows]}, in pieces as the rows are read."""
    yield '{"exported_at": ' + json.dumps(dt.datetime.now(dt.UTC).isoformat())
    for kind in KINDS:
        yield f",\n{json.dumps(kind.name)}: ["
        for number, row in enumerate(kind.rows(user)):
            yield ("" if number == 0 else ",") + "\n  " + json.dumps({k: _plain(v) for k, v in row.items()},
                                                                     ensure_ascii=False)
        yield "]"
    yield "\n}\n"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(_plain(value))


class _Pipe(io.RawIOBase):
    """A write-only stream whose bytes are taken away as they come, so the zip is sent while it is written."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data


def as_csv_zip(user: User) -> Iterator[bytes]:
    """A zip of one CSV file per kind, each with a header row, for any spreadsheet (UTF-8 with a BOM for Excel)."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind in KINDS:
            with archive.open(f"{kind.name}.csv", "w") as entry:
                line = io.StringIO()
                writer = csv.writer(line)
                writer.writerow(kind.columns)
                entry.write(("\ufeff" + line.getvalue()).encode())
                for row in kind.rows(user):
                    line.seek(0)
                    line.truncate()
                    writer.writerow([_cell(row.get(column)) for column in kind.columns])
                    entry.write(line.getvalue().encode())
                    yield pipe.take()
            yield pipe.take()
    yield pipe.take()
