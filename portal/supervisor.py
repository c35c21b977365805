"""Production serving: gunicorn's web workers and the job worker, each its own process (`python -m portal.supervisor`).

`all` (what `make serve` runs) starts both, passes HUP on (gunicorn starts fresh workers on the deployed code and
lets the old ones finish; the job worker finishes its jobs and restarts), stops both on TERM or INT, and stops the
other when one of them dies, so a service manager sees the failure and restarts the pair. `web` and `worker` become
just that one process, for a service manager that runs them separately. Nothing in the portal imports this module.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from portal.config import ROOT, load_config

# How long the pair may take to stop: gunicorn's graceful_timeout, plus time for the job worker's jobs in hand.
STOP_SECONDS = 45


def _bin(name: str) -> str:
    """A console script of the environment this Python runs in."""
    return str(Path(sys.executable).parent / name)


def web_command() -> list[str]:
    return [_bin("gunicorn"), "--config", "python:portal.gunicorn_conf", "portal:create_app()"]


def worker_command(config: dict | None = None) -> list[str]:
    """huey's consumer with `[jobs] workers` threads; it runs the periodic jobs too (run one such per deployment)."""
    jobs = (config or load_config())["jobs"]
    return [_bin("huey_consumer"), "portal.worker.queue", "--workers", str(int(jobs["workers"])),
            "--worker-type", "thread"]


# glibc's allocator, unless the deployment sets it: each thread that allocates would get an arena of its own, and
# after a large block is freed (a directory index replaced by a newer one) the threshold for mapping blocks on their
# own rises, so the next index lands in the heap, where freed memory is rarely given back. Two arenas and fixed
# thresholds keep a worker's resident memory near what Python holds (bench/load.py: about 140 MB rather than 200).
MALLOC = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_TRIM_THRESHOLD_": "131072"}


def _environment(application: str) -> dict[str, str]:
    return {
        **os.environ,
        # PostgreSQL lists each connection under this name (pg_stat_activity), unless the deployment names them.
        "PGAPPNAME": os.environ.get("PGAPPNAME") or application,
        **{name: os.environ.get(name) or value for name, value in MALLOC.items()},
    }


class Pair:
    """The web server and the job worker, started, signalled and stopped together."""

    def __init__(self):
        self.processes = {
            "web": subprocess.Popen(web_command(), cwd=ROOT, env=_environment("portal-web")),
            "worker": subprocess.Popen(worker_command(), cwd=ROOT, env=_environment("portal-worker")),
        }
        self.stopping = False

    def reload(self, *_) -> None:
        for process in self.processes.values():
            process.send_signal(signal.SIGHUP)

    def stop(self, *_) -> None:
        """Graceful for both: gunicorn on TERM, huey on INT (its TERM would interrupt the jobs in hand)."""
        self.stopping = True
        for name, process in self.processes.items():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM if name == "web" else signal.SIGINT)

    def wait(self) -> int:
        """Run until asked to stop or until one process ends; the exit status is the first failure's, or 0."""
        while not self.stopping:
            ended = [(name, p.returncode) for name, p in self.processes.items() if p.poll() is not None]
            if ended:
                name, code = ended[0]
                print(f"portal: the {name} process ended (status {code}); stopping the other.", file=sys.stderr)
                self.stop()
                self._reap()
                return code or 1
            time.sleep(0.2)
        return self._reap()

    def _reap(self) -> int:
        deadline = time.monotonic() + STOP_SECONDS
        for process in self.processes.values():
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return 0 if all(p.returncode == 0 for p in self.processes.values()) else 1


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "all"
    if what in ("web", "worker"):
        command = web_command() if what == "web" else worker_command()
        os.chdir(ROOT)
        os.execve(command[0], command, _environment(f"portal-{what}"))
    if what != "all":
        print("usage: python -m portal.supervisor [all|web|worker]", file=sys.stderr)
        return 2
    pair = Pair()
    signal.signal(signal.SIGHUP, pair.reload)
    signal.signal(signal.SIGTERM, pair.stop)
    signal.signal(signal.SIGINT, pair.stop)
    return pair.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
