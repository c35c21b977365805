"""Version 16: writes to someone's user row, roles, answers, matches, calendar connection and shortlist move their
`person:<id>` counter (a trigger), so every process can keep what it read of them until it moves (portal/person_kept.py).
"""
from __future__ import annotations

from portal import person_kept


def upgrade(migrator, database):
    person_kept.install(database)
