"""A survey and its answers: the row per programme and kind, who answers in which role, signed links, saving."""
from __future__ import annotations

import datetime as dt

from peewee import IntegrityError

from portal import events, links
from portal.db import database
from portal.models import Email, Match, Participant, Program, Survey, SurveyResponse, User, utcnow
from portal.surveys import defaults

OPEN_DAYS = 30  # a survey takes answers for this long after it goes out
LINK_DAYS_AFTER_END = 30  # links in survey emails work until this long after the programme ends
# Only a backstop for links whose programme dates moved far out: the end date above is the real limit.
LINK_MAX_AGE = dt.timedelta(days=3 * 365)


class SurveyClosed(Exception):
    """The survey no longer takes answers."""


def survey_for(program: Program, kind: str) -> Survey:
    """The programme's survey of this kind, made with the default questions the first time it is needed."""
    if kind not in defaults.KINDS:
        raise ValueError(f"unknown survey kind {kind!r}")
    survey = Survey.get_or_none(Survey.program == program, Survey.kind == kind)
    if survey is not None:
        return survey
    try:
        with database.atomic():
            return Survey.create(program=program, kind=kind, questions=defaults.questions())
    except IntegrityError:
        # Another worker made it a moment ago.
        return Survey.get(Survey.program == program, Survey.kind == kind)


def opens_on(program: Program, kind: str) -> dt.date:
    """The phase date the survey goes out on."""
    return program.midpoint if kind == "midpoint" else program.ends


def closes_at(survey: Survey) -> dt.datetime | None:
    """When the survey stops taking answers; None before it is sent."""
    return survey.sent_at + dt.timedelta(days=OPEN_DAYS) if survey.sent_at else None


def is_open(survey: Survey, now: dt.datetime | None = None) -> bool:
    """Sent and not yet closed."""
    closes = closes_at(survey)
    return closes is not None and (now or utcnow()) < closes


def invite_key(survey: Survey, user_id: int) -> str:
    return f"survey:{survey.id}:{user_id}"


def reminder_key(survey: Survey, user_id: int) -> str:
    return f"survey-reminder:{survey.id}:{user_id}"


def invited_ids(survey: Survey) -> set[int]:
    """Everyone the survey was emailed to: the stored emails are the record of who was asked."""
    prefix = f"survey:{survey.id}:"
    keys = Email.select(Email.dedupe_key).where(Email.dedupe_key.startswith(prefix))
    return {int(key[len(prefix):]) for (key,) in database.execute(keys) if key[len(prefix):].isdigit()}


def was_invited(survey: Survey, user: User) -> bool:
    return Email.select().where(Email.dedupe_key == invite_key(survey, user.id)).exists()


FEW = 500  # ids asked about in an IN list; for more, every participation is read once and filtered here


def _still_taking_part(program: Program, user_ids=None) -> list[tuple[int, str]]:
    """(user id, role) of everyone still taking part, or of these people only."""
    # "mentee" sorts before "mentor": someone who is both answers as a mentee.
    query = (Participant.taking_part(program).select(Participant.user, Participant.role)
             .order_by(Participant.role, Participant.id))
    # Raw cursors: a survey goes to everyone, and peewee's per-row conversion would cost more than the queries.
    if user_ids is None:
        return list(database.execute(query))
    wanted = set(user_ids)
    if len(wanted) <= FEW:
        return list(database.execute(query.where(Participant.user.in_(list(wanted)))))
    return [(user_id, role) for user_id, role in database.execute(query) if user_id in wanted]


def paired_roles(program: Program, user_ids=None, taking_part=None) -> dict[int, str]:
    """Everyone still taking part who is in an active match: user id -> the role they answer in."""
    pairs = list(database.execute(Match.active().select(Match.mentor, Match.mentee).where(Match.program == program)))
    paired = {("mentor", mentor) for mentor, _ in pairs} | {("mentee", mentee) for _, mentee in pairs}
    roles: dict[int, str] = {}
    for user_id, role in taking_part if taking_part is not None else _still_taking_part(program, user_ids):
        if (role, user_id) in paired:
            roles.setdefault(user_id, role)
    return roles


def roles_of(program: Program, user_ids) -> dict[int, str]:
    """The role each of these people answers in: the one they are matched in, else any role they still hold."""
    user_ids = list(user_ids)
    if not user_ids:
        return {}
    taking_part = _still_taking_part(program, user_ids)
    roles = paired_roles(program, taking_part=taking_part)
    for user_id, role in taking_part:
        roles.setdefault(user_id, role)
    return roles


def may_answer(survey: Survey, user: User) -> bool:
    """Whoever was sent the survey answers it while they still take part (a match ended since does not matter)."""
    return (survey.sent_at is not None and user.active and was_invited(survey, user)
            and user.id in roles_of(survey.program, [user.id]))


def make_link(survey: Survey, user: User) -> str:
    """The survey's address for one person, signed, for their email."""
    token = links.make_token("survey", {"survey": survey.id, "user": user.id})
    return links.absolute_url("surveys.answer_link", token=token)


def link_deadline(program: Program) -> dt.datetime:
    return dt.datetime.combine(program.ends + dt.timedelta(days=LINK_DAYS_AFTER_END), dt.time())


def read_link(token: str) -> tuple[Survey, User]:
    """The survey and person a link was made for, or LinkInvalid / LinkExpired.

    The link lasts until 30 days after the programme ends, read from the programme now, so moving the end date moves
    the links with it.
    """
    payload = links.read_token("survey", token, int(LINK_MAX_AGE.total_seconds()))
    if not isinstance(payload, dict):
        raise links.LinkInvalid("not a survey link")
    survey = Survey.get_or_none(Survey.id == payload.get("survey"))
    user = User.get_or_none(User.id == payload.get("user"))
    if survey is None or user is None:
        raise links.LinkInvalid("the survey or person is gone")
    if utcnow() >= link_deadline(survey.program):
        raise links.LinkExpired("the programme ended more than 30 days ago")
    return survey, user


def response_of(survey: Survey, user: User) -> SurveyResponse | None:
    return SurveyResponse.get_or_none(SurveyResponse.survey == survey, SurveyResponse.user == user)


def _clean(survey: Survey, answers: dict) -> dict:
    """Answers to the survey's current questions only: text trimmed, ratings whole numbers from 1 to 5."""
    clean = {}
    for question in survey.questions:
        value = answers.get(question["key"])
        if question["kind"] == "rating":
            try:
                rating = int(value)
            except (TypeError, ValueError):
                rating = None
            clean[question["key"]] = rating if rating is not None and 1 <= rating <= 5 else None
        else:
            clean[question["key"]] = (value or "").strip()[:2000]
    return clean


def _active_match(program: Program, user: User, role: str) -> Match | None:
    side = Match.mentee if role == "mentee" else Match.mentor
    found = list(Match.active().where(Match.program == program, side == user).limit(2))
    # A mentor with several mentees: the rating is about the programme, not one pair, so no pair is named.
    return found[0] if len(found) == 1 else None


def save_response(survey: Survey, user: User, answers: dict) -> SurveyResponse:
    """Store or change a person's answers (a low overall rating asks for a follow-up: see portal/followups.py)."""
    if not is_open(survey):
        raise SurveyClosed(survey.id)
    program = survey.program
    role = roles_of(program, [user.id]).get(user.id, "mentee")
    clean = _clean(survey, answers)
    rating = clean.get(defaults.OVERALL)
    with database.atomic():
        response = response_of(survey, user)
        if response is None:
            try:
                with database.atomic():
                    response = SurveyResponse.create(survey=survey, user=user, role=role, answers=clean, rating=rating)
            except IntegrityError:
                response = response_of(survey, user)  # a double click: the first one stored it
        if response.answers != clean or response.rating != rating:
            response.answers, response.rating, response.submitted_at = clean, rating, utcnow()
            response.save()
    events.survey_answered.send(program, survey=survey, response=response, user=user, role=role,
                                match=_active_match(program, user, role))
    return response
