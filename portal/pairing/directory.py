"""The portal's side of the mentor directory: profiles from the database, cached per process.

The index is rebuilt whenever the directory counter moves, so any worker serves
the same results; every mentor's load is applied again only when the load counter moves. Both counters are bumped by
the receivers in portal/pairing/receivers.py (the directory's by people joining or leaving, answers saved, questions
or the vocabulary changed; the load's by matches made or ended and requests sent or answered), and a request reads
both in one statement.
"""
from __future__ import annotations

import threading

from flask import g, has_app_context
from peewee import Select, fn

from matching.profiles import FitWeights, MenteeProfile, MentorProfile, Vocabulary
from portal import access, counters, settings
from portal.db import database
from portal.models import Answer, Match, MatchRequest, Participant, Program, Question, Skill, SkillAlias, User

_cache: dict[tuple, tuple[int, object]] = {}
# Beside the index: the index with every mentor's load applied.
_loaded: dict[tuple, tuple[tuple[int, int], object]] = {}
_lock = threading.Lock()


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _hours(value) -> tuple[int, int] | None:
    if not value or "start" not in value or "end" not in value:
        return None
    return _minutes(value["start"]), _minutes(value["end"])


def _key(program: Program) -> tuple:
    # The database is part of the key: a process that opens another database must not reuse what it read.
    return (str(database.obj.database), program.id, program.created_at)


def _versions(program: Program) -> tuple[int, int]:
    """The directory's and the load's counters, read once per request."""
    found = counters.values(counters.directory_key(program), counters.load_key(program))
    return found[counters.directory_key(program)], found[counters.load_key(program)]


def _questions(program: Program) -> dict[str, Question]:
    """The programme's keyed questions, read once per request (or job); a question changed in it is read again."""
    def read() -> dict[str, Question]:
        return {q.key: q for q in Question.select().where(Question.program == program, Question.key.is_null(False))}

    if not has_app_context():
        return read()
    kept = g.setdefault("keyed_questions", {})
    if program.id not in kept:
        kept[program.id] = read()
    return kept[program.id]


def forget_questions() -> None:
    """Questions were edited during this request: read them again."""
    if has_app_context():
        g.pop("keyed_questions", None)


def _seniority(questions: dict[str, Question], value) -> int | None:
    options = questions["seniority"].options if "seniority" in questions else []
    return options.index(value) if value in options else None


def _answers_by_user(program: Program, questions: dict[str, Question], user_ids=None) -> dict[int, dict[str, object]]:
    by_id = {q.id: key for key, q in questions.items()}
    query = Answer.select(Answer.user, Answer.question, Answer.value).where(
        Answer.program == program, Answer.question.in_(list(by_id))
    )
    if user_ids is not None:
        query = query.where(Answer.user.in_(user_ids if isinstance(user_ids, Select) else list(user_ids)))
    result: dict[int, dict[str, object]] = {}
    for answer in query:
        result.setdefault(answer.user_id, {})[by_id[answer.question_id]] = answer.value
    return result


def vocabulary() -> Vocabulary:
    pairs = [(s.name, s.name) for s in Skill.select(Skill.name)]
    pairs += list(SkillAlias.select(SkillAlias.alias, Skill.name).join(Skill).tuples())
    return Vocabulary.from_pairs(pairs)


def load_counts(program: Program) -> tuple[dict[int, int], dict[int, int]]:
    """Active matches and pending requests per mentor."""
    matched = dict(
        Match.active().select(Match.mentor, fn.COUNT(Match.id)).where(Match.program == program)
        .group_by(Match.mentor).tuples()
    )
    pending = dict(
        MatchRequest.pending(program).select(MatchRequest.mentor, fn.COUNT(MatchRequest.id))
        .group_by(MatchRequest.mentor).tuples()
    )
    return matched, pending


def mentor_profiles(program: Program) -> list[MentorProfile]:
    """Every mentor who finished the questionnaire, as the matching library sees them (load comes from with_load)."""
    questions = _questions(program)
    rows = list(
        Participant.taking_part(program, "mentor")
        .select(Participant.user, Participant.capacity, User.id, User.name)
        .join(User)
        .where(Participant.questionnaire_completed_at.is_null(False), User.active)
        .order_by(Participant.user)
    )
    mentors = Participant.select(Participant.user).where(Participant.program == program, Participant.role == "mentor")
    answers = _answers_by_user(program, questions, mentors)
    # Only what the admin shows in the directory is shown or searched; hidden answers stay private.
    hidden = {key for key, q in questions.items() if not (q.active and q.shown_in_directory)} - {"capacity"}
    profiles = []
    for row in rows:
        a = {key: value for key, value in answers.get(row.user_id, {}).items() if key not in hidden}
        profiles.append(MentorProfile(
            id=row.user_id, name=row.user.name, title=a.get("role_title", "") or "",
            department=a.get("department", "") or "", seniority=_seniority(questions, a.get("seniority")),
            skills=tuple(a.get("strengths") or ()), advises_on=a.get("goals_achieved", "") or "",
            location=a.get("location", "") or "", timezone=a.get("timezone", "UTC") or "UTC",
            hours=_hours(a.get("working_hours")), capacity=row.capacity or 1,
        ))
    return profiles


def _mentee(user: User, questions: dict[str, Question], a: dict[str, object]) -> MenteeProfile:
    goals = " ".join(filter(None, [a.get("goals_6m", ""), a.get("goals_long", "")]))
    return MenteeProfile(
        id=user.id, name=user.name, department=a.get("department", "") or "",
        seniority=_seniority(questions, a.get("seniority")), grow=tuple(a.get("grow") or ()), goals=goals,
        location=a.get("location", "") or "", timezone=a.get("timezone", user.timezone) or "UTC",
        hours=_hours(a.get("working_hours")),
    )


def mentee_profile(program: Program, user: User) -> MenteeProfile | None:
    """The viewer as a mentee, or None if they are not one (admins and mentors browse unranked by fit)."""
    if not access.ever_in_role(program, user, "mentee"):
        return None
    questions = _questions(program)
    return _mentee(user, questions, _answers_by_user(program, questions, [user.id]).get(user.id, {}))


def mentee_profiles(program: Program, user_ids) -> list[MenteeProfile]:
    """Mentees by user id (a list or a query), in id order, with one query for all their answers."""
    questions = _questions(program)
    answers = _answers_by_user(program, questions, user_ids)
    users = User.select(User.id, User.name, User.timezone).where(
        User.id.in_(user_ids if isinstance(user_ids, Select) else list(user_ids))
    ).order_by(User.id)
    return [_mentee(user, questions, answers.get(user.id, {})) for user in users]


def weights(program: Program) -> FitWeights:
    """Fit weights from the admin's per-question weights and the department setting."""
    questions = _questions(program)

    def weight(key: str, default: float = 0.0) -> float:
        return float(questions[key].weight) if key in questions and questions[key].active else default

    return FitWeights(
        skills=max(weight("grow"), weight("strengths")), goals=max(weight("goals_6m"), weight("goals_achieved")),
        hours=weight("working_hours"), location=weight("location"), seniority=weight("seniority"),
        department=weight("department"), department_mode=settings.get(program, "department_mode"),
    )


def directory(program: Program):
    """The programme's MentorDirectory with every mentor's current load.

    Profiles are indexed once per value of the directory counter (bumped when answers, participants or the
    vocabulary change); matches and requests are counted again once per value of the load counter.
    """
    versions, key = _versions(program), _key(program)
    cached = _loaded.get(key)
    if cached and cached[0] == versions:
        return cached[1]
    # The counters were read before the loads are counted, so what is kept is never older than its version: a change
    # that commits in between moves the counter again and is counted on the next request.
    loaded = _indexed(program).with_load(*load_counts(program))
    _loaded[key] = (versions, loaded)
    return loaded


def forget() -> None:
    """Drop everything this process keeps (tests start each database again at programme 1, counters 0)."""
    for kept in (_cache, _loaded):
        kept.clear()


def _indexed(program: Program):
    from matching.directory import MentorDirectory

    key, version = _key(program), _versions(program)[0]
    cached = _cache.get(key)
    if cached and cached[0] == version:
        return cached[1]
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == version:
            return cached[1]
        built = MentorDirectory.build(mentor_profiles(program), vocabulary())
        _cache[key] = (version, built)
        return built


def departments(program: Program) -> list[str]:
    question = _questions(program).get("department")
    return list(question.options) if question else []
