"""Why a mentor fits the mentee: short sentences for cards, best first, and what the two have in common."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from matching import text
from matching.columns import EITHER, IN_PERSON, VIRTUAL, MentorColumns
from matching.fit import COMPONENTS, FitScorer
from matching.profiles import MentorProfile

MIN_SHARED_MINUTES = 60  # less than an hour in common is not worth mentioning
STEPS = {1: "One step", 2: "Two steps", 3: "Three steps"}
_ORDER = {name: number for number, name in enumerate(COMPONENTS)}  # ties between reasons go in this order


@dataclass(frozen=True)
class Facts:
    """What one mentor has of what the mentee looks for, and the fit components it makes."""

    skills: list[str]  # grow skills the mentor mentors on
    named: list[str]  # skills the goals name that the mentor mentors on
    words: list[str]  # distinctive goal words in what the mentor can advise on
    minutes: int | None  # shared working minutes, None if unknown
    location: int  # the mentor's location code
    same_department: bool
    values: dict[str, float]  # each fit component, as FitScorer.components gives it


def facts(scorer: FitScorer, columns: MentorColumns, positions: np.ndarray, held: list[set[int]]) -> list[Facts]:
    """Facts for a page of mentors at `positions`, given the entries each is in (TermIndex.held_by)."""
    needs = scorer.needs
    windows, profiles = columns.window.take(positions), columns.profile.take(positions)
    minutes = scorer.window_minutes.take(windows).tolist()
    tables = {name: table.take(profiles).tolist() for name, table in scorer.by_profile.items()}
    tables["hours"] = scorer.by_window.take(windows).tolist()
    locations = columns.location.take(positions).tolist()
    departments = columns.department.take(positions).tolist()
    result = []
    for i, entries in enumerate(held):
        skills = [name for name, entry in needs.grow if entry in entries]
        named = [name for name, entry in needs.goal_skills if entry in entries]
        words = [(word, weight) for word, entry, weight in needs.goal_words if entry in entries]
        result.append(Facts(
            skills=skills,
            named=named,
            words=[word for word, _ in words],
            minutes=minutes[i] if minutes[i] >= 0 else None,
            location=locations[i],
            same_department=needs.department >= 0 and departments[i] == needs.department,
            values={
                "skills": scorer.for_skills(len(skills)),
                "goals": scorer.for_goals(len(named), sum(weight for _, weight in words)),
                **{name: values[i] for name, values in tables.items()},
            },
        ))
    return result


@dataclass(frozen=True)
class Voice:
    """How reasons name the mentee: "you" for the mentee reading them, their name for an admin."""

    wants: str = "You want"
    goals: str = "Your goals"
    their_goals: str = "your goals"
    them: str = "you"

    @classmethod
    def about(cls, mentee_first_name: str) -> Voice:
        return cls(f"{mentee_first_name} wants", f"{mentee_first_name}’s goals", f"{mentee_first_name}’s goals",
                   mentee_first_name)


TO_MENTEE = Voice()


def explain(scorer: FitScorer, mentor: MentorProfile, facts: Facts,
            voice: Voice = TO_MENTEE) -> tuple[list[str], list[str]]:
    """(reasons best first, what mentee and mentor have in common) for one mentor."""
    needs, first = scorer.needs, mentor.first_name
    found: list[tuple[str, str]] = []
    if facts.skills:
        sentence = f"{voice.wants} to grow {join_names(facts.skills)}; {first} mentors on {_pronoun(len(facts.skills))}"
        found.append(("skills", sentence))
    if facts.named:
        sentence = f"{voice.goals} mention {join_names(facts.named)}; {first} mentors on {_pronoun(len(facts.named))}"
        found.append(("goals", sentence))
    elif facts.words:
        # A list of matched words ("engineer, step") reads as gibberish: quote the mentor's own sentence instead,
        # or say nothing.
        told = told_in(mentor.advises_on, facts.words)
        if told:
            found.append(("goals", f"{first}’s experience, close to {voice.their_goals}: “{told}”"))
    if facts.minutes and facts.minutes >= MIN_SHARED_MINUTES:
        found.append(("hours", f"{_hours(facts.minutes)} of shared working hours"))
    location = _location(needs.location, facts.location, first)
    if location:
        found.append(("location", location))
    if needs.seniority >= 0 and mentor.seniority is not None and mentor.seniority - needs.seniority in STEPS:
        found.append(("seniority", f"{STEPS[mentor.seniority - needs.seniority]} ahead of {voice.them} in seniority"))
    if scorer.mode == "same" and facts.same_department:
        found.append(("department", f"Also in {mentor.department}"))
    elif scorer.mode == "different" and mentor.department and not facts.same_department:
        found.append(("department", f"Brings a view from {mentor.department}"))
    # Best first: what each part adds to this mentor's fit.
    weighed = [(scorer.weights[name] * facts.values[name], _ORDER[name], sentence) for name, sentence in found]
    reasons = [sentence for weight, _, sentence in sorted(weighed, key=lambda r: (-r[0], r[1])) if weight > 0]
    common = facts.skills + facts.named
    if facts.same_department:
        common.append(mentor.department)
    if needs.location in (VIRTUAL, IN_PERSON) and facts.location == needs.location:
        common.append("Virtual meetings" if needs.location == VIRTUAL else "Meeting in person")
    if mentor.timezone == needs.mentee.timezone:
        common.append(f"Time zone {mentor.timezone}")
    return reasons, common


QUOTE_LIMIT = 110  # characters of the mentor's sentence quoted on a card
_SENTENCES = re.compile(r"[^.;!?\n]+")


def told_in(story: str, words: list[str]) -> str | None:
    """The sentence of the mentor's story that holds most of the matched goal words, as they wrote it; None when no
    sentence of three words or more holds one."""
    wanted = set(words)
    best, best_count = None, 0
    for sentence, said in _sentences(story or ""):
        count = len(said & wanted)
        if count > best_count:
            best, best_count = sentence, count
    if best is None:
        return None
    if len(best) > QUOTE_LIMIT:
        best = best[:QUOTE_LIMIT].rsplit(" ", 1)[0].rstrip(" ,:;-–") + "…"
    return best[0].upper() + best[1:]


@lru_cache(maxsize=1024)  # the stories of the mentors searches show most (a few MB at most per worker)
def _sentences(story: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The story's sentences of three words or more, tidied, each with its significant words."""
    tidied = (" ".join(sentence.split()).strip(" ,:-–") for sentence in _SENTENCES.findall(story))
    return tuple((sentence, frozenset(text.story_words(sentence))) for sentence in tidied
                 if len(sentence.split()) >= 3)


def join_names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _location(mentee: int, mentor: int, first: str) -> str:
    if mentee == mentor == VIRTUAL:
        return "Both prefer virtual meetings"
    if mentee == mentor == IN_PERSON:
        return "Both prefer meeting in person"
    if mentor == EITHER and mentee in (VIRTUAL, IN_PERSON):
        return f"{first} is happy to meet {'virtually' if mentee == VIRTUAL else 'in person'}"
    return ""


def _pronoun(count: int) -> str:
    return "it" if count == 1 else "both" if count == 2 else "all of them"


def _hours(minutes: int) -> str:
    return f"{round(minutes / 30) / 2:g} h"  # to the half hour
