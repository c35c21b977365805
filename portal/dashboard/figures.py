"""The programme in numbers, for the dashboard: a handful of GROUP BY queries, whatever the number of pairs."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from portal.db import database
from portal.followups.sweep import FIRST_SESSION_DAYS, QUIET_DAYS  # the same days raise follow-ups
from portal.meetings.schedule import stored
from portal.models import Feedback, FollowUp, Match, Meeting, Participant, Program, User
from portal.pairing import operations as pairing
from portal.surveys import defaults as survey_defaults
from portal.surveys import operations as surveys
from portal.surveys import results as survey_results

TARGET_RATIO = (5, 4)  # mentors to mentees: some mentors with room left for every mentee
TARGET_SHARE = (10, 15)  # per cent of the organisation taking part
TARGET_RATE = (1.0, 1.5)  # sessions per pair per month
MONTH_DAYS = 30.4375
RATE_BINS = (("none", None, 0.0), ("under 0.5", 0.0, 0.5), ("0.5 to under 1.0", 0.5, 1.0),
             ("1.0 to 1.5 (target)", 1.0, 1.5), ("over 1.5", 1.5, None))
LISTED = 10  # pairs named under each nudge; the counts say how many there are in all


@dataclass(frozen=True)
class Pair:
    """One pair's sessions, as the per-pair aggregate query returns them."""
    id: int
    started_at: dt.datetime
    ended_at: dt.datetime | None
    first: dt.datetime | None  # the earliest scheduled session, held or booked
    latest: dt.datetime | None  # the latest scheduled session, held or booked
    latest_held: dt.datetime | None
    held: int
    booked: int  # scheduled sessions, held or still to come
    cancelled: int


@dataclass
class Figures:
    mentors: int = 0
    mentees: int = 0
    exited: int = 0
    people: int = 0  # distinct people taking part, in either role
    organisation_size: int = 0
    to_pair: int = 0
    active_pairs: int = 0
    ended_pairs: int = 0
    held_first: int = 0
    booked_not_held: int = 0
    not_booked: int = 0
    met_recently: int = 0
    held: int = 0
    upcoming: int = 0
    cancelled: int = 0
    rate: float | None = None  # sessions per pair per month over the pairs matched a month or more
    rate_pairs: int = 0
    rate_bins: list = field(default_factory=list)  # (label, pairs)
    progress: list = field(default_factory=list)  # (day since pairing opened, date, matched that day, in total)
    feedback: int = 0
    average_rating: float | None = None
    average_fit: float | None = None
    fit_answers: int = 0
    ratings_by_month: list = field(default_factory=list)  # (month, counts 1..5, average)
    fit_by_month: list = field(default_factory=list)
    surveys: list = field(default_factory=list)  # (label, sent, by-role rows)
    left_by_role: dict = field(default_factory=dict)
    left_by_reason: list = field(default_factory=list)  # (reason, mentors, mentees)
    left_by_month: list = field(default_factory=list)  # (month, mentors, mentees)
    recent_leavers: list = field(default_factory=list)
    no_first_session: list = field(default_factory=list)
    no_first_session_count: int = 0
    quiet: list = field(default_factory=list)
    quiet_count: int = 0

    @property
    def ratio(self) -> float | None:
        """Mentors for every 4 mentees."""
        return round(4 * self.mentors / self.mentees, 1) if self.mentees else None

    @property
    def share(self) -> float | None:
        """Per cent of the organisation taking part."""
        return round(100 * self.people / self.organisation_size, 1) if self.organisation_size else None

    @property
    def held_first_share(self) -> int | None:
        return round(100 * self.held_first / self.active_pairs) if self.active_pairs else None


def gather(program: Program, now: dt.datetime | None = None) -> Figures:
    """Every figure of the dashboard, at `now` (aware; default: now)."""
    now = stored(now or dt.datetime.now(dt.UTC))
    figures = Figures(organisation_size=program.organisation_size or 0)
    _people(figures, program)
    figures.to_pair = pairing.count_to_pair(program)
    pairs = pairs_of(program, now)
    _pairs(figures, pairs, now)
    _progress(figures, program, pairs, now)
    _rates(figures, pairs, now)
    _sessions(figures, pairs)
    _feedback(figures, program)
    _surveys(figures, program)
    _leavers(figures, program)
    return figures


def pairs_of(program: Program, now: dt.datetime) -> list[Pair]:
    """Every pair of the programme with its session dates and counts: one GROUP BY query."""
    scheduled = Meeting.status == "scheduled"
    held = scheduled & (Meeting.starts_at <= now)
    query = (Match.select(Match.id, Match.started_at, Match.ended_at,
                          fn.MIN(Case(None, [(scheduled, Meeting.starts_at)], None)),
                          fn.MAX(Case(None, [(scheduled, Meeting.starts_at)], None)),
                          fn.MAX(Case(None, [(held, Meeting.starts_at)], None)),
                          fn.SUM(Case(None, [(held, 1)], 0)), fn.SUM(Case(None, [(scheduled, 1)], 0)),
                          fn.SUM(Case(None, [(Meeting.status == "cancelled", 1)], 0)))
             .join(Meeting, JOIN.LEFT_OUTER, on=(Meeting.match == Match.id))
             .where(Match.program == program).group_by(Match.id))
    # The cursor's rows as the driver gives them: peewee's per-value conversion costs more than the query here.
    return [Pair(row[0], _moment(row[1]), _moment(row[2]), _moment(row[3]), _moment(row[4]), _moment(row[5]),
                 int(row[6] or 0), int(row[7] or 0), int(row[8] or 0)) for row in database.execute(query)]


def _moment(value) -> dt.datetime | None:
    """A stored time as naive UTC (SQLite hands aggregates back as text)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _people(figures: Figures, program: Program) -> None:
    counts = (Participant.select(Participant.role, Participant.status, fn.COUNT(Participant.id))
              .where(Participant.program == program).group_by(Participant.role, Participant.status).tuples())
    for role, status, count in counts:
        if status == "exited":
            figures.exited += count
            figures.left_by_role[role] = figures.left_by_role.get(role, 0) + count
        elif role == "mentor":
            figures.mentors += count
        elif role == "mentee":
            figures.mentees += count
    figures.people = Participant.taking_part(program).select(fn.COUNT(fn.DISTINCT(Participant.user))).scalar() or 0


def _pairs(figures: Figures, pairs: list[Pair], now: dt.datetime) -> None:
    active = [p for p in pairs if p.ended_at is None]
    figures.active_pairs, figures.ended_pairs = len(active), len(pairs) - len(active)
    figures.held_first = sum(1 for p in active if p.held)
    figures.not_booked = sum(1 for p in active if not p.booked)
    figures.booked_not_held = len(active) - figures.held_first - figures.not_booked
    recent = now - dt.timedelta(days=QUIET_DAYS)
    figures.met_recently = sum(1 for p in active if p.latest_held is not None and p.latest_held > recent)
    unbooked_since = now - dt.timedelta(days=FIRST_SESSION_DAYS)
    by_age = sorted(active, key=lambda p: p.started_at)
    no_first = [p.id for p in by_age if not p.booked and p.started_at <= unbooked_since]
    quiet = sorted((p for p in active if p.latest is not None and p.latest <= recent), key=lambda p: p.latest)
    figures.no_first_session_count, figures.quiet_count = len(no_first), len(quiet)
    figures.no_first_session = _named(no_first[:LISTED], {})
    figures.quiet = _named([p.id for p in quiet[:LISTED]], {p.id: p.latest for p in quiet[:LISTED]})


def _named(match_ids: list[int], latest: dict) -> list[dict]:
    """The pairs with both names, in the order given: one query."""
    if not match_ids:
        return []
    mentor, mentee = User.alias(), User.alias()
    rows = {row[0]: row for row in (Match.select(Match.id, Match.started_at, mentor.name, mentee.name)
                                    .join(mentor, on=(Match.mentor == mentor.id))
                                    .switch(Match).join(mentee, on=(Match.mentee == mentee.id))
                                    .where(Match.id.in_(match_ids)).tuples())}
    return [{"id": i, "started_at": _moment(rows[i][1]), "mentor": rows[i][2], "mentee": rows[i][3],
             "latest": latest.get(i)} for i in match_ids if i in rows]


def _progress(figures: Figures, program: Program, pairs: list[Pair], now: dt.datetime) -> None:
    """Pairs matched on each day since pairing opened (earlier ones count on day 0)."""
    if not pairs:
        return
    opened = program.pairing_opens
    per_day = Counter(max(0, (p.started_at.date() - opened).days) for p in pairs)
    last = max(per_day)
    today = (now.date() - opened).days
    if 0 <= today <= (program.pairing_closes - opened).days:
        last = max(last, today)  # while pairing is open, the chart runs to today
    total = 0
    for day in range(last + 1):
        total += per_day.get(day, 0)
        figures.progress.append((day, opened + dt.timedelta(days=day), per_day.get(day, 0), total))


def _rates(figures: Figures, pairs: list[Pair], now: dt.datetime) -> None:
    """Sessions held per pair per month, over the pairs matched for a month or more."""
    bins = Counter()
    months_total, held_total = 0.0, 0
    for pair in pairs:
        months = ((pair.ended_at or now) - pair.started_at).total_seconds() / 86400 / MONTH_DAYS
        if months < 1:
            continue
        months_total += months
        held_total += pair.held
        rate = pair.held / months
        bins[next(label for label, low, high in RATE_BINS if _in_bin(rate, low, high))] += 1
    figures.rate_pairs = sum(bins.values())
    figures.rate = round(held_total / months_total, 2) if months_total else None
    figures.rate_bins = [(label, bins.get(label, 0)) for label, _, _ in RATE_BINS]


def _in_bin(rate: float, low: float | None, high: float | None) -> bool:
    """Bins: none; (0, 0.5); [0.5, 1.0); [1.0, 1.5]; over 1.5."""
    if low is None:
        return rate == 0
    if high is None:
        return rate > low
    if low == 0:
        return 0 < rate < high
    return low <= rate < high if high < 1.5 else low <= rate <= high


def _sessions(figures: Figures, pairs: list[Pair]) -> None:
    figures.held = sum(p.held for p in pairs)
    figures.upcoming = sum(p.booked - p.held for p in pairs)
    figures.cancelled = sum(p.cancelled for p in pairs)


def _feedback(figures: Figures, program: Program) -> None:
    """Ratings and fit, overall and by the month the feedback was given: one GROUP BY query."""
    day = fn.DATE(Feedback.created_at)
    rows = (Feedback.select(day, Feedback.rating, Feedback.fit, fn.COUNT(Feedback.id))
            .join(Meeting).join(Match).where(Match.program == program)
            .group_by(day, Feedback.rating, Feedback.fit).tuples())
    ratings, fits = defaultdict(Counter), defaultdict(Counter)
    for when, rating, fit, count in rows:
        month = _day(when).strftime("%Y-%m")
        ratings[month][rating] += count
        if fit is not None:
            fits[month][fit] += count
    figures.ratings_by_month, figures.feedback, figures.average_rating = _by_month(ratings)
    figures.fit_by_month, figures.fit_answers, figures.average_fit = _by_month(fits)


def _by_month(counts: dict) -> tuple[list, int, float | None]:
    """Per month: the count of each score 1 to 5 and the average; with the overall count and average."""
    months, answers, total = [], 0, 0
    for month in sorted(counts):
        scores = [counts[month].get(score, 0) for score in range(1, 6)]
        n = sum(scores)
        weighted = sum(score * c for score, c in zip(range(1, 6), scores, strict=True))
        months.append((month, scores, round(weighted / n, 1) if n else None))
        answers, total = answers + n, total + weighted
    return months, answers, (round(total / answers, 1) if answers else None)


def _surveys(figures: Figures, program: Program) -> None:
    """Response rates by role of each survey sent so far."""
    for kind in survey_defaults.KINDS:
        survey = surveys.survey_for(program, kind)
        by_role = survey_results.report(survey)["by_role"] if survey.sent_at else []
        figures.surveys.append((survey_defaults.LABELS[kind], survey.sent_at, by_role))


def _leavers(figures: Figures, program: Program) -> None:
    """Who left, when and why, by role."""
    gone = Participant.exited(program)
    reasons = defaultdict(lambda: {"mentor": 0, "mentee": 0})
    for role, reason, count in (gone.select(Participant.role, Participant.exit_reason, fn.COUNT(Participant.id))
                                .group_by(Participant.role, Participant.exit_reason).tuples()):
        reasons[reason or "other"][role] = reasons[reason or "other"].get(role, 0) + count
    figures.left_by_reason = sorted(((reason, c["mentor"], c["mentee"]) for reason, c in reasons.items()),
                                    key=lambda r: -(r[1] + r[2]))
    day = fn.DATE(Participant.exited_at)
    months = defaultdict(lambda: {"mentor": 0, "mentee": 0})
    for when, role, count in (gone.select(day, Participant.role, fn.COUNT(Participant.id))
                              .where(Participant.exited_at.is_null(False))
                              .group_by(day, Participant.role).tuples()):
        months[_day(when).strftime("%Y-%m")][role] += count
    figures.left_by_month = [(month, months[month]["mentor"], months[month]["mentee"]) for month in sorted(months)]
    figures.recent_leavers = list(gone.select(Participant.role, Participant.exited_at, Participant.exit_reason,
                                              User.name).join(User)
                                  .order_by(Participant.exited_at.desc(), Participant.id.desc())
                                  .limit(LISTED).dicts())


def _with_names(query, *people):
    """Follow-ups with the pair's and the person's names loaded in the same query."""
    mentor, mentee, person = User.alias(), User.alias(), User.alias()
    query = (query.select(FollowUp, Match, mentor, mentee, person, *people)
             .join_from(FollowUp, Match, JOIN.LEFT_OUTER)
             .join_from(Match, mentor, JOIN.LEFT_OUTER, on=(Match.mentor == mentor.id), attr="mentor")
             .join_from(Match, mentee, JOIN.LEFT_OUTER, on=(Match.mentee == mentee.id), attr="mentee")
             .join_from(FollowUp, person, JOIN.LEFT_OUTER, on=(FollowUp.user == person.id), attr="user"))
    return query


def open_follow_ups(program: Program, limit: int) -> list[FollowUp]:
    """The newest open follow-ups, names loaded."""
    return list(_with_names(FollowUp.select()).where(FollowUp.program == program, FollowUp.resolved_at.is_null())
                .order_by(FollowUp.created_at.desc(), FollowUp.id.desc()).limit(limit))


def with_handler(query):
    """Follow-ups with the pair's, the person's and the handler's names loaded in the same query."""
    handler = User.alias()
    return (_with_names(query, handler)
            .join_from(FollowUp, handler, JOIN.LEFT_OUTER, on=(FollowUp.resolved_by == handler.id), attr="resolved_by"))


def resolved(program: Program, limit: int = LISTED) -> list[FollowUp]:
    """The follow-ups handled most recently, with who handled them."""
    return list(with_handler(FollowUp.select())
                .where(FollowUp.program == program, FollowUp.resolved_at.is_null(False))
                .order_by(FollowUp.resolved_at.desc()).limit(limit))
