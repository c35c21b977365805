"""Benchmark of the pairing engine: scoring every mentee against every mentor, then the optimal, stable and greedy
assignments, against an independent reference optimum. The last line printed is one JSON object.

What is measured
- profiles: mentors and mentees from the demo generator's own questionnaire answers, made as bench/search.py
  makes them (`portal.demo.generator._person`): capacities 1 to 3, about 1 in 100 mentors very popular
  (executives with many strengths and room for 3). Pairing starts now: every mentor's free places are their
  capacity. A tenth of mentees are mentors too (same user id, so the no-self-pair rule bites).
- shortlists: up to 3 mentors per mentee, 40 % of picks among the popular mentors, the rest among the mentee's
  20 best-fitting mentors. Forbidden pairs: about 3 % of mentees declined or ended with one of their 20 best, and
  an admin excluded a few pairs at random.
- "scoring": `score_matrix(directory, mentees, weights)`, the (mentees x mentors) float32 fit matrix (resolving each
  mentee's answers against the directory included). "build": `PairingProblem.build`, which is scoring plus the hard
  rules, room and shortlists. "assign": `solve(problem, objective)` as the portal calls it, building the
  `Assignment` (pairs, unmatched reasons, blocking-pair count) included; "solver" is the objective alone.
  "wall" = build + assign, the time from profiles to pairs, and "cpu" the processor time this process spent on
  the same (on this shared 2-core machine other work stretches wall time, not processor time); scoring, build
  and assign have their processor time too (`scoring_cpu_s`, `build_cpu_s`, `assign_cpu_s`). Each figure is
  the median of REPEATS runs in one process (the first run also pays for fresh memory pages).
- reference: `reference_value(problem)`, scipy's dense `linear_sum_assignment` on the matrix with each mentor
  repeated once per free place, computed once per size in the same run; "ratio" = value / reference value, which
  must read 1.000 for the optimal objective (and matched counts agree). Above REFERENCE_UP_TO mentees the dense
  matrix does not fit in memory (20,000 mentees by 50,000 places is 8 GB of float64): there the optimal answer is
  certified by its own LP duals only, as in every run.
- rounds: how many times the optimal objective ran its solver before the duals certified the answer (one extra
  untimed call of `optimal_in_rounds`, which must give the same pairs). peak_rss_gb: the process's peak resident
  memory from just before the timed build to the end of the optimal assignment (Linux's high-water mark, reset
  first), profiles and directory included.
- value = sum of fit + 0.15 per shortlisted pair made; total = sum of fit. Blocking pairs: allowed pairs who would
  both rather have each other (mentees by value, mentors by fit). Capacity violations: mentors given more mentees
  than free places, counted from the pairs (must be 0).
"""
from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from matching import FitWeights, MenteeProfile, MentorDirectory, MentorProfile
from matching import optimal as optimal_pairing
from matching.assignment import PairingProblem, solve
from matching.scores import score_matrix

# bench/ itself is on the path (it holds this script): the profiles come from bench/search.py.
from search import REFERENCE, VOCABULARY  # noqa: E402
from search import mentees as generated_mentees  # noqa: E402
from search import mentors as generated_mentors  # noqa: E402

SIZES = ((1_000, 1_250), (5_000, 6_250), (10_000, 12_500), (20_000, 25_000))  # (mentees, mentors)
REFERENCE_UP_TO = 5_000  # mentees: the dense reference above this needs more memory than the machine has
OBJECTIVES = ("optimal", "stable", "greedy")
REPEATS = 3
WEIGHTS = FitWeights(department=1.0, department_mode="different")
BOTH_SHARE = 0.1  # mentees who are mentors too
SHORTLIST_POPULAR = 0.4  # share of shortlist picks among the popular mentors
TARGET_SECONDS = {5_000: 2.0, 20_000: 15.0}  # mentees: scoring + optimal assignment
TARGET_PEAK_GB = 4.0  # at 20,000 mentees
CHOICE_ROWS = 1_000  # mentees scored at a time to pick shortlists (the whole matrix at once would double memory)


def people(mentees: int, mentors: int, seed: int) -> tuple[list[MenteeProfile], list[MentorProfile], list[int]]:
    """(mentees, mentors, popular mentor ids): bench/search.py's generated profiles, pairing starting now."""
    pool = [replace(m, matched=0, pending=0) for m in generated_mentors(mentors, seed)]
    # bench/search.py numbers mentors from 1000 in the order made, the popular ones first.
    popular = list(range(1000, 1000 + max(3, mentors // 100)))
    rng = random.Random(seed)
    both = rng.sample([m.id for m in pool], round(mentees * BOTH_SHARE))
    looking = [replace(m, id=both[n] if n < len(both) else 100_000 + n)
               for n, m in enumerate(generated_mentees(mentees, seed + 1))]
    rng.shuffle(looking)
    return looking, pool, popular


def choices(directory: MentorDirectory, looking: list[MenteeProfile], popular: list[int],
            seed: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(shortlisted pairs, forbidden pairs), from each mentee's best-fitting mentors and the popular ones."""
    rng = random.Random(seed)
    best = np.concatenate([np.argpartition(-score_matrix(directory, looking[start:start + CHOICE_ROWS], WEIGHTS), 20,
                                           axis=1)[:, :20] for start in range(0, len(looking), CHOICE_ROWS)])
    ids = [m.id for m in directory.mentors]
    shortlists, forbidden = [], []
    for row, mentee in enumerate(looking):
        picks = {rng.choice(popular) if rng.random() < SHORTLIST_POPULAR else ids[rng.choice(best[row])]
                 for _ in range(rng.randint(0, 3))}
        shortlists += [(mentee.id, mentor) for mentor in picks]
        if rng.random() < 0.03:
            forbidden.append((mentee.id, ids[rng.choice(best[row])]))
    forbidden += [(rng.choice(looking).id, rng.choice(ids)) for _ in range(len(looking) // 50)]
    return shortlists, forbidden


def violations(problem: PairingProblem, assignment) -> int:
    """Mentors given more mentees than free places, counted from the pairs alone."""
    column_of = {m: c for c, m in enumerate(problem.mentor_ids)}
    load = Counter(column_of[pair.mentor_id] for pair in assignment.pairs)
    return sum(int(count > problem.room[column]) for column, count in load.items())


def reset_peak_memory() -> None:
    """Start Linux's count of the process's peak resident memory again from what it holds now."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # not Linux, or not allowed: the peak then covers the whole run so far


def peak_memory_gb() -> float | None:
    """The process's peak resident memory since the last reset, in GB (None where Linux does not tell)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024 ** 2
    return None


def bench_size(mentees: int, mentors: int) -> dict:
    started = time.perf_counter()
    looking, pool, popular = people(mentees, mentors, seed=mentees)
    directory = MentorDirectory.build(pool, VOCABULARY, reference=REFERENCE)
    shortlists, forbidden = choices(directory, looking, popular, seed=mentees)
    room = {m.id: m.capacity for m in directory.mentors}
    print(f"{mentees:,} mentees x {mentors:,} mentors: {sum(room.values()):,} places, {len(popular)} popular "
          f"mentors, {len(shortlists):,} shortlisted and {len(forbidden):,} forbidden pairs "
          f"(set up in {time.perf_counter() - started:.1f} s)")
    scoring, scoring_cpu, builds, build_cpu, peaks = [], [], [], [], []
    runs = {objective: [] for objective in OBJECTIVES}  # (wall, cpu, assignment) per run
    problem = None
    for _ in range(REPEATS):
        # The last run's problem must not add to this one's memory, nor make scoring wait for fresh pages.
        problem = None
        began, cpu = time.perf_counter(), time.process_time()
        score_matrix(directory, looking, WEIGHTS)
        scoring.append(time.perf_counter() - began)
        scoring_cpu.append(time.process_time() - cpu)
        reset_peak_memory()
        began, cpu = time.perf_counter(), time.process_time()
        problem = PairingProblem.build(directory, looking, weights=WEIGHTS, room=room, forbidden=forbidden,
                                       favourites=shortlists)
        builds.append(time.perf_counter() - began)
        build_cpu.append(time.process_time() - cpu)
        for objective in OBJECTIVES:
            began, cpu = time.perf_counter(), time.process_time()
            assignment = solve(problem, objective)
            runs[objective].append((time.perf_counter() - began, time.process_time() - cpu, assignment))
            if objective == "optimal":
                peaks.append(peak_memory_gb())
    mate, rounds = optimal_pairing.optimal_in_rounds(problem)
    same_as_solve = sorted((problem.mentee_ids[row], problem.mentor_ids[mate[row]])
                           for row in np.flatnonzero(mate >= 0).tolist()) == [
        (pair.mentee_id, pair.mentor_id) for pair in runs["optimal"][0][2].pairs]
    reference_count, reference, reference_seconds = None, None, None
    if mentees <= REFERENCE_UP_TO:
        began = time.perf_counter()
        reference_count, reference = optimal_pairing.reference(problem)
        reference_seconds = time.perf_counter() - began
    figures = {
        "mentees": mentees, "mentors": mentors, "places": sum(room.values()), "popular_mentors": len(popular),
        "shortlisted_pairs": len(shortlists), "forbidden_pairs": len(forbidden),
        "allowed_share": round(float(problem.acceptable.mean()), 4),
        "scoring_s": round(statistics.median(scoring), 3), "scoring_cpu_s": round(statistics.median(scoring_cpu), 3),
        "build_s": round(statistics.median(builds), 3), "build_cpu_s": round(statistics.median(build_cpu), 3),
        "optimal_rounds": rounds, "rounds_same_pairs": same_as_solve,
        "peak_rss_gb": round(statistics.median(peaks), 2) if all(peaks) else None,
        "reference_value": None if reference is None else round(reference, 4), "reference_matched": reference_count,
        "reference_s": None if reference_seconds is None else round(reference_seconds, 2), "objectives": {},
    }
    peak = "unknown" if figures["peak_rss_gb"] is None else f"{figures['peak_rss_gb']:.2f} GB"
    print(f"    scoring {figures['scoring_s']:.3f} s (cpu {figures['scoring_cpu_s']:.3f} s), build (scoring + rules + "
          f"shortlists) {figures['build_s']:.3f} s (cpu {figures['build_cpu_s']:.3f} s); "
          f"optimal solved in {rounds} round{'s' if rounds != 1 else ''}"
          f"{'' if same_as_solve else ' (PAIRS DIFFER FROM solve)'}, peak memory {peak}; "
          + (f"reference optimum {reference:.4f} with {reference_count:,} matched "
             f"(dense linear_sum_assignment, {reference_seconds:.1f} s)" if reference is not None
             else "no dense reference at this size (certified by the duals)"))
    for objective in OBJECTIVES:
        assignments = [assignment for *_, assignment in runs[objective]]
        first = assignments[0]
        same = all(a.pairs == first.pairs for a in assignments)
        figures["objectives"][objective] = row = {
            "wall_s": round(statistics.median(build + spent for build, (spent, _, _) in zip(builds, runs[objective])),
                            3),
            "cpu_s": round(statistics.median(build + spent for build, (_, spent, _) in zip(build_cpu, runs[objective])),
                           3),
            "assign_s": round(statistics.median(spent for spent, *_ in runs[objective]), 3),
            "assign_cpu_s": round(statistics.median(spent for _, spent, _ in runs[objective]), 3),
            "solver_s": round(statistics.median(a.seconds for a in assignments), 3),
            "total": round(first.total, 4),
            "value": round(first.value, 4),
            "ratio": round(first.value / reference, 6) if reference else None,
            "matched": len(first.pairs),
            "matched_fraction": round(first.matched_fraction, 4),
            "unmatched": dict(Counter(first.unmatched.values())),
            "favourites": first.favourites,
            "blocking_pairs": first.blocking_pairs,
            "capacity_violations": max(violations(problem, a) for a in assignments),
            "same_pairs_every_run": same,
        }
        print(f"    {objective:<8} wall {row['wall_s']:.3f} s, cpu {row['cpu_s']:.3f} s (assign "
              f"{row['assign_s']:.3f} s, cpu {row['assign_cpu_s']:.3f} s, solver {row['solver_s']:.3f} s); "
              f"total {row['total']:.2f}, "
              f"value {row['value']:.2f}, ratio "
              f"{'-' if not reference else format(first.value / reference, '.3f')}; "
              f"matched {row['matched_fraction']:.1%}, "
              f"favourites {row['favourites']:,}, blocking pairs {row['blocking_pairs']:,}, "
              f"capacity violations {row['capacity_violations']}"
              f"{'' if same else ', PAIRS DIFFER BETWEEN RUNS'}")
    return figures


def main() -> None:
    # Sizes to run, by number of mentees (`bench/matching.py 10000 20000`); all of SIZES by default.
    wanted = {int(arg) for arg in sys.argv[1:]} or {mentees for mentees, _ in SIZES}
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    results = {"weights": WEIGHTS.__dict__, "repeats": REPEATS, "sizes": {}}
    for mentees, mentors in (size for size in SIZES if size[0] in wanted):
        results["sizes"][f"{mentees}x{mentors}"] = bench_size(mentees, mentors)
    by_mentees = {s["mentees"]: s for s in results["sizes"].values()}
    largest = by_mentees[max(by_mentees)]
    results["targets_met"] = {
        **{f"optimal_{kind}_under_{limit:g}s_at_{mentees}": by_mentees[mentees]["objectives"]["optimal"][kind] < limit
           for mentees, limit in TARGET_SECONDS.items() if mentees in by_mentees for kind in ("wall_s", "cpu_s")},
        f"peak_memory_under_{TARGET_PEAK_GB:g}gb_at_{largest['mentees']}":
            largest["peak_rss_gb"] is not None and largest["peak_rss_gb"] < TARGET_PEAK_GB,
        "optimal_ratio_is_1": all(abs(s["objectives"]["optimal"]["ratio"] - 1) < 1e-9
                                  and s["objectives"]["optimal"]["matched"] == s["reference_matched"]
                                  for s in results["sizes"].values() if s["reference_value"] is not None),
        "optimal_in_one_round": all(s["optimal_rounds"] == 1 and s["rounds_same_pairs"]
                                    for s in results["sizes"].values()),
        "no_capacity_violations": all(o["capacity_violations"] == 0 for s in results["sizes"].values()
                                      for o in s["objectives"].values()),
        "stable_has_no_blocking_pairs": all(s["objectives"]["stable"]["blocking_pairs"] == 0
                                            for s in results["sizes"].values()),
    }
    results["total_s"] = round(time.perf_counter() - started, 1)
    # Other processes on this shared 2-core machine slow everything down; the load says how busy it was.
    results["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(f"finished in {results['total_s']} s; load average {load_before:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after (2 cores); targets met: "
          f"{', '.join(f'{k}={v}' for k, v in results['targets_met'].items())}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
