"""Version 8: a CalDAV connection keeps its account's calendars and which of them count as busy."""
from __future__ import annotations

from playhouse.migrate import migrate

from portal.models import JSONField


def upgrade(migrator, database):
    # Connections made before keep reading and writing the calendar they had (calendar_url) until the person
    # chooses: an empty list of busy calendars means that one.
    migrate(
        migrator.add_column("calendar_connection", "calendars", JSONField(default=list)),
        migrator.add_column("calendar_connection", "busy_calendar_urls", JSONField(default=list)),
    )
