"""Benchmark of the admin's reporting pages at a large programme, on SQLite and on PostgreSQL.

1. Loads 15,000 participants (`--mentors` + `--mentees`, with the demo generator) and the demo story on top
   (portal/demo/story.py): `--pairs` pairs over `--days-in` days of pairing, about 60,000 sessions and 100,000
   feedback answers, the mid-point survey answered, leavers and follow-ups. PostgreSQL gets a database of its own
   (`--database`, dropped first); SQLite a file under /tmp.
2. Through Flask's test client, signed in as the demo admin, times each page `--repeats` times: the dashboard (its
   figures kept from the view before), the dashboard as the first view after a change (the reporting counter bumped
   before each request, untimed; jobs wait in a queue as in production, so the page shows the figures last counted
   and asks the worker for a count), the job worker's count of the figures itself, the follow-up list (pages and kinds in turn), the people table (pages, sorts and
   filters in turn), and /healthz as the reference measured in the same run: other work on this shared 2-core
   machine moves absolute figures by 3 to 4 times, the ratios less.
3. Streams the full participants export and the feedback export (every row read, as a download would) for their
   time, then again under tracemalloc for the peak memory Python allocated while streaming.

The last line printed is one JSON object: per engine the counts loaded, p50/p95 (ms) per page and their ratio to
/healthz's p50, the exports' rows, seconds and peak MB, and whether the targets were met (pages p95 under 300 ms;
an export of 100,000 rows under 10 s and 200 MB). A quick run while developing:
`python bench/dashboard.py --engines sqlite --mentors 1000 --mentees 1100 --pairs 900 --repeats 5`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import sys
import time
import tracemalloc
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SQLITE_PATH = "/tmp/bench_dashboard.db"
JOBS_PATH = "/tmp/bench_dashboard_jobs.db"
PAGE_TARGET_MS = 300
EXPORT_TARGET_S = 10
EXPORT_TARGET_MB = 200
KINDS = ("", "low_rating", "quiet", "no_first_session", "exit", "survey", "unpaired")
PEOPLE_QUERIES = ({}, {"sort": "email"}, {"role": "mentee", "paired": "no"}, {"status": "left", "sort": "role"},
                  {"q": "engineer"}, {"role": "mentor", "finished": "yes", "order": "desc"})


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--mentors", type=int, default=7000)
    parser.add_argument("--mentees", type=int, default=8000)
    parser.add_argument("--pairs", type=int, default=7000)
    parser.add_argument("--days-in", type=int, default=200, help="days since pairing opened")
    parser.add_argument("--repeats", type=int, default=20, help="requests timed per page")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgresql://root@127.0.0.1:5432"))
    parser.add_argument("--database", default="portal_bench_dashboard")
    return parser.parse_args()


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def database_url(engine: str, args) -> str:
    """A fresh, empty database for the engine."""
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(SQLITE_PATH + suffix):
                os.remove(SQLITE_PATH + suffix)
        return f"sqlite:///{SQLITE_PATH}"
    conn = psycopg2.connect(f"{args.postgres}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        cur.execute(f'CREATE DATABASE "{args.database}"')
    conn.close()
    return f"{args.postgres}/{args.database}"


def load(app, args) -> dict:
    """The people and the story; returns what was loaded and how long it took."""
    from portal.cli import ensure_database
    from portal.db import database
    from portal.demo import story
    from portal.demo.generator import generate
    from portal.models import Feedback, Participant, Program
    from portal.programme import operations as programme

    started = time.perf_counter()
    with app.app_context(), database.connection_context():
        ensure_database()
        program = Program.current()
        # A year-long programme, so the mid-point survey has gone out after `--days-in` days of pairing.
        Program.update(length_months=12).where(Program.id == program.id).execute()
        program = Program.get_by_id(program.id)
        programme.reschedule(program, programme.today() - dt.timedelta(days=2))
        generate(program, mentors=args.mentors, mentees=args.mentees, seed=7)
        scene = story.tell(program, seed=7, pairs=args.pairs, days_in=args.days_in, gap_days=(12, 21),
                           feedback_share=0.94)
        counts = {"participants": Participant.select().count(), "pairs": scene.pairs, "sessions": scene.sessions,
                  "feedback": Feedback.select().count(), "survey_answers": scene.survey_answers,
                  "follow_ups": scene.follow_ups, "left": scene.left}
    counts["load_s"] = round(time.perf_counter() - started, 1)
    return counts


def signed_in(app):
    """A test client signed in as the demo admin."""
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', form)
    client.post("/login", data={"email": "admin@example.org", "password": "demo-password",
                                "csrf_token": token.group(1) if token else ""})
    if client.get("/admin/dashboard").status_code != 200:
        raise SystemExit("could not sign in as the demo admin")
    return client


def changed(app) -> None:
    """Bump the reporting counter, as a session booked or feedback given does: the next dashboard counts afresh."""
    from portal import counters
    from portal.models import Program

    with app.app_context():
        counters.bump(counters.reporting_key(Program.current()))


def timings(client, requests: list[tuple[str, dict]], before=None) -> tuple[list[float], list[float]]:
    """Milliseconds per request, on the clock and of this process's CPU, each answered 200 in full."""
    samples, cpu = [], []
    for path, query in requests:
        if before:
            before()  # not timed
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path, query_string=query)
        body = response.get_data()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200 or not body:
            raise SystemExit(f"{path} {query} answered {response.status_code}")
    return samples, cpu


def counting(app, repeats: int) -> dict:
    """Seconds the job worker takes to count the dashboard's figures again (its CPU too), the median of a few."""
    from portal import kept
    from portal.db import database
    from portal.models import Program

    clock, cpu = [], []
    with app.app_context(), database.connection_context():
        for _ in range(max(3, repeats // 4)):
            started, cpu_started = time.perf_counter(), time.process_time()
            kept.refresh(Program.current(), "dashboard")
            clock.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
    return {"p50_s": round(percentile(clock, 0.5), 2), "cpu_p50_s": round(percentile(cpu, 0.5), 2)}


def streamed(client, name: str) -> tuple[int, float, float]:
    """(lines, seconds, CPU seconds) of one export read to the end, chunk by chunk as a download reads it."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(f"/admin/exports/{name}.csv", buffered=False)
    lines = 0
    for chunk in response.response:
        lines += (chunk if isinstance(chunk, bytes) else chunk.encode()).count(b"\n")
    response.close()
    # Quoted answers may hold line breaks, so the rows are the export's own count; the lines are a check of reading.
    return lines - 1, time.perf_counter() - started, time.process_time() - cpu


def export(client, name: str) -> dict:
    """An export's time, then its peak memory (a second run under tracemalloc, which slows it)."""
    lines, seconds, cpu = streamed(client, name)
    tracemalloc.start()
    streamed(client, name)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # CPU seconds of this process (the reading, the CSV and, on SQLite, the queries): what a busy machine moves less.
    return {"lines": lines, "s": round(seconds, 2), "cpu_s": round(cpu, 2), "peak_mb": round(peak / 2**20, 1)}


def bench(engine: str, args) -> dict:
    from portal import create_app

    url = database_url(engine, args)
    app = create_app({"database": {"url": url}, "jobs": {"immediate": True},
                      "flask": {"TESTING": True, "SECRET_KEY": "bench"}})
    figures = load(app, args)
    if os.path.exists(JOBS_PATH):
        os.remove(JOBS_PATH)
    # Served as in production: jobs wait in a queue for the worker (none runs here), so a page that finds its figures
    # stale shows the last ones counted and asks for a count; the worker's count is timed on its own below.
    app = create_app({"database": {"url": url}, "jobs": {"immediate": False, "backend": "sqlite",
                                                         "sqlite_path": JOBS_PATH, "name": f"bench-{os.getpid()}"},
                      "flask": {"TESTING": True, "SECRET_KEY": "bench"}})
    print(f"{engine}: loaded {figures['participants']:,} participants, {figures['pairs']:,} pairs, "
          f"{figures['sessions']:,} sessions, {figures['feedback']:,} feedback answers, "
          f"{figures['follow_ups']:,} follow-ups in {figures['load_s']} s")
    client = signed_in(app)
    n = args.repeats
    pages = {
        "healthz": [("/healthz", {})] * n,
        "dashboard": [("/admin/dashboard", {})] * n,  # the figures kept from the view before
        "dashboard_after_change": [("/admin/dashboard", {})] * n,  # each the first view after a change
        "follow_ups": [("/admin/follow-ups", {"kind": KINDS[i % len(KINDS)], "page": 1 + i % 3}) for i in range(n)],
        "people": [("/admin/people", {**PEOPLE_QUERIES[i % len(PEOPLE_QUERIES)], "page": 1 + i % 4})
                   for i in range(n)],
    }
    for requests in pages.values():
        timings(client, requests[:1])  # warm: the first request compiles templates and fills caches
    results = {}
    for name, requests in pages.items():
        samples, cpu = timings(client, requests, (lambda: changed(app)) if name == "dashboard_after_change" else None)
        # CPU: on SQLite everything a request costs, queries included; on PostgreSQL the server's share is not in it.
        results[name] = {"p50_ms": round(percentile(samples, 0.5), 1), "p95_ms": round(percentile(samples, 0.95), 1),
                         "cpu_p50_ms": round(percentile(cpu, 0.5), 1), "cpu_p95_ms": round(percentile(cpu, 0.95), 1)}
    results["count"] = counting(app, n)
    print(f"{engine}: the job's count of the dashboard's figures p50 {results['count']['p50_s']} s "
          f"({results['count']['cpu_p50_s']} s of CPU)")
    reference = max(results["healthz"]["p50_ms"], 0.1)
    for name in ("dashboard", "dashboard_after_change", "follow_ups", "people"):
        results[name]["p95_vs_healthz"] = round(results[name]["p95_ms"] / reference, 1)
        print(f"{engine}: {name} p50 {results[name]['p50_ms']} ms, p95 {results[name]['p95_ms']} ms "
              f"(x{results[name]['p95_vs_healthz']} /healthz's p50 {reference} ms; CPU p50 "
              f"{results[name]['cpu_p50_ms']} ms, p95 {results[name]['cpu_p95_ms']} ms)")
    for name in ("participants", "feedback"):
        results[f"export_{name}"] = export(client, name)
        print(f"{engine}: export {name}: {results[f'export_{name}']['lines']:,} lines in "
              f"{results[f'export_{name}']['s']} s ({results[f'export_{name}']['cpu_s']} s of CPU), "
              f"peak {results[f'export_{name}']['peak_mb']} MB")
    biggest = results["export_feedback"]
    rows_per_s = biggest["lines"] / max(biggest["s"], 0.001)
    results["targets_met"] = {
        "pages_p95_under_300ms": all(results[p]["p95_ms"] < PAGE_TARGET_MS
                                     for p in ("dashboard", "dashboard_after_change", "follow_ups", "people")),
        # The feedback export is the one with 100,000 rows; scaled when fewer were loaded.
        "export_100k_rows_under_10s": 100_000 / rows_per_s < EXPORT_TARGET_S,
        "export_under_200mb": all(results[f"export_{e}"]["peak_mb"] < EXPORT_TARGET_MB
                                  for e in ("participants", "feedback")),
    }
    return {"loaded": figures, **results}


def main() -> None:
    args = arguments()
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    results = {"engines": {}}
    for engine in args.engines.split(","):
        results["engines"][engine] = bench(engine.strip(), args)
    results["total_s"] = round(time.perf_counter() - started, 1)
    # Other processes on this shared 2-core machine slow everything down; the load says how busy it was.
    results["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(json.dumps(results))


if __name__ == "__main__":
    main()
