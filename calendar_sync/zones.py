"""Time-zone names as calendar data spells them (IANA, Windows, old Mozilla prefixes) -> ZoneInfo."""
from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

try:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
except ImportError:  # pragma: no cover - icalendar moved its table; unknown names then go to the full reader
    WINDOWS_TO_OLSON = {}


@lru_cache(maxsize=512)
def resolve(name: str) -> ZoneInfo | None:
    """The zone a TZID or Graph timeZone names, or None if it is none we know."""
    name = name.strip().strip('"')
    candidates = [name, WINDOWS_TO_OLSON.get(name, "")]  # Outlook and Graph say "W. Europe Standard Time"
    if "/" in name:  # "/mozilla.org/20050126_1/Europe/London", "/Europe/London"
        bits = [bit for bit in name.split("/") if bit]
        candidates += ["/".join(bits[-2:]), "/".join(bits[-3:]), bits[-1]]
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
            continue
    return None
