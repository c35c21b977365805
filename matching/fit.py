"""How well mentors fit the mentee who is looking: vectorised component scores and the reasons behind them."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from matching import hours, text
from matching.columns import EITHER, IN_PERSON, UNKNOWN, VIRTUAL, MentorColumns, location_code
from matching.index import TermIndex
from matching.profiles import FitWeights, MenteeProfile, MentorProfile, Vocabulary

COMPONENTS = ("skills", "goals", "hours", "location", "seniority", "department")
NEUTRAL = 0.5  # the score of a component one side left unanswered: neither a plus nor a minus
ENOUGH_MINUTES = 4 * 60  # shared working hours beyond this make meeting no easier
MIN_SHARED_MINUTES = 60  # less than an hour in common is not worth mentioning as a reason
# Mentor minus mentee seniority -> score: a step or two ahead is ideal, level is fine, far ahead less relatable.
SENIORITY_FIT = {1: 1.0, 2: 1.0, 3: 0.7, 0: 0.4}
SENIORITY_FAR_AHEAD, SENIORITY_BEHIND = 0.5, 0.0
STEPS = {1: "One step", 2: "Two steps", 3: "Three steps"}
# [mentee preference][mentor preference], codes from matching.columns.
LOCATION_FIT = np.array([
    [NEUTRAL, NEUTRAL, NEUTRAL, NEUTRAL],
    [NEUTRAL, 1.0, 0.0, 0.8],
    [NEUTRAL, 0.0, 1.0, 0.8],
    [NEUTRAL, 0.8, 0.8, 0.8],
], dtype=np.float32)
# Goal words found in more than this share of mentors' stories ("team", "led") say little about fit.
COMMON_WORD_SHARE = 0.05
GOAL_WORD_LIMIT = 5
# A story sharing this share of a mentee's distinctive goal words counts as much as mentoring on a named skill.
GOAL_WORDS_FOR_FULL_SCORE = 0.5
MIN_NAMED_LENGTH = 4
_CAPITALS = re.compile(r"\b[A-Z][A-Z0-9]+\b")
# Score for mentoring on n wanted skills: the first counts most (0.5, 0.75, 0.875, ...).
_HALVING = (1 - 0.5 ** np.arange(64)).astype(np.float32)


@dataclass(frozen=True)
class Needs:
    """A mentee resolved against one directory: dictionary entries and codes instead of text."""

    mentee: MenteeProfile
    grow: tuple[tuple[str, int], ...]  # (skill, entry) of grow skills some mentor offers
    goal_skills: tuple[tuple[str, int], ...]  # skills the goals name, beyond those in grow
    goal_words: tuple[tuple[str, int, float], ...]  # (word, story entry, weight) of distinctive goal words
    start: int  # working window in UTC minutes; length 0 when unknown
    length: int
    location: int
    seniority: int
    department: int

    @property
    def goal_weight(self) -> float:
        return sum(weight for *_, weight in self.goal_words)

    @property
    def answered(self) -> dict[str, bool]:
        """Which components the mentee gave something to score on."""
        return {
            "skills": bool(self.grow),
            "goals": bool(self.goal_skills or self.goal_words),
            "hours": self.length > 0,
            "location": self.location != UNKNOWN,
            "seniority": self.seniority >= 0,
            "department": self.department >= 0,
        }


class SkillPhrases:
    """Finds the vocabulary's skills named in free text, longest name or alias first."""

    def __init__(self, vocabulary: Vocabulary):
        self.canonical = {text.phrase(alias): name for alias, name in vocabulary.names.items() if text.phrase(alias)}
        self.longest = max((p.count(" ") + 1 for p in self.canonical), default=0)

    def named_in(self, prose: str) -> list[str]:
        """Canonical skills a text mentions, in order of first mention."""
        words = text.phrase(prose).split()
        # "go quiet" is not the Go language, "5 pm" not product management: short names count only in capitals.
        capitals = {w.lower() for w in _CAPITALS.findall(prose)}
        found: dict[str, None] = {}
        at = 0
        while at < len(words):
            for size in range(min(self.longest, len(words) - at), 0, -1):
                candidate = " ".join(words[at:at + size])
                name = self.canonical.get(candidate)
                if name and (size > 1 or len(candidate) >= MIN_NAMED_LENGTH or candidate in capitals):
                    found.setdefault(name)
                    at += size
                    break
            else:
                at += 1
        return list(found)


def resolve(mentee: MenteeProfile, index: TermIndex, columns: MentorColumns, vocabulary: Vocabulary,
            phrases: SkillPhrases, reference: datetime) -> Needs:
    """Look up a mentee's grow skills, goals, hours and preferences in the directory once per request."""
    grow: dict[str, int] = {}
    for skill in mentee.grow:
        name = vocabulary.canonical(skill)
        entry = index.skill(name)
        if entry is not None:
            grow.setdefault(index.entries[entry].key, entry)
    goal_skills = {}
    for name in phrases.named_in(mentee.goals):
        entry = index.skill(name)
        if entry is not None and index.entries[entry].key not in grow:
            goal_skills.setdefault(index.entries[entry].key, entry)
    start, length = hours.utc_window(mentee.hours, mentee.timezone, reference)
    return Needs(
        mentee=mentee,
        grow=tuple(grow.items()),
        goal_skills=tuple(goal_skills.items()),
        goal_words=_goal_words(mentee.goals, index),
        start=start,
        length=length,
        location=location_code(mentee.location),
        seniority=-1 if mentee.seniority is None else mentee.seniority,
        department=columns.department_code(mentee.department),
    )


def _goal_words(goals: str, index: TermIndex) -> tuple[tuple[str, int, float], ...]:
    """The goal words that mentors' stories use but not everyone's, rarest first, weighted by rarity."""
    found = []
    for word in text.story_words(goals):
        entry = index.story_entry.get(word)
        if entry is None:
            continue
        share = len(index.posting(entry)) / max(index.size, 1)
        if share <= COMMON_WORD_SHARE:
            found.append((word, entry, math.log(1 / share)))
    found.sort(key=lambda item: (-item[2], item[0]))
    return tuple(found[:GOAL_WORD_LIMIT])


def weight_of(weights: FitWeights, needs: Needs) -> dict[str, float]:
    """The weight each component gets for this mentee: zero where they gave nothing to go on."""
    answered = needs.answered
    given = {
        "skills": weights.skills,
        "goals": weights.goals,
        "hours": weights.hours,
        "location": weights.location,
        "seniority": weights.seniority,
        "department": weights.department if weights.department_mode in ("same", "different") else 0.0,
    }
    return {name: max(0.0, w) if answered[name] else 0.0 for name, w in given.items()}


class FitScorer:
    """Fit for one mentee and one set of weights over any mentors, by table look-ups rather than per-mentor work.

    Location, seniority and department take few combined values (a mentor's profile code) and working hours few
    windows, so those components are worked out once per code and per window, then gathered for each mentor.
    """

    def __init__(self, needs: Needs, index: TermIndex, columns: MentorColumns, weights: FitWeights):
        self.needs, self.index, self.columns = needs, index, columns
        self.mode = weights.department_mode
        self.weights = weight_of(weights, needs)
        total = sum(self.weights.values())
        self.share = {name: (w / total if total > 0 else 0.0) for name, w in self.weights.items()}
        location, seniority, department = columns.profiles()
        self.by_profile = {
            "location": LOCATION_FIT[needs.location][location],
            "seniority": _seniority(needs.seniority, seniority),
            "department": _department(needs.department, department, self.mode),
        }
        minutes = hours.overlap(columns.window_start, columns.window_length, needs.start, needs.length)
        minutes[(columns.window_length == 0) | (needs.length == 0)] = -1
        self.window_minutes = minutes
        self.by_window = np.where(minutes < 0, NEUTRAL, np.minimum(minutes, ENOUGH_MINUTES) / ENOUGH_MINUTES)
        static = sum(self.share[name] * values for name, values in self.by_profile.items())
        self.static = np.asarray(static, dtype=np.float32)
        self.window_part = (self.share["hours"] * self.by_window).astype(np.float32)

    def minutes(self, positions: np.ndarray) -> np.ndarray:
        """Working minutes each mentor shares with the mentee; -1 where either side's hours are unknown."""
        return self.window_minutes[self.columns.window[positions]]

    def fit(self, positions: np.ndarray) -> np.ndarray:
        """The weighted mean of the components, in [0, 1], for mentors at `positions` (ascending)."""
        result = self.static[self.columns.profile[positions]] + self.window_part[self.columns.window[positions]]
        if self.share["skills"]:
            result += np.float32(self.share["skills"]) * self._skills(positions)
        if self.share["goals"]:
            result += np.float32(self.share["goals"]) * self._goals(positions)
        return result

    def components(self, positions: np.ndarray) -> dict[str, np.ndarray]:
        """Each component in [0, 1] for mentors at `positions` (any order), to explain a page of results."""
        order = np.argsort(positions)
        ascending = positions[order]
        values = {"skills": np.empty(len(positions), dtype=np.float32), "goals": np.empty(len(positions), np.float32)}
        values["skills"][order] = self._skills(ascending)
        values["goals"][order] = self._goals(ascending)
        profile = self.columns.profile[positions]
        values["hours"] = self.by_window[self.columns.window[positions]]
        values.update((name, table[profile]) for name, table in self.by_profile.items())
        return values

    def _skills(self, positions: np.ndarray) -> np.ndarray:
        return _HALVING[np.minimum(self.index.count((e for _, e in self.needs.grow), positions), 63)]

    def _goals(self, positions: np.ndarray) -> np.ndarray:
        goals = _HALVING[np.minimum(self.index.count((e for _, e in self.needs.goal_skills), positions), 63)]
        if self.needs.goal_words:
            weighted = ((e, w) for _, e, w in self.needs.goal_words)
            share = self.index.weigh(weighted, positions) / np.float32(self.needs.goal_weight)
            goals = np.maximum(goals, np.minimum(np.float32(1), share / np.float32(GOAL_WORDS_FOR_FULL_SCORE)))
        return goals


def _seniority(mentee: int, mentors: np.ndarray) -> np.ndarray:
    if mentee < 0:
        return np.full(len(mentors), NEUTRAL, dtype=np.float32)
    ahead = np.clip(mentors.astype(np.int32) - mentee, -1, 4)
    # Indexed by steps ahead, clipped: behind, level, one, two, three, four or more.
    table = np.array([SENIORITY_BEHIND, SENIORITY_FIT[0], SENIORITY_FIT[1], SENIORITY_FIT[2], SENIORITY_FIT[3],
                      SENIORITY_FAR_AHEAD], dtype=np.float32)
    return np.where(mentors < 0, np.float32(NEUTRAL), table[ahead + 1])


def _department(mentee: int, mentors: np.ndarray, mode: str) -> np.ndarray:
    if mentee < 0:
        return np.full(len(mentors), NEUTRAL, dtype=np.float32)
    # The programme may prefer mentors from another department, for a view from outside.
    wanted = mentors != mentee if mode == "different" else mentors == mentee
    return np.where(mentors < 0, np.float32(NEUTRAL), wanted.astype(np.float32))


# Reasons ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shared:
    """What one mentor has of what the mentee looks for."""

    skills: list[str]  # grow skills the mentor mentors on
    named: list[str]  # skills the goals name that the mentor mentors on
    words: list[str]  # distinctive goal words in what the mentor can advise on
    minutes: int | None  # shared working minutes, None if unknown


def shared(needs: Needs, index: TermIndex, positions: np.ndarray, minutes: np.ndarray) -> list[Shared]:
    """Shared skills, goal words and hours for a page of mentors, in the page's order."""
    def flags(entries: list[int]) -> np.ndarray:
        order = np.argsort(positions)  # member() wants positions ascending
        result = np.zeros((len(entries), len(positions)), dtype=bool)
        for row, entry in enumerate(entries):
            result[row, order] = index.member(entry, positions[order])
        return result

    grow = flags([e for _, e in needs.grow])
    named = flags([e for _, e in needs.goal_skills])
    words = flags([e for _, e, _ in needs.goal_words])
    return [
        Shared(
            skills=[name for row, (name, _) in enumerate(needs.grow) if grow[row, i]],
            named=[name for row, (name, _) in enumerate(needs.goal_skills) if named[row, i]],
            words=[word for row, (word, *_) in enumerate(needs.goal_words) if words[row, i]],
            minutes=int(minutes[i]) if minutes[i] >= 0 else None,
        )
        for i in range(len(positions))
    ]


def explain(needs: Needs, mentor: MentorProfile, values: dict[str, float], has: Shared, weights: dict[str, float],
            department_mode: str) -> tuple[list[str], list[str]]:
    """(reasons best first, what mentee and mentor have in common) for one mentor."""
    first = mentor.first_name
    reasons: list[tuple[float, int, str]] = []

    def add(component: str, sentence: str) -> None:
        reasons.append((weights.get(component, 0.0) * values[component], COMPONENTS.index(component), sentence))

    if has.skills:
        add("skills", f"You want to grow {join_names(has.skills)}; {first} mentors on {_pronoun(len(has.skills))}")
    if has.named:
        add("goals", f"Your goals mention {join_names(has.named)}; {first} mentors on {_pronoun(len(has.named))}")
    elif has.words:
        add("goals", f"{first}’s experience speaks to your goals: {', '.join(has.words[:3])}")
    if has.minutes and has.minutes >= MIN_SHARED_MINUTES:
        add("hours", f"{_hours(has.minutes)} of shared working hours")
    mentor_location = location_code(mentor.location)
    location = _location_reason(needs.location, mentor_location, first)
    if location:
        add("location", location)
    ahead = None if needs.seniority < 0 or mentor.seniority is None else mentor.seniority - needs.seniority
    if ahead in STEPS:
        add("seniority", f"{STEPS[ahead]} ahead of you in seniority")
    same_department = needs.department >= 0 and text.phrase(mentor.department) == text.phrase(needs.mentee.department)
    if department_mode == "same" and same_department:
        add("department", f"Also in {mentor.department}")
    elif department_mode == "different" and mentor.department and not same_department:
        add("department", f"Brings a view from {mentor.department}")
    ordered = [sentence for weight, _, sentence in sorted(reasons, key=lambda r: (-r[0], r[1])) if weight > 0]
    common = has.skills + has.named
    if same_department:
        common.append(mentor.department)
    if needs.location in (VIRTUAL, IN_PERSON) and mentor_location == needs.location:
        common.append("Virtual meetings" if needs.location == VIRTUAL else "Meeting in person")
    if mentor.timezone == needs.mentee.timezone:
        common.append(f"Time zone {mentor.timezone}")
    return ordered, common


def _location_reason(mentee: int, mentor: int, first: str) -> str:
    if mentee == mentor == VIRTUAL:
        return "Both prefer virtual meetings"
    if mentee == mentor == IN_PERSON:
        return "Both prefer meeting in person"
    if mentor == EITHER and mentee in (VIRTUAL, IN_PERSON):
        return f"{first} is happy to meet {'virtually' if mentee == VIRTUAL else 'in person'}"
    return ""


def join_names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _pronoun(count: int) -> str:
    return "it" if count == 1 else "both" if count == 2 else "all of them"


def _hours(minutes: int) -> str:
    value = round(minutes / 30) / 2  # to the half hour
    return f"{value:g} h"
