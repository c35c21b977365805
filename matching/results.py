"""What the directory hands back: ranked mentors with their reasons, and pages of them."""
from __future__ import annotations

from dataclasses import dataclass, field

from matching.profiles import MentorProfile


@dataclass(slots=True)
class RankedMentor:
    """A mentor as a card or profile page shows them: score, reasons best first, and their room."""

    mentor: MentorProfile
    score: float  # what the ranking sorted by, in [0, 1]
    reasons: list[str] = field(default_factory=list)  # short sentences, best first
    common: list[str] = field(default_factory=list)  # shared skills and preferences, for the profile page
    room: int = 0  # capacity minus active matches
    full: bool = False
    popular: bool = False  # not full, but pending requests already fill the free places
    matched_terms: list[str] = field(default_factory=list)  # what the search query hit on this mentor
    relevance: float = 0.0  # how well the search query matched, 0 without a query
    fit: float | None = None  # fit for the mentee who is looking, None without one
    shared_minutes: int | None = None  # working minutes in common with the mentee, None if unknown

    @property
    def id(self) -> int:
        return self.mentor.id


@dataclass(slots=True)
class Ranking:
    """One page of results and how many mentors matched in all."""

    total: int
    results: list[RankedMentor]
    query: str = ""
    offset: int = 0
