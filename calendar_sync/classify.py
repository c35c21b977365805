"""How an event occurrence counts for availability: busy, tentative, free, or not at all (cancelled)."""
from __future__ import annotations

from typing import NamedTuple

BUSY, TENTATIVE, FREE = "busy", "tentative", "free"


class Occurrence(NamedTuple):
    """One occurrence that blocks time: epoch seconds [start, end) and whether it is busy or tentative."""

    start: float
    end: float
    kind: str
    uid: str = ""


def classify(status: str | None, transp: str | None, busystatus: str | None = None) -> str | None:
    """busy, tentative or free for an occurrence's properties; None for a cancelled one."""
    status = (status or "").upper()
    if status == "CANCELLED":
        return None
    busystatus = (busystatus or "").upper()
    if (transp or "").upper() == "TRANSPARENT" or busystatus in ("FREE", "WORKINGELSEWHERE"):
        return FREE
    if status == "TENTATIVE" or busystatus == "TENTATIVE":
        return TENTATIVE
    return BUSY
