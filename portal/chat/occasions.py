"""When the programme announces itself in its chat channels: plain dates in, the occasions due today out.

Each occasion is posted on its day, or up to `GRACE_DAYS` later if the job worker was away, and never once it has
passed; "registration closes in 3 days" only on its day."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portal.programme.phases import PhaseDates

GRACE_DAYS = 2
CLOSING_NOTICE_DAYS = 3
LABELS = {"launch": "Registration is open", "closing": f"Registration closes in {CLOSING_NOTICE_DAYS} days",
          "pairing": "Pairing is open"}


@dataclass(frozen=True)
class Occasion:
    key: str  # launch, closing, pairing: unique per programme and channel
    starts: dt.date
    until: dt.date  # the first day it is no longer posted


def registration_closes(dates: PhaseDates) -> dt.date:
    """The first day registration is closed (it stays open through the pairing window)."""
    return dates.pairing_closes


def calendar(dates: PhaseDates) -> list[Occasion]:
    """Every occasion of a programme, in date order."""
    closes = registration_closes(dates)
    closing = closes - dt.timedelta(days=CLOSING_NOTICE_DAYS)
    found = [
        Occasion("launch", dates.mentor_registration_opens, closes),
        Occasion("pairing", dates.pairing_opens, dates.pairing_closes),
    ]
    if closing > dates.mentor_registration_opens:  # a registration shorter than the notice has no "closes soon"
        # Its title counts the days, so it is posted on its day only.
        found.append(Occasion("closing", closing, min(closes, closing + dt.timedelta(days=1))))
    return sorted(found, key=lambda occasion: occasion.starts)


def due(dates: PhaseDates, today: dt.date) -> list[Occasion]:
    """The occasions to post today."""
    return [o for o in calendar(dates)
            if o.starts <= today < min(o.until, o.starts + dt.timedelta(days=GRACE_DAYS + 1))]
