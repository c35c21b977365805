"""What each announcement says, filled with the programme's name, dates and addresses."""
from __future__ import annotations

import datetime as dt

from portal import links
from portal.chat import occasions
from portal.chat.webhooks import Message
from portal.models import Program
from portal.programme.operations import dates_of


def long_date(day: dt.date) -> str:
    """"Tuesday 8 December 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def registration_address() -> str:
    return links.absolute_url("accounts.register")


def last_registration_day(program: Program) -> dt.date:
    return occasions.registration_closes(dates_of(program)) - dt.timedelta(days=1)


def launch(program: Program) -> Message:
    return Message(
        title=f"{program.name}: registration is open",
        text=(f"Would you like a mentor, or to be one? {program.name} pairs colleagues for "
              f"{program.length_months} months of conversations that help both grow. Mentors can sign up from "
              f"{long_date(program.mentor_registration_opens)}, mentees from "
              f"{long_date(program.mentee_registration_opens)}. Registration is open until "
              f"{long_date(last_registration_day(program))}."),
        link=registration_address(), link_label="Sign up",
    )


def closing(program: Program) -> Message:
    return Message(
        title=f"{program.name}: registration closes in {occasions.CLOSING_NOTICE_DAYS} days",
        text=(f"The last day to sign up as a mentor or a mentee is {long_date(last_registration_day(program))}. "
              f"It takes ten minutes: register and fill in the questionnaire, and you are in the pairing."),
        link=registration_address(), link_label="Sign up now",
    )


def pairing(program: Program) -> Message:
    return Message(
        title=f"{program.name}: pairing is open",
        text=(f"Mentees can now look through the mentors and ask the ones they would like, until "
              f"{long_date(program.pairing_closes - dt.timedelta(days=1))}. Not signed up yet? There is still time."),
        link=links.absolute_url("pairing.directory"), link_label="Find a mentor",
    )


COMPOSERS = {"launch": launch, "closing": closing, "pairing": pairing}


def compose(program: Program, occasion: str) -> Message:
    return COMPOSERS[occasion](program)


def test(program: Program) -> Message:
    return Message(
        title=f"{program.name}: test message",
        text="The mentoring portal can post to this channel. Announcements will appear here on their day.",
        link=links.absolute_url("home.index"), link_label="Open the portal",
    )
