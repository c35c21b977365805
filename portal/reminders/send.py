"""Sending the reminders and feedback requests that are due, each at most once (the Email table's dedupe key)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from portal import links, mail, settings
from portal.agendas import store as agenda_store
from portal.meetings import booking, invitations, schedule
from portal.models import Email, Match, Meeting, Program, User, utcnow
from portal.reminders import rules

CATEGORY = "reminders"
# Well under SQLite's limit on a statement's parameters.
_KEYS_PER_STATEMENT = 500
# Emails stored a transaction, each batch delivered by one job: the first sweep of a large programme sends thousands.
_EMAILS_PER_BATCH = 200
T = TypeVar("T")


def days_for(program: Program, reminder: str) -> int | None:
    """The reminder's delay in days, or None when it is switched off."""
    if not settings.get(program, f"reminder_{reminder}_enabled"):
        return None
    return settings.get(program, f"reminder_{reminder}_days")


def _sent_already(keys: list[str]) -> set[str]:
    """Which of these dedupe keys an email already carries, a few hundred keys a statement.

    Only saves rendering emails the unique dedupe key would refuse anyway; the key is what guarantees "once". A sweep
    asks about everyone due at once: one statement per person made the sweep thousands of statements long at 15,000
    people, every quarter of an hour, although nearly everyone due was reminded in an earlier sweep.
    """
    found: set[str] = set()
    for start in range(0, len(keys), _KEYS_PER_STATEMENT):
        chunk = keys[start:start + _KEYS_PER_STATEMENT]
        found.update(key for (key,) in Email.select(Email.dedupe_key).where(Email.dedupe_key.in_(chunk)).tuples())
    return found


def _not_sent(due: list[tuple[str, T]]) -> list[tuple[str, T]]:
    """The (dedupe key, what is due) pairs whose key no email carries yet, in their order."""
    sent = _sent_already([key for key, _ in due])
    return [(key, item) for key, item in due if key not in sent]


def _send_all(due: list[tuple[str, T]], build: Callable[[str, T], dict | None]) -> int:
    """`build(key, what is due)`'s email for each, stored a batch a transaction with one delivery job a batch; how
    many were stored.

    One transaction and one delivery job per email made the first sweep of a programme of 15,000 people seconds of
    round trips and thousands of jobs queued at once, ahead of everything the people using the portal were waiting for.
    """
    return mail.send_in_batches(due, lambda pair: build(*pair), _EMAILS_PER_BATCH)


def _still_ahead(day: dt.date, now: dt.datetime) -> dt.date | None:
    """A date worth naming in an email: only one still to come (a phase opened by hand can outlast its date)."""
    return day if now.date() < day else None


def _match_url(match: Match) -> str:
    return links.absolute_url("pairing.match", match_id=match.id)


def remind_stragglers(program: Program, now: dt.datetime | None = None) -> int:
    """Ask people who registered but have not finished the questionnaire to finish it; once per person."""
    days = days_for(program, "questionnaire")
    if days is None:
        return 0
    now = now or utcnow()
    due = [(f"reminder:questionnaire:{program.id}:{user.id}", (user, roles))
           for user, roles in rules.stragglers(program, now, days)]
    return _send_all(_not_sent(due), lambda key, person: mail.message(
        person[0], f"Finish your questionnaire for {program.name}", "reminder_questionnaire", category=CATEGORY,
        dedupe_key=key, program=program, roles=person[1], pairing_closes=_still_ahead(program.pairing_closes, now),
        questionnaire_url=links.absolute_url("questionnaire.edit"),
    ))


def remind_unpaired(program: Program, now: dt.datetime | None = None) -> int:
    """Point mentees still without a mentor into pairing at the directory and their shortlist; once per mentee."""
    days = days_for(program, "unpaired")
    if days is None:
        return 0
    now = now or utcnow()
    admin_pairs = settings.get(program, "pairing_mode") == "admin"
    due = [(f"reminder:unpaired:{program.id}:{user.id}", user) for user in rules.unpaired_mentees(program, now, days)]
    return _send_all(_not_sent(due), lambda key, user: mail.message(
        user, "Still looking for a mentor? Here is how to find one", "reminder_unpaired", category=CATEGORY,
        dedupe_key=key, program=program, admin_pairs=admin_pairs,
        pairing_closes=_still_ahead(program.pairing_closes, now), directory_url=links.absolute_url("pairing.directory"),
        shortlist_url=links.absolute_url("pairing.shortlist"),
    ))


def remind_first_meeting(program: Program, now: dt.datetime | None = None) -> int:
    """Pairs matched a while ago with no session booked: whoever reaches out first is asked to propose one, and the
    other gets a lighter note, since either of them can get the pair started; once per match and person."""
    days = days_for(program, "first_meeting")
    if days is None:
        return 0
    now = now or utcnow()
    first = settings.get(program, "first_contact")
    due = []
    for match in rules.without_first_meeting(program, now, days):
        reaching_out = match.mentor if first == "mentor" else match.mentee
        waiting = match.partner_of(reaching_out)
        for person, other, template, subject in (
            (reaching_out, waiting, "reminder_first_meeting",
             f"Time to book your first session with {waiting.first_name}"),
            (waiting, reaching_out, "reminder_first_meeting_other",
             f"Your first session with {reaching_out.first_name}"),
        ):
            due.append((f"reminder:first-meeting:{match.id}:{person.id}", (match, person, other, template, subject)))
    return _send_all(_not_sent(due), lambda key, item: _first_meeting_message(program, *item, key, now))


def _first_meeting_message(program: Program, match: Match, person: User, other: User, template: str, subject: str,
                           key: str, now: dt.datetime):
    """The first-session reminder to one of the pair, as `mail.message` fields."""
    return mail.message(
        person, subject, template, category=CATEGORY, dedupe_key=key, program=program, match=match, other=other,
        days=(now - match.started_at).days, can_book=booking.can_book(match, person),
        sessions_url=_match_url(match) + "#sessions",
    )


def remind_quiet_pairs(program: Program, now: dt.datetime | None = None) -> int:
    """Both people of a pair whose last session is long past and with none booked; once per quiet spell (the spell
    is named by its last session, so meeting again and then going quiet reminds again)."""
    days = days_for(program, "quiet_pair")
    if days is None:
        return 0
    now = now or utcnow()
    # A quiet pair stays due until it meets: every sweep after the first finds its key sent and skips it.
    due = [(f"reminder:quiet-pair:{match.id}:{last.id}:{person.id}", (match, last, person))
           for match, last in rules.quiet_pairs(program, now, days) for person in (match.mentor, match.mentee)]
    return _send_all(_not_sent(due), lambda key, item: _quiet_pair_message(program, *item, key, now))


def _quiet_pair_message(program: Program, match: Match, last: Meeting, person: User, key: str, now: dt.datetime):
    """The quiet-pair reminder to one of the pair, as `mail.message` fields."""
    other = match.partner_of(person)
    return mail.message(
        person, f"Time for your next session with {other.first_name}", "reminder_quiet_pair", category=CATEGORY,
        dedupe_key=key, program=program, match=match, other=other, last=last, days=(now - last.ends_at).days,
        zone=schedule.working_hours(program, person).zone, can_book=booking.can_book(match, person),
        sessions_url=_match_url(match) + "#sessions",
    )


def _session_message(meeting: Meeting, person: User, subject: str, template: str, key: str, category: str):
    """An email about one session to one of its pair; `subject` names the other person with {}."""
    match = meeting.match
    agenda = agenda_store.find(match.program, meeting.agenda)
    other = match.partner_of(person)
    return mail.message(
        person, subject.format(other.first_name), template, category=category, dedupe_key=key,
        program=match.program, meeting=meeting, match=match, other=other,
        title=agenda.title if agenda else "Mentoring session", zone=schedule.working_hours(match.program, person).zone,
        feedback_url=invitations.feedback_url(meeting, person), agenda_url=invitations.agenda_url(meeting, person),
    )


def remind_feedback(program: Program, now: dt.datetime | None = None) -> int:
    """Whoever has not given feedback a few days after a session; once per session and person."""
    days = days_for(program, "feedback")
    if days is None:
        return 0
    due = [(f"reminder:feedback:{meeting.id}:{person.id}", (meeting, person))
           for meeting, person in rules.feedback_missing(program, now or utcnow(), days)]
    return _send_all(_not_sent(due), lambda key, item: _session_message(
        *item, "Two minutes on your session with {}?", "reminder_feedback", key, CATEGORY))


def request_feedback(program: Program, now: dt.datetime | None = None) -> int:
    """The feedback request to each participant when a session ends; once per session and person, never to someone
    who already gave feedback."""
    if not settings.get(program, "feedback_request_enabled"):
        return 0
    due = [(f"feedback-request:{meeting.id}:{person.id}", (meeting, person))
           for meeting, person in rules.just_ended(program, now or utcnow())]
    return _send_all(_not_sent(due), lambda key, item: _session_message(
        *item, "How did your session with {} go?", "feedback_request", key, "feedback"))


SENDERS = {
    "feedback_request": request_feedback,
    "questionnaire": remind_stragglers,
    "unpaired": remind_unpaired,
    "first_meeting": remind_first_meeting,
    "quiet_pair": remind_quiet_pairs,
    "feedback": remind_feedback,
}


def run(program: Program, now: dt.datetime | None = None) -> dict[str, int]:
    """Everything due for the programme, each switched-on kind in turn; how many emails each sent."""
    now = now or utcnow()
    return {name: sender(program, now) for name, sender in SENDERS.items()}


def run_current(now: dt.datetime | None = None) -> dict[str, int]:
    """Everything due for the running programme (nothing before one exists)."""
    program = Program.current()
    return run(program, now) if program else {}
