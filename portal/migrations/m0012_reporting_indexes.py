"""Version 12: indexes for the dashboard and the follow-up list at thousands of pairs."""
from __future__ import annotations

from playhouse.migrate import migrate


def upgrade(migrator, database):
    migrate(
        # Each pair's sessions by status and time: the dashboard's per-pair figures read only this index.
        migrator.add_index("meeting", ("match_id", "status", "starts_at"), False),
        # The newest open follow-ups without sorting every one of them; it covers what the old index did.
        migrator.drop_index("follow_up", "follow_up_program_id_resolved_at"),
        migrator.add_index("follow_up", ("program_id", "resolved_at", "created_at"), False),
    )
