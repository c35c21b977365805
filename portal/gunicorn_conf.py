"""gunicorn's settings for the portal, read from config.toml and the environment (`make serve-web`).

`gunicorn --config python:portal.gunicorn_conf 'portal:create_app()'`; gunicorn's own GUNICORN_CMD_ARGS still
override any of them. Nothing in the portal imports this module.
"""
from __future__ import annotations

import os
import sys

from portal.config import load_config

_server = load_config()["server"]


def worker_count(environ=os.environ, server: dict = _server) -> int:
    """WEB_CONCURRENCY, else `[server] workers`, else one per CPU core plus one."""
    configured = int(environ.get("WEB_CONCURRENCY") or server.get("workers") or 0)
    return configured if configured > 0 else (os.cpu_count() or 1) + 1


def switch_interval(server: dict = _server) -> float | None:
    """`[server] switch_interval_ms` in seconds, for sys.setswitchinterval; None keeps Python's."""
    milliseconds = float(server.get("switch_interval_ms") or 0)
    return milliseconds / 1000 if milliseconds > 0 else None


bind = f"{_server['host']}:{_server['port']}"
workers = worker_count()
worker_class = "gthread"
threads = int(_server.get("threads", 2))
timeout = int(_server.get("timeout_seconds", 120))
# HUP and TERM let requests in hand finish for this long before a worker is stopped.
graceful_timeout = 30
max_requests = int(_server.get("max_requests", 20000))
# Up to half again, at random: workers that start together and share the load evenly would otherwise reach their
# limits within seconds of each other, leaving the load to the rest while they start again.
max_requests_jitter = max_requests // 2
# Not preloaded: each worker imports the app itself, so a HUP starts workers on newly deployed code, and no
# database or Redis connection can be made before the fork and then shared by every worker.
preload_app = False
# The client's address and scheme come from `[server] proxy_hops` (ProxyFix in the app) and nothing else: gunicorn
# takes neither the scheme nor a SCRIPT_NAME / PATH_INFO from headers, whoever connects.
secure_scheme_headers: dict[str, str] = {}
forwarder_headers = ""
# Request lines go to stdout, through the app's filter that hides personal links' tokens (portal/logs.py).
accesslog = "-"
proc_name = "portal-web"
# Managed by signals (HUP, TERM): gunicorn's control socket sits at one path per user by default, where two
# deployments on one host would take each other's.
control_socket_disable = True
if os.path.isdir("/dev/shm"):
    # The heartbeat file on a memory file system: a slow disk must not make gunicorn think a worker hangs.
    worker_tmp_dir = "/dev/shm"


def post_worker_init(worker) -> None:
    """Before a worker takes requests: the directory's index read, the templates compiled (portal/warmup.py), and
    how soon its threads hand the interpreter lock to one another."""
    from portal.warmup import warm

    warm(worker.wsgi)
    interval = switch_interval()
    if interval is not None:
        sys.setswitchinterval(interval)


def worker_exit(server, worker) -> None:
    """Close the worker's pooled database connections, so PostgreSQL sees a goodbye rather than a dropped line."""
    from portal.db import close_idle_connections

    close_idle_connections()
