"""The fast paths choose exactly what scoring every mentor and sorting would: pruning never changes a page."""
from __future__ import annotations

import random

import numpy as np

from matching import FitWeights, MenteeProfile, selection
from matching.selection import RELEVANCE_FLOOR, kth_largest
from tests.matching.conftest import mentor

SKILLS = ["Python", "Coaching", "Leadership", "Giving feedback", "Public speaking", "Stakeholder management",
          "People management", "Change management"]
ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Asia/Tokyo", "Europe/Berlin"]


def crowd(count: int, seed: int):
    rng = random.Random(seed)
    return [
        mentor(n, f"Person {n % 37}", skills=tuple(rng.sample(SKILLS, rng.randint(1, 4))), seniority=rng.randrange(7),
               location=rng.choice(["Virtual", "In person", "Either", ""]), timezone=rng.choice(ZONES),
               title=rng.choice(["Engineer", "Senior Engineer", "Team Lead", "Director"]),
               department=rng.choice(["Engineering", "Sales", "Product"]),
               advises_on=rng.choice(["Led a reorganisation.", "Moved into management.", "Built a sales team.", ""]),
               capacity=rng.randint(1, 3), matched=rng.randint(0, 3), pending=rng.randint(0, 1))
        for n in range(1, count + 1)
    ]


def expected_order(directory, mentee, query, weights):
    """Score every hit the slow way and sort by (full, score, room, id)."""
    hits = directory.search(query)
    positions = hits.positions
    scorer = directory._scorer(mentee, weights)
    fit = scorer.fit(positions)
    columns = directory.columns
    score = hits.relevance * (RELEVANCE_FLOOR + (1 - RELEVANCE_FLOOR) * fit) if query.strip() else fit
    score = np.where(columns.popular[positions], score * np.float32(0.9), score).astype(np.float32)
    steps = ((1 - score) * ((1 << 24) - 1) + 0.5).astype(np.int64)
    keys = sorted(zip(columns.full[positions].tolist(), steps.tolist(), (-columns.room[positions]).tolist(),
                      [directory.mentors[p].id for p in positions]))
    return [key[3] for key in keys]


def test_pruned_ranking_equals_full_scoring(build, monkeypatch):
    # Prune and sample from small sizes on, so every shortcut is taken.
    monkeypatch.setattr(selection, "SCORE_ALL_UP_TO", 16)
    monkeypatch.setattr(selection, "_SAMPLE_FROM", 4)
    directory = build(crowd(3000, seed=5))
    rng = random.Random(9)
    weights = FitWeights()
    for query in ["leadership", "coaching", "managment", "senior", "python team", "reorganisation", "sales team",
                  "people mgmt", ""]:
        looking = MenteeProfile(id=1, name="A", grow=tuple(rng.sample(SKILLS, 2)), seniority=rng.randrange(5),
                                location="Virtual", timezone=rng.choice(ZONES), hours=(540, 1020),
                                goals="Lead a reorganisation of the sales team.")
        got = [r.id for r in directory.rank(looking, query=query, limit=25).results]
        assert got == expected_order(directory, looking, query, weights)[:25], query


def test_admin_order_equals_sorting_by_relevance_then_room(build, monkeypatch):
    monkeypatch.setattr(selection, "_SAMPLE_FROM", 4)
    directory = build(crowd(3000, seed=6))
    for query in ["leadership", "senior python", "dirctor"]:
        hits = directory.search(query)
        room = directory.columns.room[hits.positions]
        steps = ((1 - hits.relevance) * ((1 << 24) - 1) + 0.5).astype(np.int64)
        keys = sorted(zip(steps.tolist(), (-np.minimum(room, 7)).tolist(), hits.positions.tolist()))
        expected = [directory.mentors[key[2]].id for key in keys[:15]]
        assert [r.id for r in directory.rank(None, query=query, limit=15).results] == expected


def test_kth_largest(monkeypatch):
    monkeypatch.setattr(selection, "_SAMPLE_FROM", 4)
    rng = np.random.default_rng(2)
    for size in (0, 1, 5, 50, 5000, 60000):
        values = rng.random(size).astype(np.float32)
        values[: size // 3] = 0.5  # many ties
        for count in (1, 10, 25):
            expected = float(np.sort(values)[::-1][min(count, size) - 1]) if size else 0.0
            assert kth_largest(values, count) == expected
