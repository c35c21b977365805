"""Follow-up fixtures: the dashboard's hand-built pairs and sessions at known times."""
from __future__ import annotations

from tests.dashboard.conftest import people, pairs  # noqa: F401
