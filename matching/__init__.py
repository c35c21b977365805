"""Mentor search and matching: plain data in, plain data out (no Flask, no database)."""
from matching.directory import MentorDirectory
from matching.explanation import Explanation
from matching.profiles import FitWeights, MenteeProfile, MentorProfile, Vocabulary
from matching.results import RankedMentor, Ranking
from matching.search import SearchHits, TermMatch

__all__ = [
    "Explanation",
    "FitWeights",
    "MenteeProfile",
    "MentorDirectory",
    "MentorProfile",
    "RankedMentor",
    "Ranking",
    "SearchHits",
    "TermMatch",
    "Vocabulary",
]
