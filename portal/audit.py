"""The audit log: who changed what."""
from __future__ import annotations

from portal.models import AuditLog


def record(actor, action: str, target: str = "", **details) -> AuditLog:
    """Write one audit entry; `actor` is a User or None for the system."""
    return AuditLog.create(actor=actor, action=action, target=target, details=details)
