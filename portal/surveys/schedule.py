"""When surveys go out and to whom: on the phase date, to everyone in an active match, once, with one reminder.

People still waiting for a match are not asked: the questions are about a mentoring relationship. Someone who is
both mentor and mentee gets one survey and answers as a mentee.
"""
from __future__ import annotations

import datetime as dt

from portal import audit, events, mail, settings
from portal.models import Program, Survey, SurveyResponse, User, utcnow
from portal.surveys import defaults, operations

CATEGORY = "surveys"  # how the outbox files these emails
# Emails stored a transaction and delivered by one job, and between two progress reports (each report is a write).
PROGRESS_EVERY = 50


def enabled(program: Program, kind: str) -> bool:
    return bool(settings.get(program, f"survey_{kind}_enabled"))


def due(program: Program, kind: str, today: dt.date) -> bool:
    """On or after the survey's date, and not so late that it no longer makes sense.

    The mid-point survey goes out until the programme ends, the end survey for 30 days after; a programme set up
    with dates already in the past does not send a pile of old surveys.
    """
    if kind == "midpoint":
        return program.midpoint <= today < program.ends
    return program.ends <= today < program.ends + dt.timedelta(days=operations.OPEN_DAYS)


def recipients(program: Program) -> list[tuple[User, str]]:
    """(person, role) for everyone still taking part and in an active match, each person once."""
    roles = operations.paired_roles(program)
    people = User.select().where(User.id.in_(list(roles)), User.active).order_by(User.id) if roles else []
    return [(user, roles[user.id]) for user in people]


def _subject(survey: Survey, user: User, reminder: bool = False) -> str:
    if reminder:
        return f"A reminder: the {defaults.LABELS[survey.kind].lower()} closes soon"
    if survey.kind == "midpoint":
        return f"{user.first_name}, how is your mentoring going? (mid-point survey)"
    return f"{user.first_name}, how did your mentoring go? (end-of-programme survey)"


def _message(survey: Survey, user: User, role: str, closes: dt.datetime, *, reminder: bool) -> dict | None:
    """The survey's invitation or reminder to one person, as `mail.message` fields."""
    template = "survey_reminder" if reminder else "survey_invite"
    key = (operations.reminder_key if reminder else operations.invite_key)(survey, user.id)
    return mail.message(
        user, _subject(survey, user, reminder), template, category=CATEGORY, dedupe_key=key,
        survey=survey, role=role, label=defaults.LABELS[survey.kind], program=survey.program,
        link=operations.make_link(survey, user), closes=closes, question_count=len(survey.questions),
    )


def _send(survey: Survey, people: list[tuple[User, str]], closes: dt.datetime, *, reminder: bool,
          progress=None) -> int:
    """Email (person, role) a batch a transaction and a delivery job; how many were stored (a key sent is skipped).

    One transaction and one job per email made sending to a programme of 15,000 people thousands of each.
    """
    report = None if progress is None else (lambda done, total: progress(done, total, f"Emailing {total} people."))
    return mail.send_in_batches(people, lambda person: _message(survey, *person, closes, reminder=reminder),
                                PROGRESS_EVERY, report)


def _no_report(done: int, total: int, message: str) -> None:
    """Where sending reports its progress when nobody follows it."""


def send_survey(survey: Survey, now: dt.datetime | None = None, progress=_no_report) -> int:
    """Email the survey to everyone taking part; the per-person dedupe key makes a second run send nothing new."""
    now = now or utcnow()
    sent_at = survey.sent_at or now
    closes = sent_at + dt.timedelta(days=operations.OPEN_DAYS)
    count = _send(survey, recipients(survey.program), closes, reminder=False, progress=progress)
    # Marked sent after the emails: a run that stopped half way is finished by the next one.
    Survey.update(sent_at=sent_at).where(Survey.id == survey.id, Survey.sent_at.is_null()).execute()
    survey.sent_at = sent_at
    events.survey_sent.send(survey.program, survey=survey)
    return count


def send_reminders(survey: Survey, now: dt.datetime | None = None) -> int:
    """One reminder to everyone who was sent the survey, still takes part and has not answered."""
    now = now or utcnow()
    answered = {r.user_id for r in SurveyResponse.select(SurveyResponse.user).where(SurveyResponse.survey == survey)}
    waiting = operations.invited_ids(survey) - answered
    roles = operations.roles_of(survey.program, waiting)
    people = User.select().where(User.id.in_(list(roles)), User.active).order_by(User.id) if roles else []
    count = _send(survey, [(user, roles[user.id]) for user in people], operations.closes_at(survey), reminder=True)
    Survey.update(reminded_at=now).where(Survey.id == survey.id, Survey.reminded_at.is_null()).execute()
    survey.reminded_at = now
    return count


def reminder_due(survey: Survey, now: dt.datetime) -> bool:
    if survey.sent_at is None or survey.reminded_at is not None or not operations.is_open(survey, now):
        return False
    days = settings.get(survey.program, "survey_reminder_days")
    return now >= survey.sent_at + dt.timedelta(days=days)


def run(now: dt.datetime | None = None) -> dict[str, int]:
    """The hourly job: in the programme the portal runs now, send what is due today and any reminder whose day came."""
    now = now or utcnow()
    counts = {"sent": 0, "reminded": 0}
    program = Program.current()
    if program is None:
        return counts
    for kind in defaults.KINDS:
        if not enabled(program, kind):
            continue
        survey = Survey.get_or_none(Survey.program == program, Survey.kind == kind)
        if (survey is None or survey.sent_at is None) and due(program, kind, now.date()):
            counts["sent"] += send_survey(survey or operations.survey_for(program, kind), now)
        elif survey is not None and reminder_due(survey, now):
            counts["reminded"] += send_reminders(survey, now)
    return counts


def send_now(survey: Survey, actor, progress=_no_report) -> int | None:
    """An admin sends the survey before its date (or while automatic sending is off); None when it already went."""
    if survey.sent_at is not None:
        return None
    count = send_survey(survey, progress=progress)
    audit.record(actor, "survey.send", f"survey:{survey.id}", kind=survey.kind, emails=count)
    return count
