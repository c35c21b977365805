"""Benchmark of the launch at organisation scale: import a CSV of 100,000 people, then send a wave to all of them.
The last line printed is one JSON object.

For each database (SQLite in a temporary file; PostgreSQL in a schema of its own on TEST_DATABASE_URL, if set), a
child process of its own:
- writes a CSV of PEOPLE people (name, email, department, job title, location, manager's email);
- imports it as `flask import-people` does (check, then confirm, in one transaction): import seconds and rows per
  second;
- sends wave 2 (everyone) as the job does, with the job queue on a SQLite file as in production: the seconds to
  store every invitation and email and hand each delivery to the queue (the worker's sending is not timed);
- opens the launch page (the funnel over everyone invited) and a wave's preview page, as an admin: milliseconds,
  the median of 5;
- peak memory: the child's maximum resident set size.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PEOPLE = 100_000
DEPARTMENTS = ("Research", "Sales", "Finance", "Operations", "Legal", "People", "Engineering", "Marketing")
TITLES = ("Engineer", "Senior Engineer", "Analyst", "Team Lead", "Head of Unit", "Manager", "Associate", "Director")
LOCATIONS = ("London", "Leeds", "Berlin", "Lisbon", "New York")
PAGE_REPEATS = 5


def write_csv(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "email", "department", "job title", "location", "manager's email"])
        for n in range(count):
            writer.writerow([f"Person {n}", f"person{n}@example.org", DEPARTMENTS[n % len(DEPARTMENTS)],
                             TITLES[n % len(TITLES)], LOCATIONS[n % len(LOCATIONS)],
                             f"person{n // 10}@example.org"])


def _postgres_url() -> str:
    import psycopg2

    base = os.environ["TEST_DATABASE_URL"]
    schema = f"bench_launch_{uuid.uuid4().hex[:8]}"
    with psycopg2.connect(base) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
    conn.close()
    return f"{base.split('?', 1)[0]}?schema={schema}"


def _drop_schema(url: str) -> None:
    import psycopg2

    base, schema = url.split("?schema=")
    with psycopg2.connect(base) as conn, conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    conn.close()


def _signed_in(app):
    client = app.test_client()
    login = client.get("/login")
    token = login.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"csrf_token": token, "email": "bench-admin@example.org",
                                "password": "a-long-bench-password"})
    return client


def _page_ms(client, url: str, repeats: int = PAGE_REPEATS) -> float:
    """The median milliseconds of `repeats` views, each answered 200."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return round(statistics.median(timings), 1)


def run_one(backend: str, count: int) -> dict:
    """Import, send and open the pages on one database, in this process."""
    from portal import create_app
    from portal.accounts.operations import create_user
    from portal.cli import ensure_database
    from portal.db import database
    from portal.launch import plan, sending
    from flask import url_for

    from portal import kept
    from portal.admin import registry
    from portal.models import Email, Program, User
    from portal.organisation import operations

    work = Path(tempfile.mkdtemp(prefix="bench-launch-"))
    url = f"sqlite:///{work / 'portal.db'}" if backend == "sqlite" else _postgres_url()
    app = create_app({"database": {"url": url}, "jobs": {"backend": "sqlite", "sqlite_path": str(work / "jobs.db")},
                      "mail": {"transport": "outbox"}, "server": {"base_url": "http://localhost"},
                      "flask": {"SECRET_KEY": "bench", "TESTING": True}})
    path = work / "people.csv"
    write_csv(path, count)
    try:
        with app.test_request_context():
            database.connect(reuse_if_open=True)
            ensure_database()
            create_user("bench-admin@example.org", "Bench Admin", "a-long-bench-password", is_admin=True)
        client = _signed_in(app)
        # The admin opens the launch page before importing anyone, as a new admin does: figures are stored from then on.
        _page_ms(client, "/admin/launch", repeats=1)
        with app.test_request_context():
            database.connect(reuse_if_open=True)
            started = time.perf_counter()
            with path.open("rb") as stream:
                upload = operations.check_file(stream, path.name, None)
            upload = operations.confirm_import(upload, None, background=False)
            import_seconds = time.perf_counter() - started
            assert upload.status == "done", upload.problem
            admin = User.get(User.email == "bench-admin@example.org")
            wave = plan.wave(Program.current(), 2)
            started = time.perf_counter()
            invited = sending.send(wave, admin, lambda done, total, text: None)
            enqueue_seconds = time.perf_counter() - started
            assert invited == count == Email.select().count(), (invited, count)
        # The first view after the wave: the funnel counted before it, while a job counts it again.
        pages = {"launch_after_change_ms": _page_ms(client, "/admin/launch", repeats=1)}
        with app.test_request_context():
            database.connect(reuse_if_open=True)
            started = time.perf_counter()
            kept.refresh(Program.current(), "funnel")  # the job's work, in the worker
            count_seconds = time.perf_counter() - started
        pages.update({"launch_ms": _page_ms(client, "/admin/launch"),
                      "preview_ms": _page_ms(client, "/admin/launch/waves/3/preview"),
                      "wave_ms": _page_ms(client, "/admin/launch/waves/2"),
                      "organisation_search_ms": _page_ms(client, "/admin/people/import?q=engineer&page=40"),
                      "outbox_last_page_ms": _page_ms(client, "/admin/outbox?page=2000")})
        # Every other page of the admin navigation, at this size: the outbox holds 100,000 invitations.
        with app.test_request_context():
            others = {page.endpoint: url_for(page.endpoint) for page in registry.PAGES.values()
                      if page.endpoint != "launch.index"}
        pages.update({f"{endpoint}_ms": _page_ms(client, url) for endpoint, url in sorted(others.items())})
    finally:
        if backend == "postgres":
            _drop_schema(url)
    return {"backend": backend, "people": count, "import_seconds": round(import_seconds, 2),
            "rows_per_second": round(count / import_seconds), "enqueue_wave_seconds": round(enqueue_seconds, 2),
            "funnel_count_seconds": round(count_seconds, 2), **pages,
            "pages_under_300ms": all(ms < 300 for ms in pages.values()), "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--one", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.people)))
        return
    results = []
    for backend in ("sqlite", "postgres") if os.environ.get("TEST_DATABASE_URL") else ("sqlite",):
        # A process per database, so each one's peak memory is its own.
        done = subprocess.run([sys.executable, __file__, "--one", backend, "--people", str(args.people)],
                              capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{backend}: {result}", file=sys.stderr)
        results.append(result)
    print(json.dumps({"benchmark": "launch", "results": results}))


if __name__ == "__main__":
    main()
