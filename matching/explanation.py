"""Why one mentee and mentor fit as they do: the score pairing uses, the reasons and the parts that make it."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matching.fit import COMPONENTS, FitScorer

LABELS = {"skills": "Skills to grow", "goals": "Goals", "hours": "Working hours", "location": "How to meet",
          "seniority": "Seniority", "department": "Department"}


@dataclass
class Explanation:
    """One pair's fit, the reasons shown for it and the weighted components that make it, largest first."""

    score: float  # as in the pairing matrix (matching.scores)
    reasons: list[str] = field(default_factory=list)  # as on the mentor's profile page
    terms: list[tuple[str, float]] = field(default_factory=list)  # (label, share x component), nonzero; sum = score


def explanation(scorer: FitScorer, position: int, reasons: list[str]) -> Explanation:
    """The fit of the mentor at `position` for the scorer's mentee, with its weighted components."""
    at = np.array([position], dtype=np.intp)
    values = scorer.components(at)
    terms = [(LABELS[name], scorer.share[name] * float(values[name][0])) for name in COMPONENTS]
    # Ties keep the order of COMPONENTS: skills before goals before hours.
    terms = sorted((term for term in terms if term[1] > 0), key=lambda term: -term[1])
    return Explanation(score=float(scorer.fit(at)[0]), reasons=reasons, terms=terms)
