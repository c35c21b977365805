"""The plain data the portal hands to matching: mentor and mentee profiles, the skill vocabulary, fit weights."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from operator import attrgetter


@dataclass(frozen=True, slots=True)
class MentorProfile:
    """A mentor as the directory sees them; `id` is the portal's user id."""

    id: int
    name: str
    title: str = ""
    department: str = ""
    seniority: int | None = None  # index in the seniority ladder, None if unknown
    skills: tuple[str, ...] = ()  # strengths: canonical vocabulary names or free entries
    advises_on: str = ""  # goals achieved they can advise on (free text)
    location: str = ""  # "Virtual", "In person", "Either" or ""
    timezone: str = "UTC"
    hours: tuple[int, int] | None = None  # local working minutes from midnight (start, end)
    capacity: int = 1
    matched: int = 0  # active matches
    pending: int = 0  # pending requests

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else "This mentor"

    def __reduce__(self):
        # Every web worker reads the shared index (thousands of these) after each change. Made again through __init__,
        # a profile loads several times quicker than through dataclasses' pickling of a frozen slots class, which
        # looks up the fields for every object.
        return MentorProfile, _mentor_values(self)


_mentor_values = attrgetter(*(f.name for f in fields(MentorProfile)))


@dataclass(frozen=True)
class MenteeProfile:
    """The mentee who is looking: what they want to grow, their goals and when and how they can meet."""

    id: int
    name: str
    department: str = ""
    seniority: int | None = None
    grow: tuple[str, ...] = ()
    goals: str = ""  # six-month and longer-term goals, as one text
    location: str = ""
    timezone: str = "UTC"
    hours: tuple[int, int] | None = None


@dataclass(frozen=True)
class Vocabulary:
    """The skill vocabulary: lower-case name or alias -> canonical skill name."""

    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> Vocabulary:
        """From (name or alias, canonical name) pairs; every canonical name also maps to itself."""
        names: dict[str, str] = {}
        for alias, canonical in pairs:
            names.setdefault(canonical.lower(), canonical)
            names.setdefault(alias.lower(), canonical)
        return cls(names)

    @classmethod
    def from_catalogue(cls, catalogue: Mapping[str, tuple[str, Iterable[str]]]) -> Vocabulary:
        """From the portal's shape, canonical name -> (category, aliases), e.g. portal.skills.DEFAULT_VOCABULARY."""
        return cls.from_pairs((alias, name) for name, (_, aliases) in catalogue.items() for alias in [name, *aliases])

    def canonical(self, entry: str) -> str:
        """The canonical name for what someone typed, or the entry tidied if the vocabulary does not know it."""
        text = " ".join(entry.split())
        return self.names.get(text.lower(), text)


@dataclass(frozen=True)
class FitWeights:
    """How much each part of the fit counts, from the admin's per-question matching weights."""

    skills: float = 3.0
    goals: float = 2.0
    hours: float = 1.0
    location: float = 1.0
    seniority: float = 0.5
    department: float = 0.0
    department_mode: str = "ignore"  # "same", "different" or "ignore"
