"""Who a wave goes to: its segment, less anyone it reached already, anyone registered (but stragglers) and anyone
who opted out. Every function returns a query, so a count or a page of 100,000 people is one statement."""
from __future__ import annotations

from functools import reduce
from operator import or_

from peewee import fn

from portal.models import OrgPerson, Participant, Wave, WaveInvitation

SEGMENTS = {
    "department": "Department is one of",
    "job_title": "Job title is one of",
    "location": "Location is one of",
    "words": "Job title contains any of these words (seniority)",
    "emails": "A hand-picked list of email addresses",
}
MAX_VALUES = 5000  # a hand-picked list longer than this is an import, not a segment


def segment_values(text: str) -> list[str]:
    """The values typed for a segment: one per line or separated by commas, trimmed, without repeats."""
    seen: dict[str, str] = {}
    for part in text.replace(",", "\n").splitlines():
        value = part.strip()
        if value:
            seen.setdefault(value.casefold(), value)
    return list(seen.values())


def _segment(segment: dict):
    """The condition a wave 1 segment puts on people; none chosen matches nobody."""
    by, values = segment.get("by"), [str(v).lower() for v in segment.get("values") or []]
    if by not in SEGMENTS or not values:
        return OrgPerson.id.is_null()  # nobody: a wave to "no segment" must never reach everyone
    if by == "words":
        # contains() is ILIKE on PostgreSQL and LIKE (without case for ASCII) on SQLite.
        return reduce(or_, (OrgPerson.job_title.contains(word) for word in values))
    if by == "emails":
        return OrgPerson.email.in_(values)
    return fn.LOWER(getattr(OrgPerson, by)).in_(values)


def _questionnaire_unfinished(program):
    return (Participant.taking_part(program).select(Participant.user)
            .where(Participant.questionnaire_completed_at.is_null()))


def _invited_before(wave: Wave):
    earlier = Wave.select(Wave.id).where(Wave.program == wave.program_id, Wave.number < wave.number)
    return WaveInvitation.select(WaveInvitation.person).where(WaveInvitation.wave.in_(earlier))


def eligible(wave: Wave):
    """Everyone the wave is for today, whether or not it reached them already."""
    invited = OrgPerson.status == "invited"
    if wave.kind == "mentors":
        condition = invited & _segment(wave.segment)
    elif wave.kind == "everyone":
        condition = invited
    else:
        condition = ((invited & OrgPerson.id.in_(_invited_before(wave)))
                     | ((OrgPerson.status == "registered") & OrgPerson.user.in_(_questionnaire_unfinished(wave.program_id))))
    return OrgPerson.select().where(condition)


def still_to_invite(wave: Wave):
    """The people the wave would email now: eligible and not yet reached by this wave, by id."""
    # NOT EXISTS reads the (wave, person) index per person; NOT IN would rebuild the whole list for every batch.
    reached = WaveInvitation.select(WaveInvitation.id).where(WaveInvitation.wave == wave.id,
                                                             WaveInvitation.person == OrgPerson.id)
    return eligible(wave).where(~fn.EXISTS(reached)).order_by(OrgPerson.id)
