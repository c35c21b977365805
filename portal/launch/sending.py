"""Sending a wave: the people still to invite, in batches of a few statements each, through the outbox."""
from __future__ import annotations

from collections.abc import Callable

from portal import audit, events, mail
from portal.db import database
from portal.launch import audience, invitations, letters
from portal.models import OrgPerson, Program, User, Wave, WaveInvitation, utcnow

BATCH = 500  # people per round: one read, one insert of emails, one read of their ids, one insert of invitations
CATEGORY = "invitation"


def dedupe_key(wave: Wave, person_id: int) -> str:
    return f"wave:{wave.id}:{person_id}"


def send(wave: Wave, actor: User | None, report: Callable[[int, int, str], None]) -> int:
    """Email the wave to everyone it has not reached yet (registered and opted-out people are left out); returns
    how many were invited. A second run sends only to people who became eligible since."""
    program = Program.get_by_id(wave.program_id)
    total = audience.still_to_invite(wave).count()
    done, last_id = 0, 0
    addresses = invitations.Addresses.now()
    report(0, total, f"Inviting {total} {'person' if total == 1 else 'people'}.")
    while True:
        # Keyset pages: each round reads again who is still to invite, so someone who registered or opted out
        # while the wave is under way is left out.
        people = list(audience.still_to_invite(wave).where(OrgPerson.id > last_id).limit(BATCH))
        if not people:
            break
        last_id = people[-1].id
        done += _invite(wave, program, people, addresses)
        report(min(done, total), max(total, done), f"{done} of {max(total, done)} invited.")
    with database.atomic():
        Wave.update(status="sent", sent_at=utcnow()).where(Wave.id == wave.id).execute()
        audit.record(actor, "launch.wave_sent", f"wave:{wave.id}", number=wave.number, invited=done)
    return done


def _invite(wave: Wave, program: Program, people: list[OrgPerson], addresses: invitations.Addresses) -> int:
    messages = []
    for person in people:
        letter = letters.letter(wave, program, person, addresses)
        messages.append({"to_address": person.email, "to_name": person.name, "subject": letter.subject[:255],
                         "text_body": letter.text, "html_body": letter.html, "category": CATEGORY,
                         "dedupe_key": dedupe_key(wave, person.id), "parts": letters.headers(wave)})
    now = utcnow()
    with database.atomic():
        stored = mail.send_many(messages)
        rows = [{"wave": wave.id, "person": person.id, "email": stored.get(dedupe_key(wave, person.id)),
                 "sent_at": now} for person in people]
        WaveInvitation.insert_many(rows).on_conflict_ignore().execute()
        events.invitations_sent.send(program, wave=wave, invited=len(rows))
    return len(stored)
