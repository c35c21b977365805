"""Version 10: admins' bulk actions (running the matching, the weights preview, sending a survey) record their progress."""
from __future__ import annotations

from portal.models import JobProgress


def upgrade(migrator, database):
    database.create_tables([JobProgress], safe=False)
