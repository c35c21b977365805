"""The links in an invitation: a signed, expiring registration link that fills in who the person is, and a signed
unsubscribe link that opts them out of every later wave."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portal import audit, links
from portal.db import database
from portal.models import OrgPerson

INVITE_PURPOSE = "invitation"
UNSUBSCRIBE_PURPOSE = "unsubscribe"
INVITE_AGE = dt.timedelta(days=60)  # a launch runs for weeks; an invitation older than two months is stale
UNSUBSCRIBE_AGE = dt.timedelta(days=730)  # opting out must keep working for as long as the emails are kept


@dataclass(frozen=True)
class Prefill:
    """What an invitation link fills in on the registration page."""

    name: str
    email: str
    department: str


def invite_token(person: OrgPerson) -> str:
    # The address is signed too: a person whose address changed since gets a link that no longer fits.
    return links.make_token(INVITE_PURPOSE, {"p": person.id, "e": person.email})


def unsubscribe_token(person: OrgPerson) -> str:
    return links.make_token(UNSUBSCRIBE_PURPOSE, {"p": person.id})


@dataclass(frozen=True)
class Addresses:
    """The addresses an invitation's links start with, worked out once for a whole wave."""

    register: str
    unsubscribe: str

    @classmethod
    def now(cls) -> "Addresses":
        return cls(register=links.absolute_url("accounts.register") + "?token=",
                   unsubscribe=links.absolute_url("launch.unsubscribe", token="-")[:-1])

    def invite_url(self, person: OrgPerson) -> str:
        return self.register + invite_token(person)

    def unsubscribe_url(self, person: OrgPerson) -> str:
        return self.unsubscribe + unsubscribe_token(person)


def _person(purpose: str, token: str, age: dt.timedelta) -> OrgPerson:
    payload = links.read_token(purpose, token, int(age.total_seconds()))
    person_id = payload.get("p") if isinstance(payload, dict) else None
    person = OrgPerson.get_or_none(OrgPerson.id == person_id) if isinstance(person_id, int) else None
    if person is None or ("e" in payload and payload["e"] != person.email):
        raise links.LinkInvalid("no such person")
    return person


def prefill(token: str) -> Prefill:
    """Who an invitation link is for; LinkExpired or LinkInvalid (tampered, or the person is gone)."""
    person = _person(INVITE_PURPOSE, token, INVITE_AGE)
    return Prefill(person.name, person.email, person.department)


def person_to_unsubscribe(token: str) -> OrgPerson:
    """The person an unsubscribe link is for; LinkExpired or LinkInvalid."""
    return _person(UNSUBSCRIBE_PURPOSE, token, UNSUBSCRIBE_AGE)


def opt_out(person: OrgPerson) -> bool:
    """Stop every later wave for this person; False if they had opted out already."""
    with database.atomic():
        changed = OrgPerson.update(status="opted_out").where(
            OrgPerson.id == person.id, OrgPerson.status != "opted_out").execute()
        if changed:
            audit.record(None, "launch.opt_out", f"org_person:{person.id}")
    return bool(changed)
