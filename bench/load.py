"""Load benchmark: a programme of MENTORS + MENTEES on PostgreSQL behind the production command, driven by locust.

1. Creates a PostgreSQL database of its own (`--database`, dropped first), loads the people with the demo loader
   (`flask demo-data`: bulk inserts, then ANALYZE) and pairs `--matches` of them through the portal's own
   `create_match`, so match pages and session offers have pairs to show.
2. Starts the production pair (`python -m portal.supervisor all`, what `make serve` runs: gunicorn's workers and the
   job worker on Redis) on a free loopback port, and waits for /healthz, then for the job worker to finish what the
   load queued (the mail of the pairs made in step 1 and the demo's invitations), so that the mix is measured alone.
3. Cold start: a mentee's first search on the fresh server, timed from the client.
4. The mix (bench/loadmix/locustfile.py) for `--duration` seconds with `--users` simulated people: mentees
   searching with and without typos (full page and htmx), opening profiles and changing their shortlist; pairs on
   their match page and session offers; new mentees asking a mentor who opens the inbox and approves; and one mentor
   saving answers every 10 s.
5. The ceiling: the same number of users asking /healthz only, for `--healthz-seconds`, on the same server.

`--floor` asks the signed-in home page in place of the pages the mix browses (searches, profiles, match pages, session
offers), with the sign-ins, the inbox, the questionnaire and the writes as they are: the ratio the stack around the
pages allows.

The last line printed is one JSON object: per kind its throughput and p50/p95/p99 (ms), errors, the mixed
throughput, the /healthz ceiling and their ratio, and the cold first search. Other work on a shared machine moves
absolute figures a lot; the ratio moves less. During both phases the CPU of the web workers, the job worker,
PostgreSQL's backends and locust is read from /proc: `cpu_ms_per_request` per phase, and `cpu_ratio`, the server's
CPU per /healthz request over its CPU per counted request of the mix (the ratio the machine would give the server
if it had the machine to itself, which its other tenants move far less). A short run while developing:
`python bench/load.py --mentors 1000 --mentees 900 --duration 30`.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg2
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PASSWORD = "demo-password"
# Requests that set a simulated person up rather than make the mix.
SETUP = {"login_get", "login_post", "home", "questionnaire"}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentors", type=int, default=8000)
    parser.add_argument("--mentees", type=int, default=7000)
    parser.add_argument("--matches", type=int, default=300, help="pairs made before the run, for match pages")
    parser.add_argument("--duration", type=int, default=90, help="seconds of the participant mix")
    parser.add_argument("--healthz-seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=24, help="simulated people at once")
    parser.add_argument("--think", type=float, default=0, help="seconds each person waits between requests, at most")
    parser.add_argument("--spawn-rate", type=float, default=4)
    parser.add_argument("--workers", type=int, default=0, help="web workers (0: the production default)")
    parser.add_argument("--floor", action="store_true",
                        help="ask the signed-in home page in place of the pages the mix browses (the stack's floor)")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgresql://root@127.0.0.1:5432"))
    parser.add_argument("--database", default="portal_bench")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(base: str, name: str) -> str:
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return f"{base}/{name}"


def environment(args, url: str, port: int) -> dict[str, str]:
    env = {
        **os.environ, "DATABASE_URL": url, "REDIS_URL": args.redis, "PORTAL_JOBS_BACKEND": "redis",
        "PORTAL__JOBS__NAME": f"bench-{os.getpid()}", "PORT": str(port), "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "PORTAL_SECRET_KEY": "bench-secret-key-" + "x" * 32, "PORTAL_MAIL_TRANSPORT": "outbox",
        "PYTHONPATH": str(ROOT),
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    return env


def load(args, env: dict) -> float:
    """Schema, people (bulk insert and ANALYZE inside the loader), then pairs made as the portal makes them."""
    started = time.perf_counter()
    flask = [str(BIN / "flask"), "--app", "portal"]
    subprocess.run([*flask, "init-db"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "demo-data", "--mentors", str(args.mentors), "--mentees", str(args.mentees)],
                   env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([sys.executable, __file__, "--pair", str(args.matches)], env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started


def pair(count: int) -> None:
    """Match `count` mentees with mentors that have room, through create_match (run in its own process)."""
    from portal import create_app
    from portal.db import analyze, database
    from portal.models import Participant, Program, User
    from portal.pairing import operations

    app = create_app({"jobs": {"immediate": True}})
    with app.test_request_context(), database.connection_context():
        program = Program.current()
        ready = (Participant.taking_part(program).join(User)
                 .where(Participant.questionnaire_completed_at.is_null(False), Participant.status == "ready", User.active)
                 .order_by(Participant.user))
        mentors = [p for p in ready.where(Participant.role == "mentor")][: count]
        taken = {p.user_id for p in mentors}
        mentees = [p for p in ready.where(Participant.role == "mentee") if p.user_id not in taken][: count]
        for mentor, mentee in zip(mentors, mentees):
            operations.create_match(program, mentor.user, mentee.user, made_by="admin", actor=None)
        analyze()


def accounts(url: str, rng: random.Random) -> dict:
    """Who the simulated people are, read from the loaded database."""
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        cur.execute("""
            SELECT p.role, p.status, u.id, u.email, p.capacity,
                   (SELECT count(*) FROM match m WHERE m.mentor_id = u.id AND m.ended_at IS NULL)
            FROM participant p JOIN "user" u ON u.id = p.user_id
            WHERE p.status <> 'exited' AND p.questionnaire_completed_at IS NOT NULL AND u.active
            ORDER BY u.id""")
        rows = cur.fetchall()
        cur.execute("""
            SELECT m.id, a.email, b.email FROM match m JOIN "user" a ON a.id = m.mentor_id
            JOIN "user" b ON b.id = m.mentee_id WHERE m.ended_at IS NULL""")
        matches = [{"id": i, "members": [a, b]} for i, a, b in cur.fetchall()]
        cur.execute("SELECT name FROM skill")
        skills = [name for (name,) in cur.fetchall()]
    conn.close()
    roles: dict[int, set] = {}
    for role, _, user_id, *_ in rows:
        roles.setdefault(user_id, set()).add(role)
    mentors = [(i, e, (c or 1) - n) for r, s, i, e, c, n in rows if r == "mentor"]
    # Mentees who only mentee, still unpaired: some browse, others (never the same) ask and are approved.
    mentees = [e for r, s, i, e, c, n in rows if r == "mentee" and s == "ready" and roles[i] == {"mentee"}]
    rng.shuffle(mentees)
    browsing, asking = mentees[: len(mentees) // 4], mentees[len(mentees) // 4:]
    saver = mentors[0]
    with_room = [(i, e) for i, e, room in mentors[1:] for _ in range(max(room, 0))]
    rng.shuffle(with_room)
    words = sorted({w.lower() for name in skills for w in re.findall(r"[A-Za-z]{4,}", name)})
    return {
        "password": PASSWORD, "mentees": browsing, "mentor_ids": [i for i, _, _ in mentors], "matches": matches,
        "saver": saver[1], "words": words,
        "fresh_mentees": [{"mentee": m, "mentor_id": i, "mentor": e} for m, (i, e) in zip(asking, with_room)],
    }


def start_server(env: dict, port: int) -> subprocess.Popen:
    log = open(Path(tempfile.gettempdir()) / f"bench-serve-{port}.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "portal.supervisor", "all"], env=env, cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        if server.poll() is not None:
            raise SystemExit(f"the server stopped; see {log.name}")
        time.sleep(0.5)
    raise SystemExit(f"the server did not answer /healthz within 120 s; see {log.name}")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def settle(args, env: dict, quiet_seconds: int = 3, limit: int = 600) -> float:
    """Seconds until the job queue has stayed empty for `quiet_seconds` (the backlog the load left behind)."""
    from huey.storage import RedisStorage

    storage = RedisStorage(env["PORTAL__JOBS__NAME"], url=args.redis)
    started, quiet = time.perf_counter(), 0
    while quiet < quiet_seconds:
        if time.perf_counter() - started > limit:
            raise SystemExit(f"the job queue still held {storage.queue_size()} jobs after {limit} s")
        quiet = quiet + 1 if storage.queue_size() == 0 else 0
        time.sleep(1)
    return time.perf_counter() - started


class CpuSampler(threading.Thread):
    """CPU seconds per kind of process while a phase runs, read from /proc twice a second.

    The web workers and the job worker are the server's session (started with `start_new_session`); PostgreSQL's
    backends are those serving the bench database; locust is the load. A process that ends (a worker replaced after
    `max_requests`) loses at most its last half second.
    """

    def __init__(self, server_session: int, database: str):
        super().__init__(daemon=True)
        self.server_session, self.database = server_session, database
        self.seconds: Counter[str] = Counter()
        self._stop_event = threading.Event()
        self._tick = os.sysconf("SC_CLK_TCK")

    def _kind(self, stat: list[str], command: str) -> str | None:
        if int(stat[3]) == self.server_session:
            return "web" if "gunicorn" in command else "jobs"
        if command.startswith("postgres: ") and f" {self.database} " in command:
            return "postgres"
        return "locust" if "locustfile" in command else None

    def _read(self) -> dict[int, tuple[str, int]]:
        seen = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat") as stat_file:
                    stat = stat_file.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{name}/cmdline", "rb") as command_file:
                    command = command_file.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue  # ended while being read
            kind = self._kind(stat, command)
            if kind:
                seen[int(name)] = (kind, int(stat[11]) + int(stat[12]))  # user + system, in clock ticks
        return seen

    def run(self) -> None:
        before = self._read()
        while not self._stop_event.wait(0.5):
            now = self._read()
            for pid, (kind, ticks) in now.items():
                # A process born since the last look counts from zero: it started during the phase.
                self.seconds[kind] += (ticks - before[pid][1] if pid in before else ticks) / self._tick
            before = now

    def stop(self) -> dict[str, float]:
        self._stop_event.set()
        self.join()
        return dict(self.seconds)


def with_cpu(server: subprocess.Popen, database: str, phase):
    """`phase()`'s result, and the CPU seconds each kind of process spent while it ran."""
    sampler = CpuSampler(os.getsid(server.pid), database)
    sampler.start()
    result = phase()
    return result, sampler.stop()


def cpu_per_request(seconds: dict[str, float], requests: int) -> dict[str, float]:
    """Milliseconds of CPU per counted request, per kind of process, and the server's (web, jobs, PostgreSQL)."""
    per = {kind: round(1000 * value / max(requests, 1), 2) for kind, value in sorted(seconds.items())}
    per["server"] = round(sum(per.get(kind, 0.0) for kind in ("web", "jobs", "postgres")), 2)
    return per


def cold_search(port: int, email: str) -> float:
    """Milliseconds of a mentee's first search on the fresh server."""
    session, base = requests.Session(), f"http://127.0.0.1:{port}"
    token = re.search(r'name="csrf-token" content="([^"]+)"', session.get(f"{base}/login").text).group(1)
    session.post(f"{base}/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
    started = time.perf_counter()
    response = session.get(f"{base}/mentors", params={"q": "leadership"})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or "/login" in response.url:
        raise SystemExit(f"the first search failed: {response.status_code} {response.url}")
    return elapsed


def locust(args, port: int, accounts_file: str, seconds: int, prefix: str, healthz: bool = False) -> list[dict]:
    env = {**os.environ, "BENCH_ACCOUNTS": accounts_file, "BENCH_THINK_SECONDS": str(args.think),
           "BENCH_HEALTHZ": "1" if healthz else "", "BENCH_FLOOR": "1" if args.floor else ""}
    subprocess.run([
        str(BIN / "locust"), "-f", str(ROOT / "bench" / "loadmix" / "locustfile.py"), "--headless",
        "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{seconds}s", "--csv", prefix, "--only-summary",
        "--host", f"http://127.0.0.1:{port}", "--loglevel", "WARNING",
    ], env=env, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=open(f"{prefix}.log", "w"))
    with open(f"{prefix}_stats.csv") as stats:
        rows = [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated"]
    # Why requests failed, so an error count comes with its reasons.
    with open(f"{prefix}_failures.csv") as failures:
        reasons = [{"kind": row["Name"], "error": row["Error"][:200], "count": int(row["Occurrences"])}
                   for row in csv.DictReader(failures)]
    if reasons:
        rows.append({"Name": "failures", "reasons": reasons})
    # A simulated person whose step raised (a page without the link it needed) counts as an error too.
    with open(f"{prefix}_exceptions.csv") as raised:
        failed = sum(int(row["Count"]) for row in csv.DictReader(raised))
    if failed:
        rows.append({"Name": "exceptions", "Requests/s": "0", "Request Count": "0", "Failure Count": str(failed),
                     "50%": "", "95%": "", "99%": ""})
    return rows


def figures(rows: list[dict]) -> dict:
    def ms(row, key):
        return None if row[key] in ("", "N/A") else float(row[key])

    named, reasons = {}, []
    for row in rows:
        if row["Name"] == "failures":
            reasons = row["reasons"]
            continue
        # GET and POST of one page (the login form, then signing in) are two kinds.
        name = row["Name"] if sum(r["Name"] == row["Name"] for r in rows) == 1 else f"{row['Name']}_{row['Type'].lower()}"
        named[name] = row
    result = {name: {
        "rps": round(float(row["Requests/s"]), 2), "count": int(row["Request Count"]),
        "errors": int(row["Failure Count"]), "p50": ms(row, "50%"), "p95": ms(row, "95%"), "p99": ms(row, "99%"),
    } for name, row in named.items()}
    if reasons:
        result["failures"] = reasons
    return result


def main() -> None:
    args = arguments()
    rng = random.Random(11)
    port = free_port()
    url = fresh_database(args.postgres, args.database)
    env = environment(args, url, port)
    load_seconds = load(args, env)
    people = accounts(url, rng)
    with tempfile.TemporaryDirectory() as tmp:
        accounts_file = str(Path(tmp) / "accounts.json")
        Path(accounts_file).write_text(json.dumps(people))
        server = start_server(env, port)
        try:
            backlog = settle(args, env)
            cold = cold_search(port, people["mentees"][0])
            mix, mix_cpu = with_cpu(server, args.database, lambda: figures(
                locust(args, port, accounts_file, args.duration, f"{tmp}/mix")))
            ceiling, ceiling_cpu = with_cpu(server, args.database, lambda: figures(
                locust(args, port, accounts_file, args.healthz_seconds, f"{tmp}/healthz", healthz=True)))
        finally:
            stop_server(server)
    failures = mix.pop("failures", []) + ceiling.pop("failures", [])
    kinds = {name: row for name, row in mix.items() if name not in SETUP}
    mix_rps = round(sum(row["rps"] for row in kinds.values()), 2)
    healthz_rps = ceiling.get("healthz", {}).get("rps", 0.0)
    # CPU per request counts every request the phase made (the mix's sign-ins too) against the counted ones.
    mix_ms = cpu_per_request(mix_cpu, sum(row["count"] for row in kinds.values()))
    healthz_ms = cpu_per_request(ceiling_cpu, ceiling.get("healthz", {}).get("count", 0))
    print(json.dumps({
        "mentors": args.mentors, "mentees": args.mentees, "matches": len(people["matches"]), "users": args.users,
        "duration_s": args.duration, "workers": args.workers or "default", "floor": args.floor,
        "load_s": round(load_seconds, 1), "backlog_s": round(backlog, 1),
        "cold_first_search_ms": round(cold, 1), "mix_rps": mix_rps, "healthz_rps": healthz_rps,
        "ratio": round(mix_rps / healthz_rps, 3) if healthz_rps else None,
        "errors": sum(row["errors"] for row in mix.values()) + ceiling.get("healthz", {}).get("errors", 0),
        "cpu_ms_per_request": {"mix": mix_ms, "healthz": healthz_ms},
        "cpu_ratio": round(healthz_ms["server"] / mix_ms["server"], 3) if mix_ms["server"] else None,
        "kinds": kinds, "setup": {name: row for name, row in mix.items() if name in SETUP}, "failures": failures,
    }))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--pair":
        pair(int(sys.argv[2]))
    else:
        main()
