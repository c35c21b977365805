"""Persistent data of the portal (peewee models)."""
from __future__ import annotations

import datetime as dt
import json

from flask import abort
from flask_login import UserMixin
from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    SQL,
    TextField,
)

from portal import steady
from portal.db import database
from portal.prepared import Prepared


def utcnow() -> dt.datetime:
    """Naive UTC: every timestamp in the database is UTC."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _stored(moment: dt.datetime | None) -> dt.datetime:
    """A time as the database keeps it (naive UTC), from an aware or already stored one; now if none."""
    if moment is None:
        return utcnow()
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


class JSONField(TextField):
    """JSON kept as text, so SQLite and PostgreSQL store it alike."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class User(UserMixin, BaseModel):
    # An account an admin deleted keeps its row (matches and sessions held still count in the figures) under an
    # address in this reserved domain, which no mail server delivers to (RFC 2606).
    ERASED_DOMAIN = "erased.invalid"

    email = CharField(unique=True)  # stored lower-case
    name = CharField()
    password_hash = CharField()
    is_admin = BooleanField(default=False)
    timezone = CharField(default="UTC")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField(null=True)
    # Raised on logout and on a password change: every session and remember-me cookie made before stops working.
    # The database default too, so rows written by hand or by older code get a version.
    session_version = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    # False for a self-registered account until its owner opens the emailed link (accounts made by admins are true).
    email_confirmed = BooleanField(default=True, constraints=[SQL("DEFAULT TRUE")])

    def get_id(self) -> str:
        # The session and the remember-me cookie both carry this id, so a version change ends both.
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_erased(self) -> bool:
        """Whether an admin deleted this person: the row is anonymous and nobody is emailed at it."""
        return self.email.endswith("@" + self.ERASED_DOMAIN)

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name


class Program(BaseModel):
    name = CharField()
    length_months = IntegerField(default=6)
    organisation_size = IntegerField(default=500)
    # True once an admin types the size on the settings page; until then each people import sets it.
    organisation_size_by_hand = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    mentor_registration_opens = DateField()
    mentee_registration_opens = DateField()
    pairing_opens = DateField()
    pairing_closes = DateField()
    midpoint = DateField()
    ends = DateField()
    # Phases an admin opened or closed by hand: {"pairing": true, ...}
    phase_overrides = JSONField(default=dict)
    archived = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)

    @classmethod
    def current(cls) -> "Program | None":
        """The programme the portal runs now: the newest one not archived (kept per process, portal/steady.py)."""
        return steady.kept("current_program", _CURRENT_PROGRAM.first, steady.row_copy)


# Read by nearly every request: compiled once (portal/prepared.py).
_CURRENT_PROGRAM = Prepared(lambda: Program.select().where(~Program.archived).order_by(Program.id.desc()).limit(1), 0)


class Setting(BaseModel):
    """A programme setting an admin changed from its default (see portal/settings.py)."""

    program = ForeignKeyField(Program, backref="settings", on_delete="CASCADE")
    key = CharField()
    value = JSONField()

    class Meta:
        indexes = ((("program", "key"), True),)


class Participant(BaseModel):
    """A user taking part in a programme as mentor or mentee (a person can be both)."""

    ROLES = ("mentor", "mentee")
    program = ForeignKeyField(Program, backref="participants", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="participations", on_delete="CASCADE")
    role = CharField()
    capacity = IntegerField(null=True)  # mentors: how many mentees (1 to 3)
    status = CharField(default="registered")  # registered, ready, paired, exited
    questionnaire_completed_at = DateTimeField(null=True)
    joined_at = DateTimeField(default=utcnow)
    exited_at = DateTimeField(null=True)
    exit_reason = TextField(null=True)
    exit_feedback = TextField(null=True)  # what they would tell the programme team on the way out

    class Meta:
        indexes = ((("program", "user", "role"), True), (("program", "role", "status"), False))

    @classmethod
    def taking_part(cls, program, role: str | None = None):
        """Everyone in the programme who has not left it (in this role, if one is given)."""
        query = cls.select().where(cls.program == program, cls.status != "exited")
        return query if role is None else query.where(cls.role == role)

    @classmethod
    def exited(cls, program, role: str | None = None):
        """Everyone who left the programme (in this role, if one is given)."""
        query = cls.select().where(cls.program == program, cls.status == "exited")
        return query if role is None else query.where(cls.role == role)

    @classmethod
    def roles_of(cls, user, program) -> list[str]:
        """The roles someone still holds in the programme, sorted; none for a visitor or without a programme."""
        if program is None or not getattr(user, "is_authenticated", True):
            return []
        return sorted({p.role for p in cls.taking_part(program).select(cls.role).where(cls.user == user.id)})

    @property
    def has_left(self) -> bool:
        return self.status == "exited"


class Question(BaseModel):
    """One question of the registration questionnaire, editable by admins."""

    KINDS = ("text", "paragraph", "choice", "multi_choice", "skills", "timezone", "working_hours")
    AUDIENCES = ("both", "mentor", "mentee")
    program = ForeignKeyField(Program, backref="questions", on_delete="CASCADE")
    # Built-in questions carry a key that later features rely on (e.g. "strengths"); admin ones have none.
    key = CharField(null=True)
    prompt = CharField()
    help_text = TextField(default="")
    kind = CharField()
    audience = CharField(default="both")
    required = BooleanField(default=True)
    options = JSONField(default=list)
    weight = FloatField(default=0.0)  # how much the answer counts in matching; 0 = not at all
    shown_in_directory = BooleanField(default=False)
    position = IntegerField(default=0)
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("program", "key"), True),)

    def asked_of(self, roles) -> bool:
        return self.audience == "both" or self.audience in roles


class Answer(BaseModel):
    program = ForeignKeyField(Program, backref="answers", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="answers", on_delete="CASCADE")
    question = ForeignKeyField(Question, backref="answers", on_delete="CASCADE")
    value = JSONField()
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "question"), True), (("program", "question"), False))


class Skill(BaseModel):
    """The skill vocabulary that questionnaire answers and search are normalised to."""

    name = CharField(unique=True)
    category = CharField(default="")


class SkillAlias(BaseModel):
    skill = ForeignKeyField(Skill, backref="aliases", on_delete="CASCADE")
    alias = CharField(unique=True)  # lower-case


class Match(BaseModel):
    """A mentor and mentee paired in a programme."""

    program = ForeignKeyField(Program, backref="matches", on_delete="CASCADE")
    mentor = ForeignKeyField(User, backref="mentor_matches", on_delete="CASCADE")
    mentee = ForeignKeyField(User, backref="mentee_matches", on_delete="CASCADE")
    made_by = CharField(default="admin")  # mentee-led, approval, admin, algorithm
    started_at = DateTimeField(default=utcnow)
    ended_at = DateTimeField(null=True)
    end_reason = TextField(null=True)

    @classmethod
    def active(cls):
        return cls.select().where(cls.ended_at.is_null())

    @classmethod
    def of(cls, user):
        """The matches a person (a user or an id) is in, as mentor or mentee, ended ones too."""
        return cls.select().where((cls.mentor == user) | (cls.mentee == user))

    @classmethod
    def with_pair(cls, query):
        """The query (one that selects matches) with each match's mentor and mentee read in the same statement."""
        mentor, mentee = User.alias(), User.alias()
        return (
            query.select_extend(mentor, mentee)
            .join_from(cls, mentor, on=(cls.mentor == mentor.id), attr="mentor")
            .join_from(cls, mentee, on=(cls.mentee == mentee.id), attr="mentee")
        )

    @classmethod
    def for_member_or_404(cls, match_id: int, user) -> "Match":
        """The match, for one of its pair or an admin; to anyone else it does not exist."""
        match = _MATCH_WITH_PAIR.first(match_id)
        if match is None or not (user.is_admin or match.has_member(user)):
            abort(404)
        return match

    def has_member(self, user) -> bool:
        """Whether this person (a user or an id) is the pair's mentor or mentee."""
        return getattr(user, "id", user) in (self.mentor_id, self.mentee_id)

    def partner_of(self, user) -> "User":
        """The other one of the pair for this person (a user or an id): the mentee for the mentor, else the mentor."""
        return self.mentee if getattr(user, "id", user) == self.mentor_id else self.mentor



def _match_with_pair(match_id):
    """The match, its programme and both of its pair in one statement."""
    return Match.with_pair(Match.select(Match, Program).join_from(Match, Program)).where(Match.id == match_id).limit(1)


# Every page about a match reads it: compiled once (portal/prepared.py).
_MATCH_WITH_PAIR = Prepared(_match_with_pair, 1)

class PairingDraft(BaseModel):
    """Pairs the matching algorithm proposed, edited by admins until published or discarded."""

    program = ForeignKeyField(Program, backref="pairing_drafts", on_delete="CASCADE")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    objective = CharField(default="optimal")  # optimal or stable
    status = CharField(default="draft")  # draft, publishing, published, discarded
    weights = JSONField(default=dict)  # the fit weights the proposal was scored with
    summary = JSONField(default=dict)  # per objective: total, favourites, blocking pairs, matched, seconds
    unmatched = JSONField(default=dict)  # mentee id -> why the algorithm left them unpaired
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    published_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("program", "status"), False),)


class DraftPair(BaseModel):
    """One proposed pair in a draft."""

    draft = ForeignKeyField(PairingDraft, backref="pairs", on_delete="CASCADE")
    mentee = ForeignKeyField(User, on_delete="CASCADE")
    mentor = ForeignKeyField(User, on_delete="CASCADE")
    fit = FloatField(default=0.0)
    favourite = BooleanField(default=False)  # the mentor is on the mentee's shortlist
    pinned = BooleanField(default=False)  # kept as it is when the algorithm runs again
    source = CharField(default="algorithm")  # algorithm or admin
    outcome = CharField(default="")  # after publishing: matched, or why not
    match = ForeignKeyField(Match, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("draft", "mentee"), True), (("draft", "mentor"), False))


class PairingExclusion(BaseModel):
    """A pair the programme team never wants proposed, with why."""

    program = ForeignKeyField(Program, backref="pairing_exclusions", on_delete="CASCADE")
    mentee = ForeignKeyField(User, on_delete="CASCADE")
    mentor = ForeignKeyField(User, on_delete="CASCADE")
    reason = TextField(default="")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("program", "mentee", "mentor"), True),)


class Shortlist(BaseModel):
    """A mentee's favourite mentors, in the order they would like them."""

    program = ForeignKeyField(Program, backref="shortlists", on_delete="CASCADE")
    mentee = ForeignKeyField(User, backref="shortlist_entries", on_delete="CASCADE")
    mentor = ForeignKeyField(User, backref="shortlisted_by", on_delete="CASCADE")
    position = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("program", "mentee", "mentor"), True),)


class MatchRequest(BaseModel):
    """A mentee asking a mentor; answered, expired or passed on to the next favourite."""

    STATUSES = ("pending", "approved", "declined", "expired", "withdrawn", "closed")
    program = ForeignKeyField(Program, backref="requests", on_delete="CASCADE")
    mentee = ForeignKeyField(User, backref="requests_made", on_delete="CASCADE")
    mentor = ForeignKeyField(User, backref="requests_received", on_delete="CASCADE")
    status = CharField(default="pending")
    message = TextField(default="")  # from the mentee, shown to the mentor
    reason = TextField(default="")  # the mentor's private reason for declining: admins only
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    decided_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("status", "expires_at"), False), (("mentor", "status"), False), (("mentee", "status"), False))

    @classmethod
    def pending(cls, program=None, *, mentee=None, mentor=None):
        """Requests no mentor has answered yet: of a programme (or all), of a mentee or to a mentor if given."""
        query = cls.select().where(cls.status == "pending")
        if program is not None:
            query = query.where(cls.program == program)
        if mentee is not None:
            query = query.where(cls.mentee == mentee)
        if mentor is not None:
            query = query.where(cls.mentor == mentor)
        return query

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"


class CalendarConnection(BaseModel):
    """A person's own calendar: busy time is read from it and the meetings they organise are written to it."""

    user = ForeignKeyField(User, backref="calendar_connections", on_delete="CASCADE", unique=True)
    kind = CharField()  # caldav or microsoft
    url = CharField(default="")  # the CalDAV server
    username = CharField(default="")  # the CalDAV user name, or the Microsoft account's address
    calendar_url = CharField(default="")  # CalDAV: the calendar meetings are written to
    # CalDAV: the account's calendars as last listed ({url, name, events, writable, default} each), and the URLs of
    # those whose events count as busy (empty: only calendar_url, as before the person could choose).
    calendars = JSONField(default=list)
    busy_calendar_urls = JSONField(default=list)
    account_id = CharField(default="")  # Microsoft: MSAL's home account id
    secret = TextField(default="")  # encrypted: the CalDAV app password, or the MSAL token cache
    status = CharField(default="ok")  # ok, or broken (the password or token stopped working)
    problem = TextField(default="")  # why it is broken, in words for the person
    created_at = DateTimeField(default=utcnow)
    checked_at = DateTimeField(null=True)
    broken_at = DateTimeField(null=True)


class CalendarFeed(BaseModel):
    """A secret, revocable subscription address for the meetings of someone without a connected calendar."""

    user = ForeignKeyField(User, backref="calendar_feeds", on_delete="CASCADE", unique=True)
    secret = CharField(unique=True)
    created_at = DateTimeField(default=utcnow)


class Meeting(BaseModel):
    """A mentoring session of a match; stored first, then written to the organiser's calendar by a job."""

    match = ForeignKeyField(Match, backref="meetings", on_delete="CASCADE")
    organizer = ForeignKeyField(User, on_delete="CASCADE")
    number = IntegerField()  # the pair's first, second, ... session
    agenda = CharField()  # the agenda's slug in content/agendas
    starts_at = DateTimeField()  # UTC
    ends_at = DateTimeField()
    zone = CharField(default="UTC")  # the time zone the invite is written in: the organiser's
    location_kind = CharField(default="virtual")  # virtual or in_person
    location = CharField(default="")  # the meeting link, or the place
    uid = CharField(unique=True)
    sequence = IntegerField(default=0)
    status = CharField(default="scheduled")  # scheduled or cancelled
    sync_state = CharField(default="pending")  # pending, synced, waiting, failed, or none (no calendar connected)
    sync_attempts = IntegerField(default=0)
    sync_error = TextField(default="")
    remote_id = CharField(default="")  # the event's id in Microsoft Graph, or its CalDAV address
    synced_sequence = IntegerField(default=-1)  # the SEQUENCE the organiser's calendar holds
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        # (match, status, starts_at) holds all the dashboard reads of each pair's sessions, without the table.
        indexes = ((("organizer", "starts_at"), False), (("match", "number"), False), (("sync_state",), False),
                   (("match", "status", "starts_at"), False))

    # A session is past once it has begun: feedback opens then, and leaving no longer cancels it.
    @classmethod
    def past(cls, now: dt.datetime | None = None):
        """Scheduled sessions that have begun by `now` (aware, or naive UTC; default: now)."""
        return cls.select().where(cls.status == "scheduled", cls.starts_at <= _stored(now))

    @classmethod
    def upcoming(cls, now: dt.datetime | None = None):
        """Scheduled sessions still to begin after `now`."""
        return cls.select().where(cls.status == "scheduled", cls.starts_at > _stored(now))

    def is_past(self, now: dt.datetime | None = None) -> bool:
        """Whether the session has begun by `now`, cancelled or not."""
        return self.starts_at <= _stored(now)


class Feedback(BaseModel):
    """What one participant said after a meeting."""

    meeting = ForeignKeyField(Meeting, backref="feedback", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    rating = IntegerField()  # 1 to 5: how useful the session was
    fit = IntegerField(null=True)  # 1 to 5: how well the pairing fits
    went_well = TextField(default="")
    action_items = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("meeting", "user"), True),)


class ActionItem(BaseModel):
    """Something a pair agreed to do, carried across sessions until ticked off."""

    match = ForeignKeyField(Match, backref="action_items", on_delete="CASCADE")
    meeting = ForeignKeyField(Meeting, null=True, on_delete="SET NULL")  # the session it came from
    feedback = ForeignKeyField(Feedback, null=True, backref="items", on_delete="SET NULL")
    author = ForeignKeyField(User, on_delete="CASCADE")
    text = TextField()
    done_at = DateTimeField(null=True)
    done_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("match", "done_at"), False),)


class MeetingNote(BaseModel):
    """A participant's private notes on one session: only they ever see them."""

    meeting = ForeignKeyField(Meeting, backref="notes", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    body = TextField(default="")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("meeting", "user"), True),)


class FollowUp(BaseModel):
    """Something the programme team should look at: a low rating, a poor fit, someone leaving."""

    program = ForeignKeyField(Program, backref="follow_ups", on_delete="CASCADE")
    match = ForeignKeyField(Match, null=True, on_delete="CASCADE")
    user = ForeignKeyField(User, null=True, on_delete="CASCADE")  # whose answer raised it
    reason = CharField()  # a key of portal.followups.REASONS: low_rating, low_fit, exit, survey, quiet, ...
    details = TextField(default="")
    source = CharField(unique=True)  # kind and subject, e.g. "feedback:12:rating": the same event never flags twice
    created_at = DateTimeField(default=utcnow)
    resolved_at = DateTimeField(null=True)
    resolved_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    resolution = TextField(default="")

    class Meta:
        # The newest open (or followed-up) flags come straight from the index, without sorting them all.
        indexes = ((("program", "resolved_at", "created_at"), False),)


class Agenda(BaseModel):
    """A programme's session agenda; the Markdown files in content/agendas are the defaults."""

    program = ForeignKeyField(Program, backref="agendas", on_delete="CASCADE")
    slug = CharField()
    title = CharField()
    position = IntegerField()
    duration_minutes = IntegerField(default=60)
    summary = TextField(default="")
    before = JSONField(default=list)  # guiding questions
    during = JSONField(default=list)
    after = JSONField(default=list)
    body = TextField(default="")  # Markdown
    active = BooleanField(default=True)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("program", "slug"), True),)


class Survey(BaseModel):
    """The mid-point or end survey of a programme: its questions, and when it went out."""

    KINDS = ("midpoint", "end")
    program = ForeignKeyField(Program, backref="surveys", on_delete="CASCADE")
    kind = CharField()
    questions = JSONField(default=list)  # [{"key", "text", "kind": "text" | "rating"}]
    sent_at = DateTimeField(null=True)
    reminded_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("program", "kind"), True),)


class SurveyResponse(BaseModel):
    """One participant's answers to a survey."""

    survey = ForeignKeyField(Survey, backref="responses", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    role = CharField()  # mentor or mentee
    answers = JSONField(default=dict)  # question key -> answer
    rating = IntegerField(null=True)  # the 1 to 5 overall rating
    submitted_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("survey", "user"), True),)


class Counter(BaseModel):
    """Named counters other workers can see, e.g. the directory's version for its cache."""

    name = CharField(primary_key=True)
    value = IntegerField(default=0)


class KeptFigures(BaseModel):
    """Reporting figures a job counted ahead of the page: the value, the version of the data it counted, and when."""

    program = ForeignKeyField(Program, on_delete="CASCADE")
    name = CharField()  # e.g. dashboard, funnel
    version = TextField()  # the counters, time bucket and settings it was counted at (portal/kept)
    value = BlobField()
    as_of = DateTimeField()
    # Set while a job is counting them again, so that many views of stale figures ask for one count, not many.
    refreshing_since = DateTimeField(null=True)

    class Meta:
        indexes = ((("program", "name"), True),)


class Email(BaseModel):
    """Every email the portal sends: the admin outbox, and the record that makes sending idempotent."""

    to_address = CharField()
    to_name = CharField(default="")
    subject = CharField()
    text_body = TextField()
    html_body = TextField(null=True)
    # Extra MIME parts, e.g. a calendar invite: [{"maintype", "subtype", "content", "filename", "params"}]
    parts = JSONField(default=list)
    category = CharField(default="general")
    dedupe_key = CharField(null=True, unique=True)
    status = CharField(default="queued")  # queued, sending, sent, stored, failed
    attempts = IntegerField(default=0)
    last_error = TextField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)
    sent_at = DateTimeField(null=True)
    # The attempt under way: who holds it (a random token) and since when; one sender at a time.
    claim = CharField(null=True)
    claimed_at = DateTimeField(null=True)
    # When a failed email is tried again; none means no more automatic attempts (an admin may retry it).
    next_attempt_at = DateTimeField(null=True)

    STATUSES = ("queued", "sending", "sent", "stored", "failed")

    class Meta:
        indexes = ((("status", "next_attempt_at"), False),)


class AuditLog(BaseModel):
    actor = ForeignKeyField(User, null=True, backref="audit_entries", on_delete="SET NULL")
    action = CharField(index=True)
    target = CharField(default="")
    details = JSONField(default=dict)
    at = DateTimeField(default=utcnow, index=True)


class LoginAttempt(BaseModel):
    """Failed logins, kept in the database so every worker sees the same count."""

    email = CharField(index=True)
    ip = CharField(index=True)
    at = DateTimeField(default=utcnow, index=True)
    # The signed known-device cookie's id when the browser had one for this address, else "".
    device = CharField(default="", index=True)


class ResetRequest(BaseModel):
    """Password-reset requests, kept in the database so every worker counts them for the rate limit."""

    email = CharField(index=True)
    ip = CharField(index=True)
    at = DateTimeField(default=utcnow, index=True)


class OrgPerson(BaseModel):
    """Someone in the organisation, from a people import: invited until they register with this address."""

    STATUSES = ("invited", "registered", "opted_out")
    email = CharField(unique=True)  # stored lower-case
    name = CharField()
    department = CharField(default="")
    job_title = CharField(default="")
    location = CharField(default="")
    manager_email = CharField(default="")
    status = CharField(default="invited", index=True)
    user = ForeignKeyField(User, null=True, backref="org_person", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class PeopleImport(BaseModel):
    """A people CSV as checked: its rows wait in PeopleImportRow until an admin confirms (or it is dropped)."""

    STATUSES = ("checked", "importing", "done", "failed", "discarded")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    filename = CharField(default="")
    status = CharField(default="checked")
    rows = IntegerField(default=0)
    errors = IntegerField(default=0)
    warnings = IntegerField(default=0)
    notes = JSONField(default=list)  # about the file as a whole: ignored columns, encoding
    counts = JSONField(default=dict)  # new, updated, unchanged: the preview, then what was done
    problem = TextField(default="")  # why an import job failed (nothing was written)
    created_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)


class PeopleImportRow(BaseModel):
    """One line of a checked people CSV, with what is wrong with it (an error stops the import, a warning not)."""

    upload = ForeignKeyField(PeopleImport, backref="lines", on_delete="CASCADE")
    line = IntegerField()
    email = CharField(default="")  # normalised
    name = CharField(default="")
    department = CharField(default="")
    job_title = CharField(default="")
    location = CharField(default="")
    manager_email = CharField(default="")
    error = TextField(default="")
    warning = TextField(default="")

    class Meta:
        indexes = ((("upload", "line"), True), (("upload", "email"), False))


class JobProgress(BaseModel):
    """An admin's bulk action run as a job: its state, how far it got, and its result or why it failed."""

    program = ForeignKeyField(Program, on_delete="CASCADE")
    kind = CharField()  # e.g. matching, weights, survey:midpoint
    state = CharField(default="queued")  # queued, running, done, failed
    done = IntegerField(default=0)
    total = IntegerField(default=0)
    message = TextField(default="")
    result = JSONField(default=dict)
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    # "<kind>:<programme>" while queued or running, none once finished: the unique index lets one run at a time.
    running_key = CharField(null=True, unique=True)
    created_at = DateTimeField(default=utcnow)
    started_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)

    STATES = ("queued", "running", "done", "failed")

    class Meta:
        indexes = ((("program", "kind", "created_at"), False),)


class Wave(BaseModel):
    """One invitation wave of a programme's launch: who it goes to, when, and the email it sends."""

    KINDS = ("mentors", "everyone", "stragglers")
    STATUSES = ("draft", "scheduled", "sent")  # sent: by hand or on its date (again, for newcomers, if scheduled)
    program = ForeignKeyField(Program, backref="waves", on_delete="CASCADE")
    number = IntegerField()  # 1, 2, 3: the order of the plan
    kind = CharField()
    # Wave 1's segment: {"by": "department" | "job_title" | "location" | "words" | "emails", "values": [...]}
    segment = JSONField(default=dict)
    send_on = DateField()
    subject = CharField()
    body = TextField()  # with {first_name}, {name}, {department}, {programme}, {sender}, {link}, {unsubscribe}
    sender_name = CharField(default="")  # an executive the invitation comes from, "on behalf of"
    reply_to = CharField(default="")
    status = CharField(default="draft")
    sent_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("program", "number"), True),)


class WaveInvitation(BaseModel):
    """One person invited by one wave: never twice, whatever runs the wave again."""

    wave = ForeignKeyField(Wave, backref="invitations", on_delete="CASCADE")
    person = ForeignKeyField(OrgPerson, backref="invitations", on_delete="CASCADE")
    email = ForeignKeyField(Email, null=True, on_delete="SET NULL")
    sent_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("wave", "person"), True),)


class ChatAnnouncement(BaseModel):
    """A post to a chat channel (Slack, Microsoft Teams) for one occasion of a programme: stored before it is sent,
    unique per occasion and channel so it is never posted twice."""

    program = ForeignKeyField(Program, on_delete="CASCADE")
    channel = CharField()  # slack, teams
    occasion = CharField()  # launch, closing, pairing
    text = TextField()
    link = CharField(default="")
    status = CharField(default="queued")  # queued, sending, sent, failed
    attempts = IntegerField(default=0)
    last_error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    claimed_at = DateTimeField(null=True)
    next_attempt_at = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)

    STATUSES = ("queued", "sending", "sent", "failed")

    class Meta:
        indexes = ((("program", "occasion", "channel"), True), (("status", "next_attempt_at"), False))


class SchemaVersion(BaseModel):
    version = IntegerField(primary_key=True)
    applied_at = DateTimeField(default=utcnow)


MODELS = [
    User,
    Program,
    Setting,
    Participant,
    Question,
    Answer,
    Skill,
    SkillAlias,
    Match,
    Shortlist,
    MatchRequest,
    PairingDraft,
    DraftPair,
    PairingExclusion,
    CalendarConnection,
    CalendarFeed,
    Meeting,
    Feedback,
    ActionItem,
    MeetingNote,
    FollowUp,
    Agenda,
    Survey,
    SurveyResponse,
    Counter,
    KeptFigures,
    Email,
    AuditLog,
    LoginAttempt,
    ResetRequest,
    OrgPerson,
    PeopleImport,
    PeopleImportRow,


    JobProgress,
    Wave,
    WaveInvitation,
    ChatAnnouncement,
    SchemaVersion,
]
