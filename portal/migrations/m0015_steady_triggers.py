"""Version 15: writes to the programme, its settings, questions and agendas move the `steady` counter (a trigger),
so every process can keep what it read of them until it moves (portal/steady.py)."""
from __future__ import annotations

from portal import steady


def upgrade(migrator, database):
    steady.install(database)
