"""Version 15: writes to the programme, its settings, questions, agendas and skills move the `steady` counter (a
trigger), so every process can keep what it read of them until it moves (portal/steady.py)."""
from __future__ import annotations

from portal import steady


def upgrade(migrator, database):
    steady.install(database)
