"""Demo data for the launch: the organisation's people, waves 1 and 2 sent two weeks and one week ago, wave 3
scheduled, so the launch page shows a funnel. Everyone taking part is someone in the organisation; as many colleagues
again, seven times over, were invited and have not joined (about 12% take part)."""
from __future__ import annotations

import datetime as dt
import random

from peewee import chunked

from portal.db import database
from portal.demo import data
from portal.launch import plan, sending
from portal.models import OrgPerson, Program, User, Wave, WaveInvitation, utcnow
from portal.queue import job_context

COLLEAGUES_PER_PARTICIPANT = 7
MOST_COLLEAGUES = 3000  # a large demo keeps its launch small: the waves are sent for real
MOST_PARTICIPANTS = 5000
BATCH = 500
SENIOR_WORDS = [*plan.SENIORITY_WORDS, "chief", "vp"]


def load(program: Program, people: list) -> dict:
    """Import the demo organisation, send waves 1 and 2 through the outbox, then register those taking part."""
    rng = random.Random(12)
    now = utcnow()
    taking_part = [person for person in people if person.roles][:MOST_PARTICIPANTS]
    known = {email for (email,) in OrgPerson.select(OrgPerson.email).tuples()}
    rows = [_row(person.email, person.name, person.answers.get("department", ""),
                 person.answers.get("role_title", ""), now) for person in taking_part if person.email not in known]
    first = (OrgPerson.select(OrgPerson.id).order_by(OrgPerson.id.desc()).scalar() or 0) + 1
    for number in range(first, first + min(MOST_COLLEAGUES, COLLEAGUES_PER_PARTICIPANT * len(rows))):
        rows.append(_colleague(rng, number, now))
    with database.atomic():
        for batch in chunked(rows, BATCH):
            OrgPerson.insert_many(batch).execute()
        if not program.organisation_size_by_hand:
            Program.update(organisation_size=max(1, OrgPerson.select().count())).where(Program.id == program.id).execute()
    waves = _dated_waves(program, now.date())
    with job_context():
        invited = [sending.send(wave, None, lambda done, total, text: None) for wave in waves[:2]]
    _backdate(waves[:2])
    registered = _register([person.email for person in taking_part])
    return {"organisation": len(rows), "invited": invited, "registered": registered}


def _row(email: str, name: str, department: str, title: str, now: dt.datetime) -> dict:
    return {"email": email, "name": name, "department": department, "job_title": title, "status": "invited",
            "created_at": now, "updated_at": now}


def _colleague(rng: random.Random, number: int, now: dt.datetime) -> dict:
    first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.SURNAMES)
    department = rng.choices(list(data.DEPARTMENT_WEIGHTS), weights=list(data.DEPARTMENT_WEIGHTS.values()))[0]
    titles = data.JOB_TITLES[department]
    title = rng.choice(titles[rng.choice(list(titles))])
    email = f"{first}.{last}.c{number}@example.org".lower().encode("ascii", "ignore").decode()
    return _row(email, f"{first} {last}", department, title, now)


def _dated_waves(program: Program, today: dt.date) -> list[Wave]:
    """Wave 1 to the senior people two weeks ago, wave 2 a week ago, wave 3 in two days, scheduled."""
    waves = plan.waves(program)
    for wave, days, status in zip(waves, (-14, -7, 2), ("draft", "draft", "scheduled")):
        wave.send_on, wave.status = today + dt.timedelta(days=days), status
        if wave.kind == "mentors":
            wave.segment = {"by": "words", "values": SENIOR_WORDS}
            wave.sender_name = "Grace Okafor, Chief People Officer"
            wave.reply_to = "mentoring@example.org"
        wave.save()
    return waves


def _backdate(waves: list[Wave]) -> None:
    for wave in waves:
        sent = dt.datetime.combine(wave.send_on, dt.time(9, 0))
        Wave.update(sent_at=sent).where(Wave.id == wave.id).execute()
        WaveInvitation.update(sent_at=sent).where(WaveInvitation.wave == wave).execute()


def _register(emails: list[str]) -> int:
    """Those taking part registered after their invitation: their person is linked to their account."""
    account = User.select(User.id).where(User.email == OrgPerson.email)
    registered = 0
    for batch in chunked(emails, BATCH):
        registered += OrgPerson.update(user=account, status="registered").where(OrgPerson.email.in_(batch)).execute()
    return registered
