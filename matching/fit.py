"""How well mentors fit the mentee who is looking: what the mentee needs, and fit scores by table look-ups."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from matching import hours, text
from matching.columns import SENIORITY_CODES, UNKNOWN, MentorColumns, location_code
from matching.index import COMMON_STORY_FROM, TermIndex
from matching.profiles import FitWeights, MenteeProfile, Vocabulary

COMPONENTS = ("skills", "goals", "hours", "location", "seniority", "department")
NEUTRAL = 0.5  # the score of a component one side left unanswered: neither a plus nor a minus
ENOUGH_MINUTES = 4 * 60  # shared working hours beyond this make meeting no easier
# Mentor minus mentee seniority -> score: a step or two ahead is ideal, level is fine, far ahead less relatable.
SENIORITY_FIT = {1: 1.0, 2: 1.0, 3: 0.7, 0: 0.4}
SENIORITY_FAR_AHEAD, SENIORITY_BEHIND = 0.5, 0.0
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
MIN_NAMED_LENGTH = 4  # shorter skill names and aliases ("go", "pm", "ai") count in goals only in capitals
_CAPITALS = re.compile(r"\b[A-Z][A-Z0-9]+\b")
# Score for mentoring on n wanted skills: the first counts most (0.5, 0.75, 0.875, ...); no one has 256 skills.
_HALVING = (1 - 0.5 ** np.arange(256)).astype(np.float32)


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
        self.first_words = {p.split()[0] for p in self.canonical}

    def named_in(self, prose: str) -> list[str]:
        """Canonical skills a text mentions, in order of first mention."""
        words = text.phrase(prose).split()
        # "go quiet" is not the Go language, "5 pm" not product management: short names count only in capitals.
        capitals = {w.lower() for w in _CAPITALS.findall(prose)}
        found: dict[str, None] = {}
        at = 0
        while at < len(words):
            if words[at] not in self.first_words:
                at += 1
                continue
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
    """Look up a mentee's grow skills, goals, hours and preferences in the directory (kept while they search)."""
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
        share = index.sizes[entry] / max(index.size, 1)
        # In a small directory every word is in a large share of stories; only a large one shows what is common.
        if share and (share <= COMMON_WORD_SHARE or index.size < COMMON_STORY_FROM):
            found.append((word, entry, math.log(1 + 1 / share)))
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
        # Each part scored once per value it takes, then spread over the profile codes.
        location, seniority, department = columns.profile_parts
        self.by_profile = {
            "location": LOCATION_FIT[needs.location].take(location),
            "seniority": _seniority(needs.seniority).take(seniority + 1),
            "department": _department(needs.department, len(columns.departments), self.mode).take(department + 1),
        }
        self.window_minutes = minutes = columns.window_overlap(needs.start, needs.length)
        self.by_window = np.where(minutes < 0, NEUTRAL, np.minimum(minutes, ENOUGH_MINUTES) / ENOUGH_MINUTES)
        static = sum(self.share[name] * values for name, values in self.by_profile.items())
        self.static = np.asarray(static, dtype=np.float32)
        self.window_part = (self.share["hours"] * self.by_window).astype(np.float32)

    def for_skills(self, count: int) -> float:
        """The skills component for a mentor offering `count` of the skills the mentee wants to grow."""
        return float(_HALVING[min(count, len(_HALVING) - 1)])

    def for_goals(self, named: int, word_weight: float) -> float:
        """The goals component for a mentor offering `named` skills the goals name, and goal words of that weight."""
        words = min(1.0, word_weight / (self.needs.goal_weight * GOAL_WORDS_FOR_FULL_SCORE)) if word_weight else 0.0
        return max(float(_HALVING[min(named, len(_HALVING) - 1)]), words)

    def minutes(self, positions: np.ndarray) -> np.ndarray:
        """Working minutes each mentor shares with the mentee; -1 where either side's hours are unknown."""
        return self.window_minutes.take(self.columns.window.take(positions))

    def fit(self, positions: np.ndarray) -> np.ndarray:
        """The weighted mean of the components, in [0, 1], for mentors at `positions` (ascending)."""
        result = self.static.take(self.columns.profile.take(positions))
        result += self.window_part.take(self.columns.window.take(positions))
        skills, goals = self._skills_and_goals(positions)
        if self.share["skills"]:
            result += np.float32(self.share["skills"]) * skills
        if self.share["goals"]:
            result += np.float32(self.share["goals"]) * goals
        return result

    def components(self, positions: np.ndarray) -> dict[str, np.ndarray]:
        """Each component in [0, 1] for mentors at `positions` (ascending)."""
        profile = self.columns.profile.take(positions)
        skills, goals = self._skills_and_goals(positions)
        values = {"skills": skills, "goals": goals, "hours": self.by_window.take(self.columns.window.take(positions))}
        values.update((name, table.take(profile)) for name, table in self.by_profile.items())
        return values

    def _skills_and_goals(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        grow, named = self.index.counts([[e for _, e in self.needs.grow], [e for _, e in self.needs.goal_skills]],
                                        positions)
        goals = _HALVING.take(named)
        if self.needs.goal_words:
            words = self.index.weigh(((e, w) for _, e, w in self.needs.goal_words), positions)
            words *= np.float32(1 / (self.needs.goal_weight * GOAL_WORDS_FOR_FULL_SCORE))
            np.minimum(words, np.float32(1), out=words)
            np.maximum(words, goals, out=words)
            goals = words
        return _HALVING.take(grow), goals


def _seniority(mentee: int) -> np.ndarray:
    """Seniority scores by the mentor's ladder index plus one (0: unknown)."""
    if mentee < 0:
        return np.full(SENIORITY_CODES, NEUTRAL, dtype=np.float32)
    ahead = [level - mentee for level in range(SENIORITY_CODES - 1)]
    scores = [SENIORITY_BEHIND if steps < 0 else SENIORITY_FIT.get(steps, SENIORITY_FAR_AHEAD) for steps in ahead]
    return np.array([NEUTRAL, *scores], dtype=np.float32)


def _department(mentee: int, departments: int, mode: str) -> np.ndarray:
    """Department scores by the mentor's department code plus one (0: none)."""
    if mentee < 0:
        return np.full(departments + 1, NEUTRAL, dtype=np.float32)
    # The programme may prefer mentors from another department, for a view from outside.
    same = [float(code == mentee) for code in range(departments)]
    return np.array([NEUTRAL, *([1 - s for s in same] if mode == "different" else same)], dtype=np.float32)
