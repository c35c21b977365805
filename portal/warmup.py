"""What a web worker does before it takes its first request: read the mentor directory's index and compile the
page templates, so the first person it serves waits for neither."""
from __future__ import annotations

import logging

from flask import Flask

from portal.db import database
from portal.models import Program
from portal.pairing import directory


def warm(app: Flask) -> None:
    """Load the current programme's directory (from the shared file when there is one) and every page template."""
    try:
        with app.app_context(), database.connection_context():
            program = Program.current()
            if program is not None:
                directory.directory(program)
    except Exception:
        # A database away at start must not stop the worker: it answers 503 until the database is back, and the
        # first search then reads the index itself.
        logging.getLogger(__name__).exception("The mentor directory was not read before the first request.")
    for name in app.jinja_env.list_templates(extensions=["html"]):
        app.jinja_env.get_template(name)
