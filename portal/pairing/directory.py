"""The portal's side of the mentor directory: profiles from the database, an index shared by every worker.

The index matches a value of the directory counter. A worker keeps one in memory; when the counter moves it takes the
newest file another process wrote (directory_store). The `update_directory` job writes that file: the job worker's
copy updated for the mentors who changed (directory_changes: their profiles alone are read again), so indexing
(about a second at 8,000 mentors) never holds up a web worker's requests. Indexing every mentor (questions or the
vocabulary changed) is the `build_directory` job's. Until the file is there, workers keep serving the copy they have;
a worker still behind after a grace period (the job worker down or busy) updates its copy itself. Loads are counted
again only when the load counter moves, and then for the mentors whose load moved (load_changes). Both counters are
bumped by the receivers in portal/pairing/receivers.py, and a request reads them in one statement.
"""
from __future__ import annotations

import threading
import time
from typing import NamedTuple

from peewee import Select, fn

from matching.profiles import FitWeights, MenteeProfile, MentorProfile, Vocabulary
from portal import access, counters, per_request, settings, steady
from portal.db import database, memo_key, on_forget_memos
from portal.models import Answer, Match, MatchRequest, Participant, Program, Question, Skill, SkillAlias, User
from portal.prepared import Prepared
from portal.pairing import directory_changes, directory_store, load_changes
from portal.pairing.directory_store import Stamp
from portal.questionnaire import operations as questionnaire

# How long a worker serves its copy after everything changed, while the build job writes the new index.
BUILD_GRACE_SECONDS = 60.0
# How long a worker serves its copy after some mentors changed, while the update job writes the new index.
UPDATE_GRACE_SECONDS = 10.0

# Per process: (directory version, index) and the number of noted changes it includes, by programme.
_cache: dict[tuple, tuple[int, object]] = {}
_noted: dict[tuple, int] = {}
# Beside the index: the index with every mentor's load applied, by (directory version, load version).
_loaded: dict[tuple, tuple[tuple[int, int], object]] = {}


class _Wait(NamedTuple):
    """A version this process waits for a job to index: since when, and whether everyone changed since the copy held
    (asked once per copy held, not on every request while it waits: the question scans the counters)."""

    since: float
    held: Stamp
    everyone: bool


# The versions this process waits for, by (programme key, wanted version).
_waits: dict[tuple, _Wait] = {}
_lock = threading.Lock()
# How this process came by its indexes: every mentor indexed, some mentors updated, a file read.
statistics = {"full_builds": 0, "updates": 0, "loads": 0}


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _hours(value) -> tuple[int, int] | None:
    if not value or "start" not in value or "end" not in value:
        return None
    return _minutes(value["start"]), _minutes(value["end"])


def _versions(program: Program) -> tuple[Stamp, int]:
    """The directory's counters and the load's, read in one statement once per request."""
    names = counters.directory_key(program), directory_changes.noted_key(program), counters.load_key(program)
    found = counters.values(*names, often=True)
    return Stamp(found[names[0]], found[names[1]]), found[names[2]]


# Read by every directory, profile and match page: compiled once (portal/prepared.py).
_KEYED_QUESTIONS = Prepared(
    lambda program: Question.select().where(Question.program == program, Question.key.is_null(False)), 1)


def _questions(program: Program) -> dict[str, Question]:
    """The programme's keyed questions, read once per request (or job); a question changed in it is read again."""
    def read() -> dict[str, Question]:
        rows = steady.kept(("keyed_questions", program.id), lambda: _KEYED_QUESTIONS.rows(program.id), steady.rows_copy)
        return {q.key: q for q in rows}

    return per_request.read_once("keyed_questions", program.id, read)


def forget_questions() -> None:
    """Questions were edited during this request: read them again."""
    per_request.forget("keyed_questions")


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


def load_counts(program: Program, mentor_ids=None) -> tuple[dict[int, int], dict[int, int]]:
    """Active matches and pending requests per mentor (of every mentor with any, or of those user ids)."""
    matched = Match.active().select(Match.mentor, fn.COUNT(Match.id)).where(Match.program == program)
    pending = MatchRequest.pending(program).select(MatchRequest.mentor, fn.COUNT(MatchRequest.id))
    if mentor_ids is not None:
        matched = matched.where(Match.mentor.in_(list(mentor_ids)))
        pending = pending.where(MatchRequest.mentor.in_(list(mentor_ids)))
    # A row per mentor with a load, thousands in a busy programme: the driver's own tuples of two integers, as
    # they are, rather than each row passed through the fields' converters.
    return (dict(database.execute(matched.group_by(Match.mentor)).fetchall()),
            dict(database.execute(pending.group_by(MatchRequest.mentor)).fetchall()))


def mentor_profiles(program: Program, user_ids=None) -> list[MentorProfile]:
    """Every mentor who finished the questionnaire (or those of them among `user_ids`), as the matching library sees
    them (load comes from with_load)."""
    questions = _questions(program)
    rows = (
        Participant.taking_part(program, "mentor")
        .select(Participant.user, Participant.capacity, User.id, User.name)
        .join(User)
        .where(Participant.questionnaire_completed_at.is_null(False), User.active)
        .order_by(Participant.user)
    )
    mentors = Participant.select(Participant.user).where(Participant.program == program, Participant.role == "mentor")
    if user_ids is not None:
        rows = rows.where(Participant.user.in_(list(user_ids)))
        mentors = list(user_ids)
    rows = list(rows)
    answers = _answers_by_user(program, questions, mentors)
    # Only what the admin shows in the directory is shown or searched; hidden answers stay private.
    hidden = {key for key, q in questions.items() if not (q.active and q.shown_in_directory)} - {"capacity"}
    profiles = []
    # Titles, departments, places, zones and skills repeat across thousands of mentors: one string each, so the
    # directory (and each worker's copy of its file) holds a value once.
    same: dict[str, str] = {}

    def one(text: str) -> str:
        return same.setdefault(text, text)

    for row in rows:
        a = {key: value for key, value in answers.get(row.user_id, {}).items() if key not in hidden}
        profiles.append(MentorProfile(
            id=row.user_id, name=row.user.name, title=one(a.get("role_title", "") or ""),
            department=one(a.get("department", "") or ""), seniority=_seniority(questions, a.get("seniority")),
            skills=tuple(one(skill) for skill in a.get("strengths") or ()),
            advises_on=a.get("goals_achieved", "") or "",
            location=one(a.get("location", "") or ""), timezone=one(a.get("timezone", "UTC") or "UTC"),
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
    answers = questionnaire.answers_of(user, program)  # read once per request: match pages show them too
    return _mentee(user, questions, {key: answers[q.id] for key, q in questions.items() if q.id in answers})


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

    The index follows the directory counter (see the module's docstring); matches and requests are counted again
    once per value of the load counter.
    """
    wanted, load = _versions(program)
    indexed, key = _indexed(program, wanted), memo_key(program)
    versions = (_cache[key][0], load)
    cached = _loaded.get(key)
    same_index = cached is not None and cached[1].index is indexed.index
    if same_index and cached[0] == versions:
        return cached[1]
    # The counters were read before the loads are counted, so what is kept is never older than its version: a change
    # that commits in between moves the counter again and is counted on the next request. On the copy with the last
    # loads, only the mentors whose load moved are counted again (load_changes), or everyone when that is not known.
    # A new index takes over the last copy's load for the mentors in both.
    moved = load_changes.since(program, cached[0][1], load) if cached is not None else None
    if moved is None:
        loaded = indexed.with_load(*load_counts(program))
    else:
        start = cached[1]
        if not same_index:
            start, unknown = indexed.with_load_from(cached[1])
            moved = moved | unknown
        loaded = start.with_load_of(moved, *load_counts(program, moved)) if moved else start
    _loaded[key] = (versions, loaded)
    return loaded


@on_forget_memos
def forget() -> None:
    """Drop everything this process keeps in memory (tests start each database again at programme 1, counters 0)."""
    for kept in (_cache, _noted, _loaded, _waits):
        kept.clear()


def _held(key: tuple) -> Stamp | None:
    return Stamp(_cache[key][0], _noted[key]) if key in _cache else None


def _keep(key: tuple, stamp: Stamp, indexed) -> object:
    _cache[key], _noted[key] = (stamp.version, indexed), stamp.noted
    # Waits for versions this copy has now reached are over, whichever process built them.
    for waited in [waited for waited in _waits if waited[0] == key and waited[1] <= stamp]:
        del _waits[waited]
    return indexed


def _indexed(program: Program, wanted: Stamp):
    """The index for the wanted directory version, or the copy this process has while the new one is being built."""
    key = memo_key(program)
    if _held(key) == wanted:
        return _cache[key][1]
    held = key in _cache
    if not _lock.acquire(blocking=not held):
        return _cache[key][1]  # another thread is bringing it up to date: the copy held serves this request
    try:
        return _bring_up_to_date(program, key, wanted)
    finally:
        _lock.release()


def _bring_up_to_date(program: Program, key: tuple, wanted: Stamp, *, by_job: bool = False):
    """Take the newest file kept, then update the copy held or build one; the caller holds `_lock`."""
    _newest(key, wanted)
    if _held(key) == wanted:
        return _cache[key][1]
    if _held(key) is None:
        # Nothing to serve meanwhile: build it (or wait for the process building it, then read its file).
        return _build(program, key, wanted, wait=True)
    return _update(program, key, wanted, by_job=by_job)


def _newest(key: tuple, wanted: Stamp) -> None:
    """Take the newest file kept up to the wanted version if it is newer than the copy held."""
    stamp, held = directory_store.newest(key, wanted.version), _held(key)
    if stamp is not None and (held is None or stamp > held):
        found = directory_store.read(key, stamp, _cache[key][1] if held is not None else None)
        if found is not None:
            statistics["loads"] += 1
            _keep(key, stamp, found)


def _update(program: Program, key: tuple, wanted: Stamp, *, by_job: bool = False):
    """Bring the copy held up to the wanted version: for the mentors who changed, or by a full build if need be.

    A web worker (not `by_job`) leaves it to the jobs for a while and serves the copy it holds meanwhile.
    """
    from matching import revising

    held = _held(key)
    waiting = None if by_job else _wait(program, key, wanted)
    everyone = waiting.everyone if waiting else directory_changes.since(program, held.version)[0]
    if not everyone and wanted.noted - held.noted != wanted.version - held.version:
        # A change that did not say what it changed: nothing else is certain.
        return _build(program, key, wanted, wait=True)
    if waiting and time.monotonic() - waiting.since < (BUILD_GRACE_SECONDS if everyone else UPDATE_GRACE_SECONDS):
        return _cache[key][1]  # a job writes the new index; this copy serves until then
    if everyone:
        return _build(program, key, wanted, wait=by_job)
    with directory_store.claim(key, wait=by_job) as mine:
        if not mine:
            return _cache[key][1]  # another process is updating it: serve this copy, take theirs on a later request
        _newest(key, wanted)
        held = _held(key)
        if held == wanted:
            return _cache[key][1]
        # Read again under the claim: the copy held may now be another process's newer file, and a change noted since
        # the first read may ask for everyone. That read stays: it chooses a full build, which takes the claim itself.
        everyone, mentors = directory_changes.since(program, held.version)
        if everyone:
            return _cache[key][1]
        profiles = {mentor.id: mentor for mentor in mentor_profiles(program, mentors)}
        updated = revising.with_mentors(_cache[key][1], {mentor: profiles.get(mentor) for mentor in mentors})
        directory_store.write(key, wanted, updated, _cache[key][1])
        statistics["updates"] += 1
        return _keep(key, wanted, updated)


def _wait(program: Program, key: tuple, wanted: Stamp) -> _Wait:
    """This process's wait for the wanted version, begun now if new; asked again what changed if the copy held moved."""
    held, waiting = _held(key), _waits.get((key, wanted))
    if waiting is None or waiting.held != held:
        everyone = directory_changes.since(program, held.version)[0]
        waiting = _waits[(key, wanted)] = _Wait(waiting.since if waiting else time.monotonic(), held, everyone)
    return waiting


def _build(program: Program, key: tuple, wanted: Stamp, *, wait: bool):
    """Index every mentor and keep the file for the other workers (the copy held while another process builds)."""
    from matching.directory import MentorDirectory

    with directory_store.claim(key, wait=wait) as mine:
        if not mine:
            return _cache[key][1]
        _newest(key, wanted)
        if _held(key) == wanted:
            return _cache[key][1]
        built = MentorDirectory.build(mentor_profiles(program), vocabulary())
        directory_store.write(key, wanted, built)
        statistics["full_builds"] += 1
        _waits.pop((key, wanted), None)
        return _keep(key, wanted, built)


def index_everyone(program: Program) -> None:
    """People were loaded in bulk, without events: index every mentor now, once, for every worker."""
    directory_changes.note(program, None)
    build_shared(program)


def update_shared(program: Program) -> None:
    """Bring the shared index up to the current directory version for the mentors who changed (the update job's)."""
    with _lock:
        _bring_up_to_date(program, memo_key(program), _versions(program)[0], by_job=True)


def build_shared(program: Program) -> None:
    """Index every mentor for the current directory version unless a process already has (the build job's work)."""
    with _lock:
        _build(program, memo_key(program), _versions(program)[0], wait=True)


def departments(program: Program) -> list[str]:
    question = _questions(program).get("department")
    return list(question.options) if question else []
