"""Serving under a path (`[server] base_url = "https://intranet.example/mentoring"`): every address carries it."""
from __future__ import annotations


class PathPrefix:
    """WSGI middleware: the prefix becomes SCRIPT_NAME, so url_for puts it on every link and redirect.

    A proxy may pass the prefix on in the path or strip it; both reach the same page.
    """

    def __init__(self, app, prefix: str):
        self.app = app
        self.prefix = prefix.rstrip("/")

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == self.prefix or path.startswith(self.prefix + "/"):
            path = path[len(self.prefix):] or "/"
        environ["SCRIPT_NAME"] = self.prefix
        environ["PATH_INFO"] = path
        return self.app(environ, start_response)
