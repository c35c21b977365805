"""What each export holds: its columns and its rows, read in batches so a large programme never sits in memory.

Private notes (MeetingNote) are the writer's alone and are in no export; a mentor's reasons for declining stay on
the person's page.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from peewee import JOIN

from portal.db import database

from portal.models import (Answer, Feedback, FollowUp, Match, Meeting, Participant, Program, Question, Survey,
                           SurveyResponse, User)

BATCH = 1000


def _batches(query, key) -> Iterator:
    """Every row of `query` in order of `key` (a primary key, first column of tuples), BATCH rows per statement."""
    last = None
    while True:
        page = query.order_by(key)
        if last is not None:
            page = page.where(key > last)
        rows = list(page.limit(BATCH))
        yield from rows
        if len(rows) < BATCH:
            return
        last = rows[-1][0] if isinstance(rows[-1], tuple) else getattr(rows[-1], key.name)


def _answer_text(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return "" if value is None else str(value)


def _questions(program: Program) -> list[Question]:
    return list(Question.select().where(Question.program == program).order_by(Question.position, Question.id))


def _participant_columns(program: Program) -> list[str]:
    return ["user_id", "name", "email", "role", "status", "capacity", "joined_at", "questionnaire_finished_at",
            "left_at", "exit_reason", *[q.prompt for q in _questions(program)]]


def _participant_rows(program: Program) -> Iterator[list]:
    questions = [q.id for q in _questions(program)]
    # Tuples, not models: at 100,000 rows building objects costs more than reading them.
    query = (Participant.select(Participant.id, Participant.user, User.name, User.email, Participant.role,
                                Participant.status, Participant.capacity, Participant.joined_at,
                                Participant.questionnaire_completed_at, Participant.exited_at, Participant.exit_reason)
             .join(User).where(Participant.program == program).tuples())
    batch: list[tuple] = []
    for participant in _batches(query, Participant.id):
        batch.append(participant)
        if len(batch) == BATCH:
            yield from _with_answers(program, batch, questions)
            batch = []
    yield from _with_answers(program, batch, questions)


def _with_answers(program: Program, batch: list[tuple], questions: list[int]) -> Iterator[list]:
    if not batch:
        return
    query = Answer.select(Answer.user, Answer.question, Answer.value).where(
        Answer.program == program, Answer.user.in_({row[1] for row in batch}))
    # The raw cursor: peewee's per-row conversion would cost more than the rest of the export together.
    answers = {(user, question): json.loads(value) for user, question, value in database.execute(query)}
    for _id, user, *fields, reason in batch:
        yield [user, *fields, reason or "", *[_answer_text(answers.get((user, q))) for q in questions]]


def _with_pair(query, program: Program, *models):
    """`query` (already reaching Match) with the match's mentor and mentee as match.pair_mentor and .pair_mentee."""
    mentor, mentee = User.alias("mentor"), User.alias("mentee")
    return (query.select_extend(*models, mentor, mentee)
            .join_from(Match, mentor, on=(Match.mentor == mentor.id), attr="pair_mentor")
            .join_from(Match, mentee, on=(Match.mentee == mentee.id), attr="pair_mentee")
            .where(Match.program == program))


def _match_rows(program: Program) -> Iterator[list]:
    for m in _batches(_with_pair(Match.select(), program), Match.id):
        yield [m.id, m.pair_mentor.name, m.pair_mentor.email, m.pair_mentee.name, m.pair_mentee.email, m.made_by,
               m.started_at, m.ended_at, m.end_reason or ""]


def _session_rows(program: Program) -> Iterator[list]:
    for s in _batches(_with_pair(Meeting.select().join(Match), program, Match), Meeting.id):
        m = s.match
        yield [s.id, m.id, m.pair_mentor.name, m.pair_mentee.name, s.number, s.agenda, s.starts_at, s.ends_at,
               s.status, s.location_kind, s.sync_state]


def _feedback_rows(program: Program) -> Iterator[list]:
    writer = User.alias("writer")
    query = (Feedback.select(Feedback.id, Match.id, Meeting.number, Meeting.starts_at, writer.name, Feedback.user,
                             Match.mentor, Feedback.rating, Feedback.fit, Feedback.went_well, Feedback.action_items,
                             Feedback.created_at, Feedback.updated_at)
             .join(Meeting).join(Match).join_from(Feedback, writer, on=(Feedback.user == writer.id))
             .where(Match.program == program).tuples())
    for feedback_id, match_id, number, starts_at, name, user, mentor, *answers in _batches(query, Feedback.id):
        yield [feedback_id, match_id, number, starts_at, name, "mentor" if user == mentor else "mentee", *answers]


def _survey_keys(program: Program) -> list[str]:
    keys: list[str] = []
    for survey in Survey.select().where(Survey.program == program).order_by(Survey.id):
        keys += [q["key"] for q in survey.questions or [] if q.get("key") and q["key"] not in keys]
    return keys


def _survey_columns(program: Program) -> list[str]:
    return ["response_id", "survey", "name", "email", "role", "rating", "submitted_at", *_survey_keys(program)]


def _survey_rows(program: Program) -> Iterator[list]:
    keys = _survey_keys(program)
    query = (SurveyResponse.select(SurveyResponse, Survey, User).join(Survey).switch(SurveyResponse).join(User)
             .where(Survey.program == program))
    for r in _batches(query, SurveyResponse.id):
        yield [r.id, r.survey.kind, r.user.name, r.user.email, r.role, r.rating, r.submitted_at,
               *[_answer_text((r.answers or {}).get(key)) for key in keys]]


def _follow_up_rows(program: Program) -> Iterator[list]:
    person, resolver = User.alias("person"), User.alias("resolver")
    query = (FollowUp.select(FollowUp, person, resolver)
             .join_from(FollowUp, person, JOIN.LEFT_OUTER, on=(FollowUp.user == person.id), attr="person")
             .join_from(FollowUp, resolver, JOIN.LEFT_OUTER, on=(FollowUp.resolved_by == resolver.id), attr="resolver")
             .where(FollowUp.program == program))
    for f in _batches(query, FollowUp.id):
        yield [f.id, f.reason, f.person.name if f.person else "", f.match_id, f.details, f.created_at,
               f.resolved_at, f.resolver.name if f.resolver else "", f.resolution]



@dataclass(frozen=True)
class Export:
    """One export on the exports page."""

    name: str  # its address: /admin/exports/<name>.csv
    title: str
    description: str
    columns: Callable[[Program], list[str]]
    rows: Callable[[Program], Iterator[list]]
    count: Callable[[Program], int]

    def filename(self, program: Program, today: dt.date) -> str:
        return f"{self.name}-{today:%Y-%m-%d}.csv"


def _fixed(*columns: str) -> Callable[[Program], list[str]]:
    return lambda program: list(columns)


EXPORTS = {export.name: export for export in (
    Export("participants", "Participants with their answers",
           "One row per person and role: status, dates and every questionnaire answer.",
           _participant_columns, _participant_rows,
           lambda program: Participant.select().where(Participant.program == program).count()),
    Export("matches", "Matches", "Every pair, how it was made, when it started and ended and why.",
           _fixed("match_id", "mentor", "mentor_email", "mentee", "mentee_email", "made_by", "started_at", "ended_at",
                  "end_reason"),
           _match_rows, lambda program: Match.select().where(Match.program == program).count()),
    Export("sessions", "Sessions", "Every session booked: the pair, number, agenda, time and whether it was held.",
           _fixed("session_id", "match_id", "mentor", "mentee", "number", "agenda", "starts_at", "ends_at", "status",
                  "location_kind", "calendar_sync"),
           _session_rows, lambda program: Meeting.select().join(Match).where(Match.program == program).count()),
    Export("feedback", "Feedback", "Ratings, fit and what people shared after a session. Private notes are never "
                                   "exported.",
           _fixed("feedback_id", "match_id", "session", "session_start", "name", "role", "rating", "fit",
                  "went_well", "action_items", "given_at", "changed_at"),
           _feedback_rows,
           lambda program: Feedback.select().join(Meeting).join(Match).where(Match.program == program).count()),
    Export("survey-answers", "Survey answers", "Each answer to the mid-point and end surveys, one column per question.",
           _survey_columns, _survey_rows,
           lambda program: SurveyResponse.select().join(Survey).where(Survey.program == program).count()),
    Export("follow-ups", "Follow-ups", "Everything flagged for the programme team, and how it was followed up.",
           _fixed("follow_up_id", "reason", "person", "match_id", "details", "raised_at", "resolved_at",
                  "resolved_by", "resolution"),
           _follow_up_rows, lambda program: FollowUp.select().where(FollowUp.program == program).count()),
)}
