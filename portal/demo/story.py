"""A programme part-way through, on top of the demo people: pairs that meet, pairs that do not, feedback, a survey
answered, people who left and the follow-ups all of that raises. Inserted in bulk, so it scales to thousands of pairs.

The scene: pairing opened `days_in` days ago; most pairs were matched in its first week (the first wave) and the rest
in the last fortnight, after the team opened registration and pairing again for late joiners (the second wave).
"""
from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import chunked

from portal.agendas import store as agendas
from portal.db import analyze, database
from portal.demo.generator import DEMO_ACCOUNTS, _insert
from portal.followups import sweep
from portal.leaving.operations import REASONS as EXIT_REASONS
from portal.models import (
    Email,
    Feedback,
    FollowUp,
    Match,
    Meeting,
    Participant,
    Program,
    SurveyResponse,
    User,
    utcnow,
)
from portal.programme import operations as programme
from portal.surveys import defaults as survey_defaults
from portal.surveys import operations as surveys

DAYS_IN = 100  # past the mid-point of a six-month programme, so its survey has gone out
FIRST_WAVE_DAYS = 7
SECOND_WAVE_DAYS = 14  # the second wave: pairs matched in the last fortnight
EARLY_SHARE = 0.8  # of people, who joined before the first wave was paired
PAIRED_SHARE = 0.8  # of mentees who finished the questionnaire in time
# What becomes of a first-wave pair: it meets, it met and then went quiet, it never booked, one of it left.
FATES = {"meets": 74, "quiet": 10, "never": 8, "left": 8}
GAP_DAYS = (18, 34)  # between a pair's sessions: one to one and a half a month
FEEDBACK_SHARE = 0.75  # of held sessions each side gives feedback on
RATINGS = {5: 45, 4: 35, 3: 12, 2: 6, 1: 2}
FITS = {5: 40, 4: 38, 3: 14, 2: 6, 1: 2}
SURVEY_SHARE = 0.6  # of those asked who answered the mid-point survey
SURVEY_RATINGS = {5: 35, 4: 40, 3: 15, 2: 7, 1: 3}
SESSION_MINUTES = 60
WENT_WELL = [
    "We agreed on three goals for the next quarter and a first step for each.",
    "Talked through the reorganisation and what it means for my role.",
    "Practised the stakeholder update I give on Thursday; useful feedback on the opening.",
    "Went through a difficult conversation I have been putting off and planned how to start it.",
    "Reviewed my promotion case together; I know what evidence is missing.",
    "",
]
LOW_WENT_WELL = ["We both had to cut it short and did not get to the agenda.", "Hard to find common ground today.", ""]
SURVEY_ANSWERS = {
    "relationship": ["We meet every month and it is getting more open each time.", "Slowly; our calendars clash.",
                     "Better than I expected: we talk about things I would not raise with my manager."],
    "goals": ["Halfway there.", "Yes, the first one is done.", "Not yet; the goals were too broad."],
    "expectations": ["Yes.", "More practical than I thought.", "I expected more structure."],
    "improve": ["A reminder before each session.", "More agenda ideas for later sessions.", ""],
}
RESOLUTIONS = ["Called them; they rebooked for next week.", "Spoke to both: a busy month, they are meeting again."]


@dataclass
class Scene:
    """What the story made, for the command's summary and the benchmark's check."""

    pairs: int = 0
    sessions: int = 0
    feedback: int = 0
    survey_answers: int = 0
    left: int = 0
    follow_ups: int = 0
    fates: dict = field(default_factory=dict)
    told_before: bool = False

    def summary(self) -> str:
        if self.told_before:
            return "the programme already had pairs, so its story was left as it was"
        return (f"{self.pairs} pairs, {self.sessions} sessions, {self.feedback} feedback answers, "
                f"{self.left} left")


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def set_the_scene(program: Program, days_in: int = DAYS_IN, today: dt.date | None = None) -> None:
    """Pairing opened `days_in` days ago; registration and pairing open again for the second wave."""
    today = today or programme.today()
    programme.reschedule(program, today - dt.timedelta(days=days_in))
    overrides = {"mentor_registration": True, "mentee_registration": True, "pairing": True}
    Program.update(phase_overrides=overrides).where(Program.id == program.id).execute()


def _stretch_timelines(program: Program, now: dt.datetime) -> None:
    """Spread when people joined over the registration so far, keeping their order: most before pairing opened.

    The people were generated for a programme about to pair; here it has run for months, and a first-wave pair
    must have joined before pairing opened.
    """
    rows = list(Participant.select(Participant.id, Participant.user, Participant.joined_at,
                                   Participant.questionnaire_completed_at).where(Participant.program == program))
    if not rows:
        return
    order = sorted({r.user_id: r.joined_at for r in rows}.items(), key=lambda item: (item[1], item[0]))
    registration = dt.datetime.combine(program.mentor_registration_opens, dt.time(9))
    first_wave = dt.datetime.combine(program.pairing_opens, dt.time(9)) + dt.timedelta(days=FIRST_WAVE_DAYS - 2)
    early = round(len(order) * EARLY_SHARE)
    joined = {}
    for rank, (user_id, _) in enumerate(order):
        if rank < early:  # spread over registration up to the first wave
            joined[user_id] = registration + (first_wave - registration) * (rank / max(1, early))
        else:  # late joiners, for the second wave
            joined[user_id] = first_wave + (now - first_wave) * ((rank - early + 1) / (len(order) - early + 1))
    for row in rows:
        took = (row.questionnaire_completed_at - row.joined_at) if row.questionnaire_completed_at else None
        row.joined_at = joined[row.user_id]
        if took is not None:
            row.questionnaire_completed_at = min(now, row.joined_at + min(took, dt.timedelta(days=1)))
    for batch in chunked(rows, 500):
        Participant.bulk_update(batch, fields=[Participant.joined_at, Participant.questionnaire_completed_at])
    people = [User(id=user_id, created_at=at) for user_id, at in joined.items()]
    for batch in chunked(people, 500):
        User.bulk_update(batch, fields=[User.created_at])


def _ready(program: Program, role: str) -> list[Participant]:
    return list(Participant.select().where(Participant.program == program, Participant.role == role,
                                           Participant.status == "ready").order_by(Participant.id))


def _pairs(rng: random.Random, program: Program, opens: dt.datetime, now: dt.datetime,
           count: int | None) -> list[tuple[Participant, Participant, dt.datetime, str]]:
    """(mentor, mentee, matched at, fate): the first wave from who was ready in time, the second from later ones."""
    demo_mentee = DEMO_ACCOUNTS[2].email
    keep_unpaired = {u.id for u in User.select(User.id).where(User.email == demo_mentee)}
    mentees = [p for p in _ready(program, "mentee") if p.user_id not in keep_unpaired]
    mentors = _ready(program, "mentor")
    demo_mentor = {u.id for u in User.select(User.id).where(User.email == DEMO_ACCOUNTS[1].email)}
    # The demo mentor's places come first, so signing in as her shows pairs with a history.
    places = [m for m in mentors if m.user_id in demo_mentor for _ in range(min(2, m.capacity or 1))]
    rest = [m for m in mentors if m.user_id not in demo_mentor for _ in range(m.capacity or 1)]
    rng.shuffle(rest)
    places += rest
    wanted = count if count is not None else round(len(mentees) * PAIRED_SHARE)
    rng.shuffle(mentees)
    mentees.sort(key=lambda p: p.questionnaire_completed_at or now)  # the earliest finishers paired first
    second_wave_from = now - dt.timedelta(days=SECOND_WAVE_DAYS)
    chosen, taken = [], set()
    every_fate = [fate for fate in FATES if fate != "meets"]  # even a small demo shows each of them once
    for mentee in mentees:
        if len(chosen) >= wanted:
            break
        mentor = next((m for m in places if m.user_id != mentee.user_id and (m.id, mentee.user_id) not in taken), None)
        if mentor is None:
            break
        places.remove(mentor)
        taken.add((mentor.id, mentee.user_id))
        ready_at = max(mentee.questionnaire_completed_at or now, mentor.questionnaire_completed_at or now)
        if ready_at < opens + dt.timedelta(days=FIRST_WAVE_DAYS) and len(chosen) < wanted * 0.85:
            start = max(opens, ready_at) + dt.timedelta(hours=rng.uniform(2, 24 * FIRST_WAVE_DAYS))
            fate = "meets" if mentor.user_id in demo_mentor else (every_fate.pop() if every_fate else _pick(rng, FATES))
        else:
            start = max(second_wave_from, ready_at) + dt.timedelta(hours=rng.uniform(1, 24 * 10))
            fate = "new"
        chosen.append((mentor, mentee, min(start, now - dt.timedelta(hours=1)), fate))
    return chosen


def _sessions(rng: random.Random, start: dt.datetime, now: dt.datetime, fate: str,
              gap_days: tuple[float, float]) -> tuple[list[dt.datetime], dt.datetime | None]:
    """When a pair's sessions start, and when the pair ended (if one of them left)."""
    if fate == "never":
        return [], None
    if fate == "new":  # matched days ago: some have booked their first session
        return ([start + dt.timedelta(days=rng.uniform(5, 16))] if rng.random() < 0.6 else []), None
    ends = {"quiet": now - dt.timedelta(days=rng.uniform(50, 70)),
            "left": now - dt.timedelta(days=rng.uniform(10, 40))}.get(fate, now + dt.timedelta(days=25))
    moments, moment = [], start + dt.timedelta(days=rng.uniform(4, 12))
    while moment < ends:
        moments.append(moment)
        moment += dt.timedelta(days=rng.uniform(*gap_days))
    if fate == "quiet" and not moments:
        moments.append(ends)
    ended = ends if fate == "left" else None
    if ended is not None and rng.random() < 0.5:
        moments.append(ended + dt.timedelta(days=rng.uniform(5, 20)))  # booked, then cancelled by the leaving
    return moments, ended


def _at_working_hour(moment: dt.datetime) -> dt.datetime:
    """On a weekday, on the hour or half past, between 9:00 and 16:30."""
    if moment.weekday() >= 5:
        moment += dt.timedelta(days=7 - moment.weekday())
    return moment.replace(hour=9 + moment.hour % 8, minute=0 if moment.minute < 30 else 30, second=0, microsecond=0)


def tell(program: Program, *, seed: int = 7, pairs: int | None = None, days_in: int = DAYS_IN,
         gap_days: tuple[float, float] = GAP_DAYS, feedback_share: float = FEEDBACK_SHARE,
         now: dt.datetime | None = None) -> Scene:
    """Set the programme `days_in` days into pairing and tell its story over the people already loaded."""
    rng = random.Random(seed)
    now = now or utcnow()
    if Match.select().where(Match.program == program).exists():
        # More people loaded later join as late joiners; the programme stays where its story left it.
        set_the_scene(program, days_in, now.date())
        return Scene(told_before=True)
    scene = Scene()
    with database.atomic():
        set_the_scene(program, days_in, now.date())
        program = Program.get_by_id(program.id)
        _stretch_timelines(program, now)
        opens = dt.datetime.combine(program.pairing_opens, dt.time(9))
        chosen = _pairs(rng, program, opens, now, pairs)
        scene.pairs = len(chosen)
        scene.fates = dict(sorted(_count(fate for *_, fate in chosen).items()))
        _insert(Match, [Match.program, Match.mentor, Match.mentee, Match.made_by, Match.started_at],
                [(program.id, mentor.user_id, mentee.user_id, rng.choice(("mentee-led", "approval", "admin")), start)
                 for mentor, mentee, start, _ in chosen])
        match_ids = dict(((m, e), i) for i, m, e in Match.select(Match.id, Match.mentor, Match.mentee)
                         .where(Match.program == program).tuples())
        paired = [p.id for mentor, mentee, *_ in chosen for p in (mentor, mentee)]
        for batch in chunked(paired, 1000):
            Participant.update(status="paired").where(Participant.id.in_(batch)).execute()
        leavers = _meetings(rng, program, chosen, match_ids, now, gap_days, scene)
        _leave(rng, program, leavers, now, scene)
        scene.feedback = _feedback(rng, program, now, feedback_share)
        scene.survey_answers = _survey(rng, program, now)
        _calendar_trouble(program, now)
        for raise_due in (sweep.no_first_session, sweep.quiet, sweep.unpaired):
            raise_due(program, now)
        _handled(rng, program, now)
        scene.follow_ups = FollowUp.select().where(FollowUp.program == program).count()
        scene.sessions = Meeting.select().join(Match).where(Match.program == program).count()
    analyze()
    return scene


def _count(values) -> dict:
    counts = defaultdict(int)
    for value in values:
        counts[value] += 1
    return counts


def _meetings(rng, program, chosen, match_ids, now, gap_days, scene) -> list[tuple]:
    """Every pair's sessions, held, booked and cancelled; returns (participant, match id, left at) of leavers."""
    slugs = [d.slug for d in agendas.for_program(program)]
    rows, leavers = [], []
    for mentor, mentee, start, fate in chosen:
        match_id = match_ids[(mentor.user_id, mentee.user_id)]
        moments, ended = _sessions(rng, start, now, fate, gap_days)
        for number, moment in enumerate(moments, start=1):
            begins = _at_working_hour(moment)
            cancelled = ended is not None and begins > ended
            rows.append((match_id, mentor.user_id, number, slugs[min(number, len(slugs)) - 1], begins,
                         begins + dt.timedelta(minutes=SESSION_MINUTES), "Europe/London", "virtual",
                         "https://meet.example.org/" + uuid.uuid4().hex[:10], uuid.uuid4().hex + "@portal",
                         "cancelled" if cancelled else "scheduled", "none", begins - dt.timedelta(days=7)))
        if ended is not None:
            leavers.append((rng.choice((mentor, mentee)), match_id, ended))
    _insert(Meeting, [Meeting.match, Meeting.organizer, Meeting.number, Meeting.agenda, Meeting.starts_at,
                      Meeting.ends_at, Meeting.zone, Meeting.location_kind, Meeting.location, Meeting.uid,
                      Meeting.status, Meeting.sync_state, Meeting.created_at], rows)
    return leavers


def _leave(rng, program, leavers, now, scene) -> None:
    """People who left: their participation, their pair ended and one follow-up each, as leaving does."""
    reasons = [key for key in EXIT_REASONS if key != "other"]
    names = dict(User.select(User.id, User.name).where(User.id.in_([p.user_id for p, *_ in leavers])).tuples())
    follow_ups = []
    for person, match_id, left_at in leavers:
        reason = rng.choice(reasons)
        Participant.update(status="exited", exited_at=left_at, exit_reason=reason).where(
            Participant.program == program, Participant.user == person.user_id).execute()
        theirs = Match.select(Match.id).where(Match.program == program, Match.ended_at.is_null(),
                                              (Match.mentor == person.user_id) | (Match.mentee == person.user_id))
        ended = [i for (i,) in theirs.tuples()]
        Match.update(ended_at=left_at, end_reason=f"{names[person.user_id]} left the programme.").where(
            Match.id.in_(ended)).execute()
        # Leaving cancels the sessions still to come, as it does in the portal.
        Meeting.update(status="cancelled").where(Meeting.match.in_(ended), Meeting.starts_at > left_at).execute()
        follow_ups.append((program.id, match_id, person.user_id, "exit",
                           f"exit:{program.id}:{person.user_id}:{left_at.isoformat()}",
                           f"{names[person.user_id]} left: {EXIT_REASONS[reason].lower()}.", left_at, ""))
    # Someone unpaired leaves too: not every leaver had a pair.
    demo = User.select(User.id).where(User.email.in_([a.email for a in DEMO_ACCOUNTS]))
    waiting = Participant.select().where(Participant.program == program, Participant.role == "mentee",
                                         Participant.status == "ready", Participant.user.not_in(demo)
                                         ).order_by(Participant.id).first()
    if waiting is not None:
        left_at = now - dt.timedelta(days=rng.uniform(3, 20))
        Participant.update(status="exited", exited_at=left_at, exit_reason="workload").where(
            Participant.id == waiting.id).execute()
        name = User.get_by_id(waiting.user_id).name
        follow_ups.append((program.id, None, waiting.user_id, "exit",
                           f"exit:{program.id}:{waiting.user_id}:{left_at.isoformat()}",
                           f"{name} left: {EXIT_REASONS['workload'].lower()}.", left_at, ""))
    _insert(FollowUp, sweep.COLUMNS, follow_ups)
    scene.left = len(follow_ups)


def _feedback(rng, program, now, share) -> int:
    """Feedback from each side on most held sessions; a rating or fit of 2 or less raises a follow-up."""
    held = (Meeting.select(Meeting.id, Meeting.starts_at, Match.mentor, Match.mentee)
            .join(Match).where(Match.program == program, Meeting.status == "scheduled", Meeting.starts_at <= now)
            .tuples())
    rows = []
    for meeting_id, starts_at, mentor_id, mentee_id in held:
        for user_id in (mentor_id, mentee_id):
            if rng.random() >= share:
                continue
            rating, fit = _pick(rng, RATINGS), _pick(rng, FITS) if rng.random() < 0.8 else None
            said = rng.choice(LOW_WENT_WELL if rating <= 2 else WENT_WELL)
            given = min(now, starts_at + dt.timedelta(hours=rng.uniform(1, 72)))
            rows.append((meeting_id, user_id, rating, fit, said, given, given))
    _insert(Feedback, [Feedback.meeting, Feedback.user, Feedback.rating, Feedback.fit, Feedback.went_well,
                       Feedback.created_at, Feedback.updated_at], rows)
    low = (Feedback.select(Feedback.id, Feedback.rating, Feedback.fit, Feedback.went_well, Feedback.created_at,
                           Meeting.number, Meeting.match, User.id, User.name)
           .join(Meeting).join(Match).switch(Feedback).join(User)
           .where(Match.program == program, (Feedback.rating <= 2) | (Feedback.fit <= 2)).tuples())
    flags = []
    for feedback_id, rating, fit, went_well, given, number, match_id, user_id, name in low:
        said = f" They wrote: “{went_well[:300]}”" if went_well else ""
        for kind, value, reason, what in (("rating", rating, "low_rating", "rated session"),
                                          ("fit", fit, "low_fit", "rated the fit of the pairing after session")):
            if value is not None and value <= 2:
                flags.append((program.id, match_id, user_id, reason, f"feedback:{feedback_id}:{kind}",
                              f"{name} {what} {number} {value} out of 5.{said}", given, ""))
    _insert(FollowUp, sweep.COLUMNS, flags)
    return len(rows)


def _survey(rng, program, now) -> int:
    """The mid-point survey went out to everyone taking part; most answered, a few rated it low."""
    survey = surveys.survey_for(program, "midpoint")
    sent_at = min(now - dt.timedelta(days=3), dt.datetime.combine(program.midpoint, dt.time(8)))
    survey.sent_at = sent_at
    survey.save()
    asked = surveys.roles_of(program, [p.user_id for p in Participant.taking_part(program).select(Participant.user)])
    names = dict(User.select(User.id, User.email).where(User.id.in_(list(asked))).tuples()) if asked else {}
    _insert(Email, [Email.to_address, Email.subject, Email.text_body, Email.category, Email.dedupe_key, Email.status,
                    Email.created_at, Email.sent_at],
            [(names[user_id], "How is mentoring going?", "The mid-point survey.", "survey",
              surveys.invite_key(survey, user_id), "sent", sent_at, sent_at) for user_id in asked])
    labels = {user_id: name for user_id, name in User.select(User.id, User.name)
              .where(User.id.in_(list(asked))).tuples()} if asked else {}
    responses = []
    for user_id, role in sorted(asked.items()):
        if rng.random() >= SURVEY_SHARE:
            continue
        rating = _pick(rng, SURVEY_RATINGS)
        answers = {key: rng.choice(options) for key, options in SURVEY_ANSWERS.items()}
        answers[survey_defaults.OVERALL] = rating
        responses.append((survey.id, user_id, role, answers, rating,
                          min(now, sent_at + dt.timedelta(hours=rng.uniform(1, 24 * 6)))))
    _insert(SurveyResponse, [SurveyResponse.survey, SurveyResponse.user, SurveyResponse.role, SurveyResponse.answers,
                             SurveyResponse.rating, SurveyResponse.submitted_at], responses)
    low = (SurveyResponse.select(SurveyResponse.id, SurveyResponse.user, SurveyResponse.role, SurveyResponse.rating,
                                 SurveyResponse.submitted_at)
           .where(SurveyResponse.survey == survey, SurveyResponse.rating <= 2).tuples())
    label = survey_defaults.LABELS["midpoint"].lower()
    _insert(FollowUp, sweep.COLUMNS,
            [(program.id, None, user_id, "survey", f"survey:{response_id}",
              f"{labels[user_id]} ({role}) rated the {label} {rating} out of 5.", submitted_at, "")
             for response_id, user_id, role, rating, submitted_at in low])
    return len(responses)


def _calendar_trouble(program, now) -> None:
    """One upcoming session that the organiser's calendar refused, as a failed sync leaves it."""
    meeting = (Meeting.select(Meeting, Match).join(Match)
               .where(Match.program == program, Meeting.status == "scheduled", Meeting.starts_at > now)
               .order_by(Meeting.starts_at).first())
    if meeting is None:
        return
    error = "The calendar server answered 403 Forbidden."
    Meeting.update(sync_state="failed", sync_attempts=5, sync_error=error).where(Meeting.id == meeting.id).execute()
    organiser = User.get_by_id(meeting.organizer_id)
    _insert(FollowUp, sweep.COLUMNS,
            [(program.id, meeting.match_id, organiser.id, "calendar_sync",
              f"calendar_sync:{meeting.id}:{meeting.sequence}",
              f"Session {meeting.number} could not be written to {organiser.name}'s calendar: {error}",
              now - dt.timedelta(hours=5), "")])


def _handled(rng, program, now) -> None:
    """The programme team followed up the two oldest flags already, with a note on what they did."""
    admin = User.get_or_none(User.email == DEMO_ACCOUNTS[0].email)
    oldest = list(FollowUp.select().where(FollowUp.program == program).order_by(FollowUp.created_at).limit(2))
    for follow_up, note in zip(oldest, RESOLUTIONS):
        FollowUp.update(resolved_at=min(now, follow_up.created_at + dt.timedelta(days=rng.uniform(1, 3))),
                        resolved_by=admin.id if admin else None, resolution=note).where(
            FollowUp.id == follow_up.id).execute()
