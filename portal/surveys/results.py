"""What the surveys found, for admins only: response rates, the ratings and the written answers."""
from __future__ import annotations

from portal.db import database
from portal.models import Participant, Program, Survey, SurveyResponse, User
from portal.surveys import defaults, operations, schedule


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def overview(program: Program) -> list[dict]:
    """Both surveys: when they go out, whether sending is on, how many were asked and answered."""
    rows = []
    for kind in defaults.KINDS:
        survey = operations.survey_for(program, kind)
        asked = len(operations.invited_ids(survey))
        answered = SurveyResponse.select().where(SurveyResponse.survey == survey).count()
        rows.append({
            "survey": survey, "kind": kind, "label": defaults.LABELS[kind],
            "opens_on": operations.opens_on(program, kind),
            "closes_at": operations.closes_at(survey), "is_open": operations.is_open(survey),
            "enabled": schedule.enabled(program, kind), "asked": asked, "answered": answered,
            "rate": percent(answered, asked),
        })
    return rows


def _rating_summary(values: list[int]) -> dict:
    counts = {score: values.count(score) for score in range(1, 6)}
    return {
        "count": len(values),
        "average": round(sum(values) / len(values), 1) if values else None,
        "distribution": [(score, counts[score], percent(counts[score], len(values)) or 0) for score in range(5, 0, -1)],
    }


def response_rates(survey: Survey) -> list[dict]:
    """Asked, answered and the response rate by role, counted without reading the answers."""
    answered = SurveyResponse.select(SurveyResponse.user, SurveyResponse.role).where(SurveyResponse.survey == survey)
    return _by_role(survey, dict(database.execute(answered)))


def _by_role(survey: Survey, answered: dict[int, str]) -> list[dict]:
    """Per role, who was asked and who answered; `answered` maps each respondent to the role they answered in."""
    role_of = dict(answered)
    not_answered = operations.invited_ids(survey) - set(role_of)
    role_of.update(operations.roles_of(survey.program_id, not_answered))
    # People who left since they were asked still count as asked, in the role they held.
    gone = list(not_answered - set(role_of))
    for user_id, role in (Participant.select(Participant.user, Participant.role)
                          .where(Participant.program == survey.program_id, Participant.user.in_(gone))
                          .order_by(Participant.role).tuples()):
        role_of.setdefault(user_id, role)
    by_role = []
    for role in Participant.ROLES:
        asked = sum(1 for r in role_of.values() if r == role)
        said = sum(1 for r in answered.values() if r == role)
        by_role.append({"role": role, "asked": asked, "answered": said, "rate": percent(said, asked)})
    return by_role


ANSWERS_PER_PAGE = 50  # written answers shown per question on one page of the results


def report(survey: Survey, page: int = 1) -> dict:
    """The response rate by role, a summary of each rating question and one page of each text question's answers."""
    responses = list(SurveyResponse.select(SurveyResponse, User).join(User)
                     .where(SurveyResponse.survey == survey).order_by(SurveyResponse.submitted_at, SurveyResponse.id))
    by_role = _by_role(survey, {r.user_id: r.role for r in responses})
    asked, answered = sum(row["asked"] for row in by_role), len(responses)
    questions = []
    for question in survey.questions:
        key = question["key"]
        entry = {**question, "overall": key == defaults.OVERALL}
        if question["kind"] == "rating":
            entry["summary"] = _rating_summary([r.answers[key] for r in responses
                                                if isinstance(r.answers.get(key), int)])
        else:
            written = [(r, r.answers[key]) for r in responses if (r.answers.get(key) or "").strip()]
            entry["answer_count"] = len(written)
            entry["answers"] = written[(page - 1) * ANSWERS_PER_PAGE:page * ANSWERS_PER_PAGE]
        questions.append(entry)
    most = max([q.get("answer_count", 0) for q in questions], default=0)
    return {"by_role": by_role, "asked": asked, "answered": answered, "rate": percent(answered, asked),
            "questions": questions, "page": page, "pages": max(1, -(-most // ANSWERS_PER_PAGE))}
