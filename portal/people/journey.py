"""A person's journey through the programme, oldest first: what the programme team reads on their page."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portal.models import Feedback, Match, MatchRequest, Meeting, Participant, Program, Survey, SurveyResponse, User


@dataclass(frozen=True)
class Step:
    """One moment of the journey."""

    at: dt.datetime
    kind: str  # registered, questionnaire, request_sent, request_received, match, match_ended, session, ...
    text: str


def journey(user: User, program: Program) -> list[Step]:
    """Everything that happened to this person in the programme, in the order it happened."""
    steps: list[Step] = []
    for p in Participant.select().where(Participant.user == user, Participant.program == program):
        steps.append(Step(p.joined_at, "registered", f"Registered as {p.role}"))
        if p.questionnaire_completed_at:
            steps.append(Step(p.questionnaire_completed_at, "questionnaire", f"Finished the {p.role} questionnaire"))
        if p.exited_at:
            why = f": {p.exit_reason}" if p.exit_reason else ""
            steps.append(Step(p.exited_at, "left", f"Left the programme as {p.role}{why}"))
    mentee, mentor = User.alias(), User.alias()
    requests = (MatchRequest.select(MatchRequest, mentee, mentor)
                .join(mentee, on=(MatchRequest.mentee == mentee.id)).switch(MatchRequest)
                .join(mentor, on=(MatchRequest.mentor == mentor.id))
                .where(MatchRequest.program == program, (MatchRequest.mentee == user) | (MatchRequest.mentor == user)))
    for r in requests:
        if r.mentee_id == user.id:
            steps.append(Step(r.created_at, "request_sent", f"Asked {r.mentor.name} to mentor them ({r.status})"))
        else:
            steps.append(Step(r.created_at, "request_received", f"{r.mentee.name} asked to be mentored ({r.status})"))
    matches = list(Match.of(user).select(Match, mentee, mentor)
                   .join(mentee, on=(Match.mentee == mentee.id)).switch(Match)
                   .join(mentor, on=(Match.mentor == mentor.id))
                   .where(Match.program == program))
    for m in matches:
        other = m.partner_of(user).name
        steps.append(Step(m.started_at, "match", f"Matched with {other} ({m.made_by})"))
        if m.ended_at:
            why = f": {m.end_reason}" if m.end_reason else ""
            steps.append(Step(m.ended_at, "match_ended", f"Match with {other} ended{why}"))
    if matches:
        meetings = Meeting.select().where(Meeting.match.in_([m.id for m in matches]))
        for s in meetings:
            state = " (cancelled)" if s.status == "cancelled" else ""
            steps.append(Step(s.starts_at, "session", f"Session {s.number}{state}"))
        given = (Feedback.select(Feedback, Meeting).join(Meeting)
                 .where(Feedback.user == user, Meeting.match.in_([m.id for m in matches])))
        for f in given:
            fit = f", fit {f.fit} of 5" if f.fit else ""
            steps.append(Step(f.created_at, "feedback", f"Gave feedback on session {f.meeting.number}: "
                                                        f"rated {f.rating} of 5{fit}"))
    responses = (SurveyResponse.select(SurveyResponse, Survey).join(Survey)
                 .where(SurveyResponse.user == user, Survey.program == program))
    for response in responses:
        rating = f", rated {response.rating} of 5" if response.rating else ""
        steps.append(Step(response.submitted_at, "survey", f"Answered the {response.survey.kind} survey{rating}"))
    return sorted(steps, key=lambda step: step.at)
