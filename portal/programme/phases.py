"""Phase rules of a programme: plain dates in, open phases out."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

# In the order a programme passes through them.
PHASES = ("mentor_registration", "mentee_registration", "pairing", "running", "midpoint", "ended")

LABELS = {
    "mentor_registration": "Mentor registration",
    "mentee_registration": "Mentee registration",
    "pairing": "Pairing window",
    "running": "Running",
    "midpoint": "Mid-point",
    "ended": "Ended",
}

DESCRIPTIONS = {
    "mentor_registration": "Mentors sign up first, so mentees can see who they could be paired with.",
    "mentee_registration": "Mentees sign up and fill in the questionnaire.",
    "pairing": "Mentees choose and request mentors; the rest are paired by the programme team.",
    "running": "Pairs meet about once a month and give feedback after each session.",
    "midpoint": "Everyone answers the mid-point survey; the team follows up where pairs are stuck.",
    "ended": "The programme has finished; the end survey collects what everyone learned.",
}


@dataclass(frozen=True)
class PhaseDates:
    mentor_registration_opens: dt.date
    mentee_registration_opens: dt.date
    pairing_opens: dt.date
    pairing_closes: dt.date
    midpoint: dt.date
    ends: dt.date

    def in_order(self) -> list[tuple[str, dt.date]]:
        return [
            ("mentor_registration_opens", self.mentor_registration_opens),
            ("mentee_registration_opens", self.mentee_registration_opens),
            ("pairing_opens", self.pairing_opens),
            ("pairing_closes", self.pairing_closes),
            ("midpoint", self.midpoint),
            ("ends", self.ends),
        ]


def windows(dates: PhaseDates) -> dict[str, tuple[dt.date, dt.date | None]]:
    """When each phase is open by the calendar: [start, end), end None for open-ended."""
    return {
        # Registration stays open through pairing so late joiners make the second wave.
        "mentor_registration": (dates.mentor_registration_opens, dates.pairing_closes),
        "mentee_registration": (dates.mentee_registration_opens, dates.pairing_closes),
        "pairing": (dates.pairing_opens, dates.pairing_closes),
        "running": (dates.pairing_closes, dates.ends),
        "midpoint": (dates.midpoint, dates.ends),
        "ended": (dates.ends, None),
    }


def open_phases(dates: PhaseDates, today: dt.date, overrides: dict | None = None) -> list[str]:
    """The phases open on `today`; an admin's override (True/False) beats the calendar."""
    overrides = overrides or {}
    result = []
    for phase, (start, end) in windows(dates).items():
        by_date = start <= today and (end is None or today < end)
        if overrides.get(phase, by_date):
            result.append(phase)
    return result


def current_phase(dates: PhaseDates, today: dt.date, overrides: dict | None = None) -> str | None:
    """The furthest phase that is open, or None before anything opens."""
    opened = open_phases(dates, today, overrides)
    return opened[-1] if opened else None


def order_problems(dates: PhaseDates) -> dict[str, str]:
    """Field name -> message for dates out of order."""
    problems = {}
    ordered = dates.in_order()
    for (earlier_name, earlier), (name, value) in pairwise(ordered):
        strictly = name in ("pairing_closes", "ends")
        if value < earlier or (strictly and value == earlier):
            problems[name] = f"Must come after {FIELD_LABELS[earlier_name].lower()}."
    if dates.midpoint >= dates.ends:
        problems["midpoint"] = "Must come before the programme ends."
    return problems


FIELD_LABELS = {
    "mentor_registration_opens": "Mentor registration opens",
    "mentee_registration_opens": "Mentee registration opens",
    "pairing_opens": "Pairing opens",
    "pairing_closes": "Pairing closes",
    "midpoint": "Mid-point",
    "ends": "Programme ends",
}


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: dt.date, end: dt.date) -> float:
    return round((end - start).days / 30.44, 1)


def suggested_dates(
    pairing_opens: dt.date,
    length_months: int,
    mentor_days_before: int = 21,
    mentee_days_before: int = 14,
    pairing_days: int = 14,
) -> PhaseDates:
    """Dates following the benchmarks: mentors 3 weeks ahead, mentees 2, a two-week pairing window."""
    ends = add_months(pairing_opens, length_months)
    return PhaseDates(
        mentor_registration_opens=pairing_opens - dt.timedelta(days=mentor_days_before),
        mentee_registration_opens=pairing_opens - dt.timedelta(days=mentee_days_before),
        pairing_opens=pairing_opens,
        pairing_closes=pairing_opens + dt.timedelta(days=pairing_days),
        midpoint=pairing_opens + (ends - pairing_opens) / 2,
        ends=ends,
    )


def length_guidance(dates: PhaseDates) -> str | None:
    """A gentle note when the programme is shorter or longer than successful ones usually are."""
    months = months_between(dates.pairing_opens, dates.ends)
    # Compare calendar months: six months from 1 January are 181 days, which the 30.44-day average calls 5.9.
    if dates.ends < add_months(dates.pairing_opens, 6):
        return f"{months} months is short: successful programmes usually run 6 to 8 months."
    if dates.ends > add_months(dates.pairing_opens, 8):
        return f"{months} months is long: successful programmes usually run 6 to 8 months."
    return None


def registration_ahead(dates: PhaseDates, today: dt.date, overrides: dict | None = None) -> dict[str, dt.date | None]:
    """For a closed registration, the day it opens by the calendar if that is still to come, else None (it has
    closed for this programme, by its dates or by hand); None too for a registration that is open."""
    overrides = overrides or {}
    result = {}
    for role, opens in (("mentor", dates.mentor_registration_opens), ("mentee", dates.mentee_registration_opens)):
        phase = f"{role}_registration"
        result[role] = opens if today < opens and overrides.get(phase) is not False else None
    return result
