"""The surveys' default questions and the words used for each kind of survey."""
from __future__ import annotations

import copy

KINDS = ("midpoint", "end")
LABELS = {"midpoint": "Mid-point survey", "end": "End-of-programme survey"}
QUESTION_KINDS = {"text": "Written answer", "rating": "Rating from 1 to 5"}

# The overall rating is the one answer every report and follow-up relies on, so it always stays.
OVERALL = "overall"

QUESTIONS = [
    {"key": "relationship", "text": "How is your mentoring relationship developing?", "kind": "text"},
    {"key": "goals", "text": "Are you reaching the goals you set at the start?", "kind": "text"},
    {"key": "expectations", "text": "Is this what you expected?", "kind": "text"},
    {"key": "improve", "text": "What would make the programme better?", "kind": "text"},
    {"key": OVERALL, "text": "Overall, how would you rate the programme? (1 = poor, 5 = excellent)", "kind": "rating"},
]


def questions() -> list[dict]:
    """A fresh copy of the default questions, safe to change."""
    return copy.deepcopy(QUESTIONS)
