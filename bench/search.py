"""Benchmark of the mentor search: latency of the search core against a naive rapidfuzz baseline, recall@10 on
misspelled queries, and the /mentors?q= fragment through Flask. The last line printed is one JSON object.

What is measured
- "core": one `MentorDirectory.rank(mentee, query=q, limit=10)` call: the fuzzy search (query words against the
  term dictionary with rapidfuzz, postings to relevance with numpy), fit scoring of the candidates for that mentee,
  choosing the top 10 and building their result cards with reasons. Each query is timed REPEATS times, each time
  for a mentee seen for the first time (so nothing about them is cached), and its latency is the median of those
  runs: other processes on this shared 2-core machine otherwise put their pauses into the tail. p50 and p95 are
  over the queries. "search" alone (`MentorDirectory.search`) is reported the same way.
- "baseline": `rapidfuzz.process.extract(q, profile_strings, limit=10)` (default scorer WRatio) over one string per
  mentor (name, title, department, skills and what they can advise on). It takes seconds per query at 100,000
  mentors, so it runs on an evenly spread sample of the queries at the larger sizes (counts are printed).
- recall@10 on misspelled queries: for a misspelled skill, a result is relevant if the mentor has that skill; for a
  misspelled title, if the mentor has that title; for a misspelled name, if the mentor's name has that word.
  recall@10 = relevant results in the top 10 / min(10, number of relevant mentors), averaged over the queries. Ours
  is measured on the search order (`rank(None, query=q, limit=10)`, as the baseline knows no mentee) and, as
  `recall_at_10_with_mentee`, on the timed core results (where fit for the mentee reorders the matches).
- queries: 240 per size from the directory's own skills, aliases, titles, names, departments and story words; a
  third misspelled by a transposition, a dropped letter or an abbreviation ("mgmt"), short words included ("jva"
  for "java", "slq" for "sql"). A typo that makes another
  real word, or lands at least as close to another word as to the one meant ("santso": Santos or Santoso?), is
  not used: it is another query, not a recoverable typo.
"""
from __future__ import annotations

import json
import math
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz, process

from matching import (
    MenteeProfile,
    MentorDirectory,
    MentorProfile,
    Vocabulary,
    text,
)
from matching.index import TermIndex
from portal.demo import generator
from portal.questionnaire.defaults import SENIORITY
from portal.skills import DEFAULT_VOCABULARY

SIZES = (1_000, 10_000, 100_000)
QUERIES = 240  # per size, a third misspelled
REPEATS = 3  # timings per query, of which the median counts
BASELINE_QUERIES = {1_000: 240, 10_000: 60, 100_000: 24}
FRAGMENT_MENTORS = 10_000
FRAGMENT_QUERIES = 40
FRAGMENT_TIME_BUDGET = 90  # seconds of fragment requests at most
REFERENCE = datetime(2025, 1, 15, 12, tzinfo=UTC)  # winter: London and New York 5 h apart
VOCABULARY = Vocabulary.from_catalogue(DEFAULT_VOCABULARY)
# Abbreviations people type; the misspelled queries use them where the term has the word.
ABBREVIATIONS = {"management": "mgmt", "manager": "mgr", "marketing": "mktg", "department": "dept",
                 "engineering": "eng", "senior": "snr", "development": "dev"}


# Profiles ----------------------------------------------------------------------------------------------------------


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def mentors(count: int, seed: int) -> list[MentorProfile]:
    """Mentors made by the demo generator's own profile code, without a database."""
    rng = random.Random(seed)
    popular = max(3, count // 100)
    result = []
    for number in range(count):
        person = generator._person(rng, ("mentor",), popular=number < popular)
        answers = person.answers
        capacity = int(answers["capacity"])
        # Part-way through pairing: some mentors full, a few with requests waiting for every free place.
        matched = min(capacity, rng.choice((0, 0, 0, 0, 0, 1, 1, 2, 3)))
        pending = rng.choice((0, 0, 0, 0, 0, 0, 1, 2))
        result.append(MentorProfile(
            id=1000 + number,
            name=person.name,
            title=answers["role_title"],
            department=answers["department"],
            seniority=SENIORITY.index(answers["seniority"]) if "seniority" in answers else None,
            skills=tuple(VOCABULARY.canonical(skill) for skill in answers["strengths"]),
            advises_on=answers["goals_achieved"],
            location=answers["location"],
            timezone=person.timezone,
            hours=(_minutes(answers["working_hours"]["start"]), _minutes(answers["working_hours"]["end"])),
            capacity=capacity,
            matched=matched,
            pending=pending,
        ))
    rng.shuffle(result)  # popular mentors anywhere in the list
    return result


def mentees(count: int, seed: int) -> list[MenteeProfile]:
    """Mentees from the demo generator: what they want to grow, goals, hours and preferences."""
    rng = random.Random(seed)
    result = []
    for number in range(count):
        person = generator._person(rng, ("mentee",))
        answers = person.answers
        result.append(MenteeProfile(
            id=number + 1,
            name=person.name,
            department=answers["department"],
            seniority=SENIORITY.index(answers["seniority"]) if "seniority" in answers else None,
            grow=tuple(VOCABULARY.canonical(skill) for skill in answers["grow"]),
            goals=" ".join(answers.get(key, "") for key in ("goals_6m", "goals_long")),
            location=answers["location"],
            timezone=person.timezone,
            hours=(_minutes(answers["working_hours"]["start"]), _minutes(answers["working_hours"]["end"])),
        ))
    return result


def profile_string(mentor: MentorProfile) -> str:
    """Everything searchable about a mentor as one string, for the baseline."""
    return " ".join([mentor.name, mentor.title, mentor.department, ", ".join(mentor.skills), mentor.advises_on])


# Queries -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    text: str
    kind: str  # skill, alias, prefix, title, name, department, story, combined
    misspelled: bool = False
    target: str = ""  # what a misspelled query means: a canonical skill, a title or a name word


def misspell(term: str, rng: random.Random, known: list[str], known_set: set[str]) -> str | None:
    """The term with one word transposed, shortened by a letter or abbreviated; None if no safe misspelling.

    `known` are the dictionary's words (and `known_set` the same as a set).
    """
    words = term.split()
    for _ in range(20):
        at = rng.randrange(len(words))
        word = words[at]
        folded = text.fold(word)
        operations = ["transpose", "drop"] + (["abbreviate"] * 2 if folded in ABBREVIATIONS else [])
        operation = rng.choice(operations)
        if operation == "abbreviate":
            changed = ABBREVIATIONS[folded]
        elif not word.isalpha() or len(word) < (3 if operation == "transpose" else 4):
            continue  # short words too ("jva", "slq"): a typo leaving fewer than three letters is not recoverable
        elif operation == "transpose":
            i = rng.randrange(1, len(word) - 1)
            if word[i] == word[i + 1]:
                continue
            changed = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        else:
            i = rng.randrange(1, len(word))
            changed = word[:i] + word[i + 1:]
        # A "misspelling" that is a real word ("Le" from "Lee"), or at least as close to another real word as to
        # the one meant ("santso": Santos or Santoso?), would be another query, not a recoverable typo.
        typed = text.fold(changed)
        if typed in known_set or changed == word:
            continue
        if operation != "abbreviate":
            meant = fuzz.ratio(typed, folded)
            rivals = process.extract(typed, known, scorer=fuzz.ratio, score_cutoff=meant, limit=3)
            if any(rival != folded for rival, _, _ in rivals):
                continue
        return " ".join(words[:at] + [changed] + words[at + 1:]).lower()
    return None


def make_queries(directory: MentorDirectory, count: int, seed: int) -> list[Query]:
    """Realistic queries from the directory's own terms, a third of them misspelled, in a fixed shuffled order."""
    rng = random.Random(seed)
    people = directory.mentors
    held = sorted({skill for m in people for skill in m.skills if skill in DEFAULT_VOCABULARY})
    aliases = sorted(alias for alias, name in VOCABULARY.names.items() if name in held and alias != name.lower())
    titles = sorted({m.title for m in people})
    firsts = sorted({m.name.split()[0] for m in people})
    lasts = sorted({m.name.split()[-1] for m in people if len(m.name.split()[-1]) >= 4})
    departments = sorted({m.department for m in people})
    story = sorted({w for m in people[:500] for w in text.story_words(m.advises_on) if len(w) >= 7})
    known = directory.index.dictionary.words
    known_set = set(known)
    misspelled_count = count // 3
    plain = count - misspelled_count
    queries = []
    shares = {"skill": 0.25, "alias": 0.12, "prefix": 0.12, "title": 0.12, "name": 0.12, "department": 0.06,
              "story": 0.1, "combined": 0.11}
    for kind, share in shares.items():
        for _ in range(round(plain * share)):
            if kind == "skill":
                queries.append(Query(rng.choice(held).lower(), kind))
            elif kind == "alias":
                queries.append(Query(rng.choice(aliases), kind))
            elif kind == "prefix":
                words = rng.choice([s for s in held if len(s) >= 6]).lower().split()
                last = words[-1][: max(3, len(words[-1]) - rng.randint(2, 4))]
                queries.append(Query(" ".join(words[:-1] + [last]), kind))
            elif kind == "title":
                queries.append(Query(rng.choice(titles).lower(), kind))
            elif kind == "name":
                queries.append(Query(rng.choice([rng.choice(firsts), rng.choice(lasts), rng.choice(people).name]),
                                     kind))
            elif kind == "department":
                queries.append(Query(rng.choice(departments), kind))
            elif kind == "story":
                queries.append(Query(rng.choice(story), kind))
            else:
                title_word = rng.choice(["senior", "head", "director", "lead", "manager", "vp"])
                queries.append(Query(f"{title_word} {rng.choice(held).lower()}", kind))
    while len(queries) < plain:
        queries.append(Query(rng.choice(held).lower(), "skill"))
    queries = queries[:plain]
    # Misspelled: mostly skills (names and aliases), some titles and names.
    plans = [("skill", 0.64), ("title", 0.18), ("name", 0.18)]
    for kind, share in plans:
        made = 0
        while made < round(misspelled_count * share):
            if kind == "skill":
                target = rng.choice(held)
                spelled = rng.choice([target] + [a for a in aliases if VOCABULARY.names[a] == target])
            elif kind == "title":
                target = spelled = rng.choice(titles)
            else:
                target = spelled = rng.choice(lasts)
            typo = misspell(spelled, rng, known, known_set)
            if typo:
                queries.append(Query(typo, kind, misspelled=True, target=target))
                made += 1
    while len(queries) < count:  # rounding of the shares
        target = rng.choice(held)
        typo = misspell(target, rng, known, known_set)
        if typo:
            queries.append(Query(typo, "skill", misspelled=True, target=target))
    rng.shuffle(queries)
    return queries


def relevant(directory: MentorDirectory, query: Query) -> set[int]:
    """Ids of the mentors a misspelled query means."""
    if query.kind == "skill":
        return {m.id for m in directory.mentors if query.target in m.skills}
    if query.kind == "title":
        return {m.id for m in directory.mentors if m.title == query.target}
    word = text.fold(query.target)
    return {m.id for m in directory.mentors if word in text.fold(m.name).split()}


def recall_at_10(found: list[int], wanted: set[int]) -> float:
    return len(set(found[:10]) & wanted) / min(10, len(wanted)) if wanted else 1.0


# Measuring ---------------------------------------------------------------------------------------------------------


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def timed(call, *args, **kwargs) -> tuple[float, object]:
    """(milliseconds taken, result) of one call."""
    started = time.perf_counter()
    result = call(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def sample(queries: list[Query], count: int) -> list[Query]:
    """An evenly spread subset keeping the misspelled share."""
    if count >= len(queries):
        return queries
    typos = [q for q in queries if q.misspelled]
    plain = [q for q in queries if not q.misspelled]
    keep_typos = round(count * len(typos) / len(queries))

    def spread(items, n):
        return [items[round(i * len(items) / n)] for i in range(n)] if n else []

    return spread(typos, keep_typos) + spread(plain, count - keep_typos)


def index_build(mentors: tuple[MentorProfile, ...]) -> tuple[float, float]:
    """Seconds to build the term index (median of 3), and the same for a plain skill index as the reference:
    the same mentors with skills only (no name, title, department or story)."""
    plain = [MentorProfile(id=m.id, name="", skills=m.skills) for m in mentors]
    ours = statistics.median(timed(TermIndex.build, mentors, VOCABULARY)[0] for _ in range(3)) / 1000
    reference = statistics.median(timed(TermIndex.build, plain, VOCABULARY)[0] for _ in range(3)) / 1000
    return ours, reference


def _short_typo(query: Query, known: set[str]) -> bool:
    """Whether a misspelled query has a three-letter typo: no known word, no abbreviation ("jva", "slq")."""
    return any(len(word) == 3 and word not in known and word not in ABBREVIATIONS.values()
               for word in query.text.split())


def bench_size(size: int, pool: list[MentorProfile], lookers: list[MenteeProfile]) -> dict:
    """Core and baseline latency and recall at one directory size."""
    built_ms, directory = timed(MentorDirectory.build, pool[:size], VOCABULARY, reference=REFERENCE)
    queries = make_queries(directory, QUERIES, seed=size)
    warm = make_queries(directory, 20, seed=size + 1)
    for number, query in enumerate(warm):
        directory.rank(lookers[-1 - number], query=query.text, limit=10)
    core, search_only, ours, ours_with_mentee = [], [], [], []
    for number, query in enumerate(queries):
        # Each query REPEATS times, each time for another mentee (nothing cached for them): the median is the
        # query's latency, steady against other processes on the machine taking the CPU for a moment.
        runs = [timed(directory.rank, lookers[number + r * len(queries)], query=query.text, limit=10)
                for r in range(REPEATS)]
        core.append(statistics.median(spent for spent, _ in runs))
        ranking = runs[0][1]
        search_only.append(statistics.median(timed(directory.search, query.text)[0] for _ in range(REPEATS)))
        if query.misspelled:
            wanted = relevant(directory, query)
            ours_with_mentee.append(recall_at_10([r.id for r in ranking.results], wanted))
            by_relevance = directory.rank(None, query=query.text, limit=10)
            ours.append(recall_at_10([r.id for r in by_relevance.results], wanted))
    strings = [profile_string(m) for m in directory.mentors]
    ids = [m.id for m in directory.mentors]
    baseline, theirs = [], []
    chosen = sample(queries, BASELINE_QUERIES[size])
    for query in chosen:
        spent, found = timed(process.extract, query.text, strings, limit=10)
        baseline.append(spent)
        if query.misspelled:
            theirs.append(recall_at_10([ids[index] for _, _, index in found], relevant(directory, query)))
    index_s, skills_only_s = index_build(directory.mentors)
    known = set(directory.index.dictionary.words)
    short = [recall for query, recall in zip([q for q in queries if q.misspelled], ours) if _short_typo(query, known)]
    figures = {
        "mentors": size,
        "build_s": round(built_ms / 1000, 2),
        "index_build_s": round(index_s, 3),
        "skill_index_build_s": round(skills_only_s, 3),
        "index_vs_skill_index": round(index_s / skills_only_s, 1),
        "short_word_typos": len(short),
        "short_word_recall_at_10": round(statistics.mean(short), 3) if short else None,
        "dictionary_words": len(directory.index.dictionary),
        "queries": len(queries),
        "misspelled_queries": sum(q.misspelled for q in queries),
        "core_p50_ms": round(percentile(core, 0.5), 3),
        "core_p95_ms": round(percentile(core, 0.95), 3),
        "search_p50_ms": round(percentile(search_only, 0.5), 3),
        "search_p95_ms": round(percentile(search_only, 0.95), 3),
        "baseline_queries": len(chosen),
        "baseline_p50_ms": round(percentile(baseline, 0.5), 2),
        "baseline_p95_ms": round(percentile(baseline, 0.95), 2),
        "recall_at_10": round(statistics.mean(ours), 4),
        "recall_at_10_with_mentee": round(statistics.mean(ours_with_mentee), 4),
        "recall_at_10_skills": round(statistics.mean(
            r for r, q in zip(ours, [q for q in queries if q.misspelled]) if q.kind == "skill"), 4),
        "baseline_recall_at_10": round(statistics.mean(theirs), 4) if theirs else None,
    }
    figures["speedup_p50"] = round(figures["baseline_p50_ms"] / figures["core_p50_ms"], 1)
    figures["speedup_p95"] = round(figures["baseline_p95_ms"] / figures["core_p95_ms"], 1)
    figures["speedup"] = min(figures["speedup_p50"], figures["speedup_p95"])
    misses = [q.text for q, r in zip([q for q in queries if q.misspelled], ours) if r < 1]
    print(f"{size:>7,} mentors: built in {figures['build_s']} s, {figures['dictionary_words']:,} dictionary words")
    print(f"         term index {figures['index_build_s']} s, plain skill index {figures['skill_index_build_s']} s "
          f"(x{figures['index_vs_skill_index']}); short-word typos: {figures['short_word_typos']}, "
          f"recall@10 {figures['short_word_recall_at_10']}")
    print(f"         core p50 {figures['core_p50_ms']:.3f} ms, p95 {figures['core_p95_ms']:.3f} ms "
          f"(search alone p50 {figures['search_p50_ms']:.3f}, p95 {figures['search_p95_ms']:.3f}) "
          f"over {len(queries)} queries")
    print(f"         baseline p50 {figures['baseline_p50_ms']:.1f} ms, p95 {figures['baseline_p95_ms']:.1f} ms "
          f"over {len(chosen)} queries; speedup x{figures['speedup_p50']} (p50), x{figures['speedup_p95']} (p95)")
    print(f"         recall@10 on {figures['misspelled_queries']} misspelled queries: ours {figures['recall_at_10']} "
          f"(skills {figures['recall_at_10_skills']}, with mentee {figures['recall_at_10_with_mentee']}), "
          f"baseline {figures['baseline_recall_at_10']} on {len(theirs)}")
    if misses:
        print(f"         below full recall: {', '.join(repr(m) for m in misses[:8])}")
    return figures


# The fragment through Flask ----------------------------------------------------------------------------------------


def bench_fragment(queries: list[str]) -> dict:
    """p50/p95 of GET /mentors?q= as an htmx request at 10,000 mentors; skipped with a note if the route is missing."""
    database_path = "/tmp/bench_search.db"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(database_path + suffix):
            os.remove(database_path + suffix)
    from portal import create_app
    from portal.cli import ensure_database
    from portal.db import database
    from portal.demo.generator import generate
    from portal.models import Program
    from portal.programme import operations as programme

    app = create_app({"database": {"url": f"sqlite:///{database_path}"}, "jobs": {"immediate": True},
                      "flask": {"TESTING": True, "SECRET_KEY": "bench"}})
    started = time.perf_counter()
    with app.app_context(), database.connection_context():
        ensure_database()
        program = Program.current()
        # As `flask demo-data` does: two days into pairing, so there are mentors to browse.
        programme.reschedule(program, programme.today() - __import__("datetime").timedelta(days=2))
        generate(program, mentors=FRAGMENT_MENTORS, mentees=100)
    print(f"fragment: loaded {FRAGMENT_MENTORS:,} mentors into SQLite in {time.perf_counter() - started:.1f} s")
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', form)
    client.post("/login", data={"email": "mentee@example.org", "password": "demo-password",
                                "csrf_token": token.group(1) if token else ""})
    first = client.get("/mentors", headers={"HX-Request": "true"})
    if first.status_code == 404:
        print("fragment: GET /mentors answers 404 (the route is not there yet); skipped")
        return {"fragment_p95_ms": None, "fragment_note": "GET /mentors returned 404"}
    if first.status_code != 200:
        print(f"fragment: GET /mentors answers {first.status_code}; skipped")
        return {"fragment_p95_ms": None, "fragment_note": f"GET /mentors returned {first.status_code}"}
    samples = []
    budget_ends = time.perf_counter() + FRAGMENT_TIME_BUDGET
    for query in queries[:FRAGMENT_QUERIES]:
        spent, response = timed(client.get, "/mentors", query_string={"q": query}, headers={"HX-Request": "true"})
        if response.status_code != 200:
            print(f"fragment: /mentors?q={query!r} answered {response.status_code}; stopped")
            break
        samples.append(spent)
        if time.perf_counter() > budget_ends:
            break
    if not samples:
        return {"fragment_p95_ms": None, "fragment_note": "no successful fragment request"}
    figures = {"fragment_requests": len(samples), "fragment_p50_ms": round(percentile(samples, 0.5), 1),
               "fragment_p95_ms": round(percentile(samples, 0.95), 1)}
    print(f"fragment: /mentors?q= at {FRAGMENT_MENTORS:,} mentors, p50 {figures['fragment_p50_ms']} ms, "
          f"p95 {figures['fragment_p95_ms']} ms over {len(samples)} requests")
    return figures


def main() -> None:
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    pool = mentors(max(SIZES), seed=7)
    lookers = mentees(QUERIES * REPEATS + 20, seed=11)
    print(f"generated {len(pool):,} mentors and {len(lookers)} mentees in {time.perf_counter() - started:.1f} s")
    results = {"core": "MentorDirectory.rank(mentee, query=q, limit=10): search + fit + top 10 + cards",
               "sizes": {}}
    for size in SIZES:
        results["sizes"][str(size)] = bench_size(size, pool, lookers)
    fragment_queries = [q.text for q in make_queries(MentorDirectory.build(pool[:1000], VOCABULARY), 60, seed=3)]
    try:
        results.update(bench_fragment(fragment_queries))
    except Exception as error:  # noqa: BLE001 - the portal may be mid-change; the search figures still stand
        print(f"fragment: failed with {type(error).__name__}: {error}; skipped")
        results.update({"fragment_p95_ms": None, "fragment_note": f"{type(error).__name__}: {error}"})
    largest = results["sizes"][str(max(SIZES))]
    results["targets_met"] = {
        "core_p95_under_2ms_at_100k": largest["core_p95_ms"] < 2,
        "speedup_at_least_20x": all(s["speedup"] >= 20 for s in results["sizes"].values()),
        "recall_at_10_at_least_0.95": all(s["recall_at_10"] >= 0.95 for s in results["sizes"].values()),
    }
    results["total_s"] = round(time.perf_counter() - started, 1)
    # Other processes on this shared 2-core machine slow everything down; the load says how busy it was.
    results["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(f"finished in {results['total_s']} s; load average {load_before:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after (2 cores)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
