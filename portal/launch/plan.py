"""The three-week plan: mentors first, then everyone, then the stragglers, with dates from the programme's phases."""
from __future__ import annotations

import datetime as dt
import string

from peewee import IntegrityError

from portal import counters
from portal.db import database
from portal.models import Program, Wave

WEEK = dt.timedelta(days=7)
PLACEHOLDERS = {
    "first_name": "the person's first name",
    "name": "their full name",
    "department": "their department",
    "programme": "the programme's name",
    "sender": "the sender's name",
    "link": "their personal registration link (required)",
    "unsubscribe": "their unsubscribe link (added at the end if the text leaves it out)",
}
# Wave 1's segment to start from: job titles with these words are likely mentors.
SENIORITY_WORDS = ("senior", "lead", "head", "director", "manager")
TITLES = {"mentors": "Mentors first", "everyone": "Everyone", "stragglers": "Stragglers"}
AUDIENCES = {
    "mentors": "A segment you choose: by department, job title, seniority words, location, or a list of addresses.",
    "everyone": "Everyone in the organisation who has not registered or opted out.",
    "stragglers": "People invited who have not registered, and people registered whose questionnaire is unfinished.",
}

_TEXTS = {
    "mentors": (
        "Would you mentor someone this year? {programme} is starting",
        "Dear {first_name},\n\nWe are starting {programme}, and mentors sign up first. Your experience could make a "
        "real difference to a colleague's next step, for about an hour a month.\n\nSign up as a mentor here:\n{link}"
        "\n\nWith thanks,\n{sender}\n",
    ),
    "everyone": (
        "{programme} is open: find a mentor, or become one",
        "Dear {first_name},\n\n{programme} is now open to everyone. Tell us what you would like to grow in, choose a "
        "mentor who fits, and meet about once a month.\n\nJoin here:\n{link}\n\nBest wishes,\n{sender}\n",
    ),
    "stragglers": (
        "A few days left to join {programme}",
        "Dear {first_name},\n\nThere is still time to take part in {programme}. If you have started, finish your "
        "short questionnaire so we can find you a good match; if not, join here:\n{link}\n\nBest wishes,\n{sender}\n",
    ),
}


def suggested_dates(program: Program) -> dict[str, dt.date]:
    """Wave 1 when mentors may register, wave 2 when mentees may (a week later at least), wave 3 a week after."""
    first = program.mentor_registration_opens
    second = max(program.mentee_registration_opens, first + WEEK)
    return {"mentors": first, "everyone": second, "stragglers": second + WEEK}


def waves(program: Program) -> list[Wave]:
    """The programme's three waves in order, made from the default plan the first time they are asked for."""
    stored = list(Wave.select().where(Wave.program == program).order_by(Wave.number))
    if len(stored) == len(Wave.KINDS):
        return stored
    dates = suggested_dates(program)
    for number, kind in enumerate(Wave.KINDS, 1):
        if any(wave.number == number for wave in stored):
            continue
        subject, body = _TEXTS[kind]
        try:
            with database.atomic():
                segment = {"by": "words", "values": list(SENIORITY_WORDS)} if kind == "mentors" else {}
                Wave.create(program=program, number=number, kind=kind, send_on=dates[kind], subject=subject,
                            body=body, segment=segment)
        except IntegrityError:
            pass  # made a moment ago by another request
    counters.bump(counters.reporting_key(program))  # the funnel has a row for each wave
    return list(Wave.select().where(Wave.program == program).order_by(Wave.number))


def wave(program: Program, number: int) -> Wave | None:
    """The programme's wave with this number (1 to 3), or None."""
    if not 1 <= number <= len(Wave.KINDS):
        return None
    return next((w for w in waves(program) if w.number == number), None)


def unknown_placeholders(text: str) -> list[str]:
    """The {names} in a text that are no plain placeholder (a format or conversion counts as unknown too);
    ValueError if its braces do not pair up."""
    unknown = []
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is not None and (name not in PLACEHOLDERS or spec or conversion):
            unknown.append(name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else ""))
    return unknown


def fill(text: str, values: dict[str, str]) -> str:
    """A subject or body with its placeholders replaced (the text was checked when it was saved)."""
    try:
        return text.format_map(values)
    except (KeyError, ValueError, IndexError, AttributeError):
        return text
