"""The kit's texts, filled with the programme's name, dates and registration address, ready to paste."""
from __future__ import annotations

from dataclasses import dataclass

from portal.chat import messages
from portal.chat.messages import long_date
from portal.models import Program


@dataclass(frozen=True)
class Text:
    kind: str  # email, chat, intranet: also the textarea's id
    title: str  # what the admin reads above it
    hint: str  # where it goes
    body: str


def email(program: Program, address: str) -> Text:
    body = f"""Subject: Find a mentor, or become one: {program.name} is open

Hello,

{program.name} pairs colleagues for {program.length_months} months of regular conversations: mentees get a guide \
for the questions they are working on, and mentors pass on what they know and learn from another view of the \
organisation. Pairs meet about once a month, for an hour, at times that suit them both.

How to take part:
- Mentors sign up from {long_date(program.mentor_registration_opens)}.
- Mentees sign up from {long_date(program.mentee_registration_opens)}.
- Registration closes at the end of {long_date(messages.last_registration_day(program))}.
- Pairing runs from {long_date(program.pairing_opens)}: mentees choose the mentors they would like.

Sign up and fill in a short questionnaire (about ten minutes): {address}

With best wishes,
The {program.name} team
"""
    return Text("email", "Email", "An all-staff email or a newsletter item. The first line is the subject.", body)


def chat(program: Program, address: str) -> Text:
    launch = messages.launch(program)
    body = f"{launch.title}\n\n{launch.text}\n\nSign up: {address}\n"
    return Text("chat", "Chat", "A post for Slack, Microsoft Teams or any other chat channel.", body)


def intranet(program: Program, address: str) -> Text:
    body = f"""{program.name}: find a mentor, or become one

What it is
{program.name} pairs colleagues as mentor and mentee for {program.length_months} months. Pairs meet about once a \
month, with an agenda for each session, and the programme team is there when something does not work.

Who can take part
Everyone. Mentors share what they have learned; mentees bring what they want to grow in. Many people are both.

Key dates
- {long_date(program.mentor_registration_opens)}: mentors can sign up
- {long_date(program.mentee_registration_opens)}: mentees can sign up
- {long_date(program.pairing_opens)}: pairing opens; mentees choose and ask mentors
- {long_date(messages.last_registration_day(program))}: last day to sign up

How to join
Register at {address} and fill in the questionnaire. It takes about ten minutes.
"""
    return Text("intranet", "Intranet", "A news item or page on the intranet; the first line is its headline.", body)


def all_texts(program: Program, address: str) -> list[Text]:
    return [email(program, address), chat(program, address), intranet(program, address)]
