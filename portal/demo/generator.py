"""Realistic demo participants, inserted in bulk so even tens of thousands load in seconds."""
from __future__ import annotations

import datetime as dt
import random
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from peewee import chunked, fn

from portal import skills
from portal.accounts import passwords
from portal.db import analyze, database, is_postgres
from portal.demo import data
from portal.demo import launch as demo_launch
from portal.models import Answer, Participant, Program, Question, User, utcnow
from portal.questionnaire.defaults import DEFAULT_QUESTIONS, SENIORITY
from portal.questionnaire.operations import seed_questions

BATCH_ROWS = 1000
BOTH_SHARE = 0.10  # of people, who are mentor and mentee at once
STRAGGLER_SHARE = 0.05  # of mentees, who stop half-way through the questionnaire
FREE_SKILL_RATE = 0.05  # of skills typed in rather than picked from the vocabulary
EMAIL_DOMAIN = "example.org"
# Built-in questions answered from a generated profile; any other question is one an admin added.
PROFILE_KEYS = {key for key, *_ in DEFAULT_QUESTIONS}


class DemoAccount(NamedTuple):
    """A fixed login for trying the portal; answers are keyed by question key."""

    email: str
    name: str
    roles: tuple[str, ...]
    answers: dict
    is_admin: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("admin@example.org", "Alex Hartley", (), {"timezone": "Europe/London"}, is_admin=True),
    DemoAccount(
        "mentor@example.org",
        "Priya Raman",
        ("mentor",),
        {
            "role_title": "Director of Engineering",
            "department": "Engineering",
            "seniority": "Director",
            "goals_achieved": (
                "Moved from backend engineering into management eight years ago and grew our platform group "
                "from 4 to 35 people across London and Bangalore. Led the group through a reorganisation after "
                "an acquisition without losing anyone we wanted to keep. Happy to talk about the step from senior "
                "engineer to first-time manager, hiring well, and getting heard in leadership meetings."
            ),
            "strengths": ["People management", "System design", "Hiring and interviewing", "Stakeholder management",
                          "Career planning", "Building teams"],
            "location": "Either",
            "timezone": "Europe/London",
            "working_hours": {"start": "09:00", "end": "17:30"},
            "capacity": "3",
        },
    ),
    DemoAccount(
        "mentee@example.org",
        "Lucas Ferreira",
        ("mentee",),
        {
            "role_title": "Senior Software Engineer",
            "department": "Engineering",
            "seniority": "Senior individual contributor",
            "goals_6m": (
                "Lead the design of our new billing service across two teams, and get better at stakeholder "
                "management: I tend to go quiet when product and finance disagree. I'd also like to run our "
                "architecture reviews with confidence."
            ),
            "goals_long": (
                "Step up to Engineering Manager within two years, or find out that the staff engineer path "
                "suits me better."
            ),
            "grow": ["Stakeholder management", "Leadership", "System design", "Public speaking"],
            "location": "Virtual",
            "timezone": "Europe/Lisbon",
            "working_hours": {"start": "09:00", "end": "18:00"},
        },
    ),
]

# Levels from which goals about managing people, departments' stories, and senior stories fit.
MANAGES_FROM = SENIORITY.index("Team lead")
MANAGER_FROM = SENIORITY.index("Manager")
SENIOR_FROM = SENIORITY.index("Senior manager")

NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
                10: "ten", 11: "eleven", 12: "twelve"}


class Picker:
    """Weighted choice with the cumulative weights worked out once, since it runs millions of times."""

    def __init__(self, weights: dict):
        self.keys = list(weights)
        self.cumulative = []
        total = 0
        for weight in weights.values():
            total += weight
            self.cumulative.append(total)

    def __call__(self, rng: random.Random):
        return rng.choices(self.keys, cum_weights=self.cumulative)[0]


ZONES = Picker({zone: weight for zone, weight, *_ in data.TIME_ZONES})
ZONE_DETAILS = {zone: (start, end, pools) for zone, _, start, end, pools in data.TIME_ZONES}
DEPARTMENTS = Picker(data.DEPARTMENT_WEIGHTS)
SENIORITY_PICKERS = {
    "mentor": Picker(data.MENTOR_SENIORITY_WEIGHTS),
    "mentee": Picker(data.MENTEE_SENIORITY_WEIGHTS),
    "both": Picker(data.BOTH_SENIORITY_WEIGHTS),
}
LOCATIONS = Picker(data.LOCATION_WEIGHTS)
CAPACITY = {"mentor": Picker(data.CAPACITY_WEIGHTS), "both": Picker({"1": 50, "2": 40, "3": 10})}
STRENGTH_COUNTS = Picker({3: 15, 4: 25, 5: 25, 6: 20, 7: 15})
GROW_COUNTS = Picker({2: 20, 3: 35, 4: 30, 5: 15})
# Anyone may be working anywhere, but most people have names common where they are.
ALL_POOLS = Picker({pool: len(firsts) for pool, (firsts, _) in data.NAME_POOLS.items()})


@dataclass(slots=True)
class Person:
    """Someone to load: account details, timeline and answers by question key."""

    name: str
    roles: tuple[str, ...]
    timezone: str
    answers: dict
    email: str = ""
    complete: bool = True
    is_admin: bool = False
    joined_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    skills: list[str] = field(default_factory=list)


# People ------------------------------------------------------------------------------------------------------------


def _name(rng: random.Random, zone: str) -> str:
    """A first name and surname that belong together, usually ones common where the person works."""
    pools = ZONE_DETAILS[zone][2]
    if rng.random() < 0.15:
        first_pool = last_pool = ALL_POOLS(rng)  # moved here from anywhere
    else:
        last_pool = pools[0] if rng.random() < 0.6 else rng.choice(pools)
        # Children of immigrants often have a local first name: Emily Chen in Los Angeles, Lena Yılmaz in Berlin.
        local = last_pool != pools[0] and rng.random() < 0.3
        first_pool = pools[0] if local else last_pool
    return f"{rng.choice(data.NAME_POOLS[first_pool][0])} {rng.choice(data.NAME_POOLS[last_pool][1])}"


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _working_hours(rng: random.Random, zone: str) -> dict:
    """The zone's usual office hours, shifted a little the way real people's are."""
    start, end = (_minutes(t) for t in ZONE_DETAILS[zone][:2])
    shift = rng.choice((-60, -30, 0, 0, 0, 30, 60))
    length = end - start + rng.choice((-30, 0, 0, 0, 30))
    if rng.random() < 0.05:
        length = rng.choice((300, 330, 360))  # part-time
    start += shift
    return {"start": _clock(start), "end": _clock(min(start + length, 23 * 60 + 30))}


def _sample_skills(rng: random.Random, count: int, pools: list[tuple[list[str], int]], free: list[str]) -> list[str]:
    """`count` different skills, each drawn from one of the weighted pools or now and then typed in freely."""
    picker = Picker({index: weight for index, (_, weight) in enumerate(pools)})
    chosen: list[str] = []
    for _ in range(count * 10):
        if len(chosen) == count:
            break
        skill = rng.choice(free) if free and rng.random() < FREE_SKILL_RATE else rng.choice(pools[picker(rng)][0])
        if skill not in chosen:
            chosen.append(skill)
    return chosen


def _free_skills(department: str) -> list[str]:
    # Department tools come up more often than languages and hobbies.
    return data.FREE_SKILLS[department] * 2 + data.GENERAL_FREE_SKILLS


def _strengths(rng: random.Random, department: str, seniority: str, popular: bool) -> list[str]:
    """What a mentor offers: their craft, what their level teaches, and some personal skills."""
    if popular:
        pools = [(data.IN_DEMAND_SKILLS, 75), (data.DEPARTMENT_SKILLS[department], 25)]
        return _sample_skills(rng, rng.randint(5, 7), pools, [])
    craft_weight = 30 if seniority in ("Director", "Executive") else 45
    pools = [
        (data.DEPARTMENT_SKILLS[department], craft_weight),
        (data.MENTOR_SKILLS_BY_SENIORITY[seniority], 40),
        (data.PERSONAL_SKILLS, 15),
    ]
    return _sample_skills(rng, STRENGTH_COUNTS(rng), pools, _free_skills(department))


def _grow(rng: random.Random, department: str, seniority: str) -> list[str]:
    """What a mentee wants to grow: next-level skills, some craft, often what everyone wants."""
    craft_weight = 45 if seniority == "Individual contributor" else 30
    pools = [
        (data.DEPARTMENT_SKILLS[department], craft_weight),
        (data.MENTEE_GROW_BY_SENIORITY[seniority], 45),
        (data.IN_DEMAND_SKILLS, 20),
    ]
    return _sample_skills(rng, GROW_COUNTS(rng), pools, _free_skills(department))


def _title(rng: random.Random, department: str, seniority: str) -> str:
    return rng.choice(data.JOB_TITLES[department][seniority])


def _phrases(rng: random.Random, chosen: list[str], department: str) -> dict:
    """Sentence-ready phrases for a person's skills; free-typed skills are left out of sentences."""
    known = [s for s in chosen if s in data.SKILL_PHRASES]
    if len(known) < 2:
        known = list(dict.fromkeys(known + rng.sample(data.DEPARTMENT_SKILLS[department], 2)))
    first, second = rng.sample(known, 2)
    crafts = [s for s in chosen if s in data.DEPARTMENT_SKILLS[department]]
    craft = rng.choice(crafts or data.DEPARTMENT_SKILLS[department])
    return {
        "skill": data.SKILL_PHRASES[first],
        "skill2": data.SKILL_PHRASES[second],
        "craft": data.SKILL_PHRASES[craft],
    }


def _paragraph(rng: random.Random, templates: list[str], count: int, context: dict) -> list[str]:
    """`count` different sentences from the templates, filled in."""
    sentences = []
    for template in rng.sample(templates, count):
        # Fresh skill phrases per sentence, so two sentences rarely name the same skill.
        sentences.append(template.format_map({**context, **_phrases(rng, context["_skills"], context["_dept"])}))
    return sentences


def _context(rng: random.Random, department: str, seniority: str, title: str, chosen: list[str]) -> dict:
    """Everything a goal template may refer to."""
    level = SENIORITY.index(seniority)
    next_level = SENIORITY[min(level + 1, len(SENIORITY) - 1)]
    previous_level = max(0, level - rng.randint(2, 4))
    gap = max(1, level - previous_level)
    return {
        "_skills": chosen,
        "_dept": department,
        "_level": level,
        "department": data.DEPARTMENT_PHRASES[department],
        "other_department": data.DEPARTMENT_PHRASES[rng.choice(data.ADJACENT_DEPARTMENTS[department])],
        "previous_department": data.DEPARTMENT_PHRASES[rng.choice(data.ADJACENT_DEPARTMENTS[department])],
        "next_role": _title(rng, department, next_level),
        "role": title,
        "previous_role": _title(rng, department, SENIORITY[previous_level]),
        "years": NUMBER_WORDS[min(12, max(2, 2 * gap + rng.randint(0, 3)))],
        "team_from": rng.randint(2, 5),
        "team_to": rng.choice((12, 15, 18, 20, 25, 30, 40)),
    }


def _mentee_goals(rng: random.Random, context: dict) -> tuple[str, str]:
    """Six-month and longer-term goals, one or two sentences each, sometimes with a line of context."""
    manages = context["_level"] >= MANAGES_FROM
    short_templates = data.GOALS_6M + (data.GOALS_6M_MANAGING if manages else data.GOALS_6M_BEFORE_MANAGING)
    long_templates = data.GOALS_LONG + (data.GOALS_LONG_MANAGING if manages else data.GOALS_LONG_BEFORE_MANAGING)
    short = _paragraph(rng, short_templates, 1 + (rng.random() < 0.3), context)
    if rng.random() < 0.35:
        short.insert(0, rng.choice(data.MENTEE_CONTEXT))
    long = _paragraph(rng, long_templates, 1 + (rng.random() < 0.35), context)
    return " ".join(short), " ".join(long)


def _mentor_story(rng: random.Random, context: dict, department: str, popular: bool) -> str:
    """What a mentor has achieved: two stories, often a concrete one from their department, maybe an offer."""
    level = context["_level"]
    templates = data.GOALS_ACHIEVED + (data.GOALS_ACHIEVED_SENIOR if level >= SENIOR_FROM else [])
    sentences = _paragraph(rng, templates, 2, context)
    if popular or (level >= MANAGER_FROM and rng.random() < 0.5):
        sentences.append(rng.choice(data.DEPARTMENT_ACHIEVEMENTS[department]))
    if popular or rng.random() < 0.5:
        sentences.append(_paragraph(rng, data.MENTOR_OFFERS, 1, context)[0])
    return " ".join(sentences)


def _person(rng: random.Random, roles: tuple[str, ...], popular: bool = False) -> Person:
    """A generated person with a full set of answers for their roles."""
    zone = ZONES(rng)
    department = DEPARTMENTS(rng)
    kind = "both" if len(roles) == 2 else roles[0]
    seniority = "Executive" if popular else SENIORITY_PICKERS[kind](rng)
    title = _title(rng, department, seniority)
    answers = {
        "role_title": title,
        "department": department,
        "location": LOCATIONS(rng),
        "timezone": zone,
        "working_hours": _working_hours(rng, zone),
    }
    if popular or rng.random() < 0.92:
        answers["seniority"] = seniority
    chosen: list[str] = []
    if "mentor" in roles:
        answers["strengths"] = _strengths(rng, department, seniority, popular)
        answers["capacity"] = "3" if popular else CAPACITY[kind](rng)
        chosen = answers["strengths"]
        context = _context(rng, department, seniority, title, chosen)
        answers["goals_achieved"] = _mentor_story(rng, context, department, popular)
    if "mentee" in roles:
        answers["grow"] = _grow(rng, department, seniority)
        chosen = answers["grow"]
        context = _context(rng, department, seniority, title, chosen)
        answers["goals_6m"], goals_long = _mentee_goals(rng, context)
        if rng.random() < 0.85:
            answers["goals_long"] = goals_long
    return Person(name=_name(rng, zone), roles=roles, timezone=zone, answers=answers, skills=chosen)


def _plan(mentors: int, mentees: int) -> tuple[list[tuple[tuple[str, ...], bool, bool]], int, int]:
    """(roles, popular, straggler) for everyone to generate, plus how many are both and how many stragglers."""
    # Both-people count once as mentor and once as mentee: k = 10% of the (N + M - k) people.
    both = min(mentors, mentees, round((mentors + mentees) * BOTH_SHARE / (1 + BOTH_SHARE)))
    mentor_only, mentee_only = mentors - both, mentees - both
    popular = min(mentor_only, max(3, mentors // 100))
    # Even a small demo leaves someone on the stragglers screen, but never its only mentees.
    stragglers = min(mentee_only, max(1 if mentees >= 10 else 0, round(mentees * STRAGGLER_SHARE)))
    plan = (
        [(("mentor",), i < popular, False) for i in range(mentor_only)]
        + [(("mentee",), False, i < stragglers) for i in range(mentee_only)]
        + [(("mentor", "mentee"), False, False) for _ in range(both)]
    )
    return plan, both, stragglers


def _timeline(rng: random.Random, person: Person, program: Program, now: dt.datetime) -> None:
    """When the person joined and finished the questionnaire: spread over registration, never in the future."""
    opens = program.mentor_registration_opens if "mentor" in person.roles else program.mentee_registration_opens
    # A programme made today opened registration today; spread sign-ups over the past days all the same.
    span = max(3, min(30, (now.date() - opens).days))
    person.joined_at = now - dt.timedelta(days=rng.uniform(0.02, span))
    if person.complete:
        person.completed_at = min(now, person.joined_at + dt.timedelta(minutes=rng.uniform(4, 2 * 24 * 60)))


def _email(name: str, number: int) -> str:
    """firstname.lastname.N@example.org, accents and punctuation dropped."""
    # Letters NFKD does not split into a base letter and an accent.
    name = name.translate(str.maketrans({"ı": "i", "ł": "l", "ø": "o", "ß": "ss", "đ": "d"}))
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    first, *rest = ascii_name.split(" ", 1)
    slug = ".".join("".join(ch for ch in part if ch.isalnum()) for part in (first, *rest))
    return f"{slug}.{number}@{EMAIL_DOMAIN}"


def _fixed_people() -> list[Person]:
    return [
        Person(name=a.name, roles=a.roles, timezone=a.answers.get("timezone", "UTC"), answers=dict(a.answers),
               email=a.email, is_admin=a.is_admin, skills=a.answers.get("strengths") or a.answers.get("grow") or [])
        for a in DEMO_ACCOUNTS
    ]


# Answers -----------------------------------------------------------------------------------------------------------


def _value(rng: random.Random, question: Question, person: Person, table: dict):
    """The person's answer to a question, or None to leave it unanswered."""
    if question.key in person.answers:
        value = person.answers[question.key]
        if question.kind == "choice" and question.options and value not in question.options:
            value = rng.choice(question.options)  # an admin changed the options
        elif question.kind == "skills":
            value = skills.normalise(value, table)
        return value
    if question.key in PROFILE_KEYS:
        return None  # an optional built-in question this person skipped
    return _generic_value(rng, question, person)


def _generic_value(rng: random.Random, question: Question, person: Person):
    """A plausible answer to a question an admin added; free text is left for real people to write."""
    if not question.required and rng.random() < 0.4:
        return None
    if question.kind == "choice" and question.options:
        return rng.choice(question.options)
    if question.kind == "multi_choice" and question.options:
        return rng.sample(question.options, min(len(question.options), rng.randint(1, 2)))
    if question.kind == "skills":
        return person.skills[:4]
    if question.kind == "timezone":
        return person.timezone
    if question.kind == "working_hours":
        return person.answers.get("working_hours")
    return None


def _answers(rng: random.Random, person: Person, questions: list[Question], table: dict) -> dict[int, object]:
    """question id -> answer; someone who stopped half-way has answered only the questions before that point."""
    asked = [q for q in questions if q.asked_of(person.roles)]
    if not person.complete:
        required = [i for i, q in enumerate(asked) if q.required]
        if required:
            asked = asked[: rng.randint(0, required[-1])]
    answers = {}
    for question in asked:
        value = _value(rng, question, person, table)
        if value not in (None, "", [], {}):
            answers[question.id] = value
    return answers


# Database ----------------------------------------------------------------------------------------------------------


def _max_variables() -> int:
    """Bound parameters one statement may carry."""
    if is_postgres():
        return 65535
    return 32766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999


def _insert(model, fields: list, rows: list[tuple]) -> None:
    """Insert rows (tuples in `fields` order) in batches the database accepts."""
    # Model defaults are filled in too, so leave room for their parameters.
    width = len(fields) + len(model._meta.defaults)
    for batch in chunked(rows, max(1, min(BATCH_ROWS, _max_variables() // width))):
        # No RETURNING: PostgreSQL would otherwise send back every new id, which nothing here reads.
        model.insert_many(batch, fields=fields).returning().execute()


def _user_ids(emails: list[str]) -> dict[str, int]:
    """email -> id, selected back because bulk inserts return ids differently on SQLite and PostgreSQL."""
    ids = {}
    for start in range(0, len(emails), BATCH_ROWS):
        query = User.select(User.email, User.id).where(User.email.in_(emails[start:start + BATCH_ROWS]))
        ids.update(query.tuples())
    return ids


def _insert_users(people: list[Person], password_hash: str) -> dict[str, int]:
    """Create the accounts; returns email -> id."""
    fields = [User.email, User.name, User.password_hash, User.is_admin, User.timezone, User.created_at,
              User.last_login_at]
    rows = [
        (p.email, p.name, password_hash, p.is_admin, p.timezone, p.joined_at,
         p.completed_at or p.joined_at + dt.timedelta(minutes=5))
        for p in people
    ]
    _insert(User, fields, rows)
    return _user_ids([p.email for p in people])


def _already_there(program: Program, user_ids: list[int]) -> tuple[set, set]:
    """(user, role) participations and (user, question) answers that existing demo accounts already have."""
    if not user_ids:
        return set(), set()
    roles = Participant.select(Participant.user, Participant.role).where(
        Participant.program == program, Participant.user.in_(user_ids)
    )
    answered = Answer.select(Answer.user, Answer.question).where(Answer.user.in_(user_ids))
    return set(roles.tuples()), set(answered.tuples())


def _insert_participation(
    rng: random.Random, program: Program, people: list[Person], ids: dict[str, int], existing: list[int]
) -> None:
    """Participant and Answer rows for everyone; status follows the answers, as saving the questionnaire does."""
    questions = list(
        Question.select().where(Question.program == program, Question.active).order_by(Question.position, Question.id)
    )
    required = {role: {q.id for q in questions if q.required and q.asked_of([role])} for role in Participant.ROLES}
    table = skills.lookup()
    taken_roles, taken_answers = _already_there(program, existing)
    participants, answers = [], []
    for person in people:
        user_id = ids[person.email]
        given = _answers(rng, person, questions, table)
        updated_at = person.completed_at or person.joined_at + dt.timedelta(minutes=5)
        answers += [
            (program.id, user_id, question_id, value, updated_at)
            for question_id, value in given.items()
            if (user_id, question_id) not in taken_answers
        ]
        for role in person.roles:
            if (user_id, role) in taken_roles:
                continue
            complete = required[role] <= given.keys()
            capacity = int(person.answers["capacity"]) if role == "mentor" else None
            participants.append((
                program.id, user_id, role, capacity, "ready" if complete else "registered",
                person.completed_at if complete else None, person.joined_at,
            ))
    _insert(Participant, [Participant.program, Participant.user, Participant.role, Participant.capacity,
                          Participant.status, Participant.questionnaire_completed_at, Participant.joined_at],
            participants)
    _insert(Answer, [Answer.program, Answer.user, Answer.question, Answer.value, Answer.updated_at], answers)


# Entry point -------------------------------------------------------------------------------------------------------


def _people(rng: random.Random, mentors: int, mentees: int) -> tuple[list[Person], int, int]:
    """The generated people, shuffled so popular mentors and stragglers are spread through every list."""
    plan, both, stragglers = _plan(mentors, mentees)
    people = []
    for roles, popular, straggler in plan:
        person = _person(rng, roles, popular)
        person.complete = not straggler
        people.append(person)
    rng.shuffle(people)
    return people, both, stragglers


def generate(
    program: Program, *, mentors: int = 40, mentees: int = 32, seed: int = 7, password: str = "demo-password"
) -> dict:
    """Load the demo accounts (unless there) and `mentors` + `mentees` generated participants into a programme.

    The same seed gives the same people; running again adds more people under new email addresses.
    """
    seed_questions(program)
    skills.seed_vocabulary()
    rng = random.Random(seed)
    now = utcnow()
    people, both, stragglers = _people(rng, mentors, mentees)
    fixed = _fixed_people()
    for person in fixed + people:
        _timeline(rng, person, program, now)
    # One hash for everyone: hashing is deliberately slow, and thousands of hashes would take minutes.
    password_hash = passwords.hashed(password)
    with database.atomic():
        existing = _user_ids([p.email for p in fixed])
        new_fixed = [p for p in fixed if p.email not in existing]
        first_number = (User.select(fn.MAX(User.id)).scalar() or 0) + 1
        for number, person in enumerate(people, start=first_number):
            person.email = _email(person.name, number)
        ids = {**existing, **_insert_users(new_fixed + people, password_hash)}
        participants = [p for p in fixed if p.roles] + people
        _insert_participation(rng, program, participants, ids, list(existing.values()))
    demo_launch.load(program, fixed + people)
    # Thousands of new rows: the planner's statistics must know about them before the first search.
    analyze()
    return {"mentors": mentors, "mentees": mentees, "both": both, "stragglers": stragglers,
            "users": len(new_fixed) + len(people)}
