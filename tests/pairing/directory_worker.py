"""A second web worker for the shared-directory tests: its own process, the same database and index files.

Started with the app's configuration as JSON; reads one search query per line and answers with one JSON line: the
mentors found (ids, in order) and how this process came by its index (`directory.statistics`).
"""
from __future__ import annotations

import json
import sys

from portal import create_app
from portal.db import database
from portal.models import Program
from portal.pairing import directory


def main() -> None:
    app = create_app(json.loads(sys.argv[1]))
    for line in sys.stdin:
        with app.app_context(), database.connection_context():
            page = directory.directory(Program.current()).rank(None, query=line.rstrip("\n"), limit=100)
            print(json.dumps({"ids": [r.id for r in page.results], "statistics": directory.statistics}), flush=True)


if __name__ == "__main__":
    main()
