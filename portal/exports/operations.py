"""What an export writes: the audit entry that says who downloaded what."""
from __future__ import annotations

from portal import audit
from portal.db import database
from portal.models import Program


def record_download(actor, program: Program, export: str, rows: int) -> None:
    """Note in the audit log that `actor` downloaded an export of `rows` rows."""
    with database.atomic():
        audit.record(actor, "export.download", f"programme:{program.id}", export=export, rows=rows)
