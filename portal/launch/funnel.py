"""The sign-up funnel: invited, registered, questionnaire finished, paired, first session held, per wave, by role and
by department; participation, mentors to mentees, and touches per person. A few GROUP BY statements, whatever the size
of the organisation."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from portal import kept
from portal.models import Email, Match, Meeting, OrgPerson, Participant, Program, Wave, WaveInvitation, utcnow

STAGES = ("invited", "registered", "finished", "paired", "held")
STAGE_LABELS = {"invited": "Invited", "registered": "Registered", "finished": "Questionnaire finished",
                "paired": "Paired", "held": "First session held"}
TARGET_SHARE = (10, 15)  # per cent of the organisation taking part
TARGET_RATIO = (5, 4)  # mentors to mentees
RULE_OF_SEVEN = 7  # people need to hear of something about seven times before they act on it


@dataclass
class Row:
    """One line of the funnel: how many people reached each stage."""

    label: str
    invited: int = 0
    registered: int = 0
    finished: int = 0
    paired: int = 0
    held: int = 0

    def share(self, stage: str) -> int | None:
        """The stage as a percentage of those invited."""
        return round(100 * getattr(self, stage) / self.invited) if self.invited else None


@dataclass
class Funnel:
    total: Row
    waves: list[Row] = field(default_factory=list)
    roles: list[Row] = field(default_factory=list)
    departments: list[Row] = field(default_factory=list)
    # Participation and balance of the whole programme, invited or not.
    taking_part: int = 0
    organisation_size: int = 0
    mentors: int = 0
    mentees: int = 0
    # Emails each invited person has had (invitations, reminders and the rest), against the rule of seven.
    emails: int = 0
    reached_seven: int = 0

    @property
    def participation(self) -> float | None:
        return 100 * self.taking_part / self.organisation_size if self.organisation_size else None

    @property
    def participation_note(self) -> str:
        share = self.participation
        low, high = TARGET_SHARE
        if share is None:
            return "Set the organisation's size to see participation."
        if share < low:
            return f"Below the {low}–{high}% aim: {math.ceil(self.organisation_size * low / 100) - self.taking_part} more people reach {low}%."
        return f"Within the {low}–{high}% aim." if share <= high else f"Above the {low}–{high}% aim."

    @property
    def mentors_short(self) -> int:
        """Mentors missing for 5 mentors to every 4 mentees."""
        mentors, mentees = TARGET_RATIO
        return max(0, math.ceil(self.mentees * mentors / mentees) - self.mentors)

    @property
    def touches(self) -> float | None:
        return self.emails / self.total.invited if self.total.invited else None


def _stage_counts(program: Program):
    """The five stage counts as aggregate columns, each a count of distinct people."""
    now = utcnow()
    mentored = Match.select(Match.mentor).where(Match.program == program)
    mentoring = Match.select(Match.mentee).where(Match.program == program)
    held = Meeting.select(Meeting.match).where(Meeting.status == "scheduled", Meeting.starts_at <= now)
    held_mentors = Match.select(Match.mentor).where(Match.program == program, Match.id.in_(held))
    held_mentees = Match.select(Match.mentee).where(Match.program == program, Match.id.in_(held))
    is_mentor, is_mentee = Participant.role == "mentor", Participant.role == "mentee"

    def distinct_people(condition):
        return fn.COUNT(Case(None, [(condition, OrgPerson.id)], None).distinct())

    return [
        fn.COUNT(OrgPerson.id.distinct()).alias("invited"),
        distinct_people(Participant.id.is_null(False)).alias("registered"),
        distinct_people(Participant.questionnaire_completed_at.is_null(False)).alias("finished"),
        distinct_people((is_mentor & Participant.user.in_(mentored))
                        | (is_mentee & Participant.user.in_(mentoring))).alias("paired"),
        distinct_people((is_mentor & Participant.user.in_(held_mentors))
                        | (is_mentee & Participant.user.in_(held_mentees))).alias("held"),
    ]


def _grouped(program: Program, *groups):
    """Invited people of the programme's waves joined to their place in it, counted per stage by `groups`."""
    waves = Wave.select(Wave.id).where(Wave.program == program)
    return (WaveInvitation
            .select(*groups, *_stage_counts(program))
            .join(OrgPerson, on=(WaveInvitation.person == OrgPerson.id))
            .join(Participant, JOIN.LEFT_OUTER,
                  on=((Participant.user == OrgPerson.user) & (Participant.program == program)))
            .where(WaveInvitation.wave.in_(waves))
            .group_by(*groups)
            .dicts())


def _row(label: str, counts: dict | None) -> Row:
    return Row(label, **{stage: (counts or {}).get(stage) or 0 for stage in STAGES})


def funnel(program: Program) -> Funnel:
    """The funnel of the programme's launch."""
    total = _row("Everyone invited", next(iter(_grouped(program)), None))
    result = Funnel(total=total, organisation_size=program.organisation_size)
    by_wave = {row["wave"]: row for row in _grouped(program, WaveInvitation.wave)}
    for wave in Wave.select().where(Wave.program == program).order_by(Wave.number):
        result.waves.append(_row(f"Wave {wave.number}: {wave.kind}", by_wave.get(wave.id)))
    for row in _grouped(program, Participant.role):
        result.roles.append(_row(f"As {row['role']}" if row["role"] else "Not registered", row))
    result.roles.sort(key=lambda row: row.label)
    departments = sorted(_grouped(program, OrgPerson.department), key=lambda row: (-row["invited"], row["department"]))
    result.departments = [_row(row["department"] or "No department", row) for row in departments]
    _taking_part(program, result)
    _touches(program, result)
    return result


kept.define("funnel", funnel)


def _taking_part(program: Program, result: Funnel) -> None:
    roles = dict(Participant.taking_part(program).select(Participant.role, fn.COUNT(Participant.id))
                 .group_by(Participant.role).tuples())
    result.mentors, result.mentees = roles.get("mentor", 0), roles.get("mentee", 0)
    result.taking_part = Participant.taking_part(program).select(fn.COUNT(Participant.user.distinct())).scalar() or 0


def _touches(program: Program, result: Funnel) -> None:
    waves = Wave.select(Wave.id).where(Wave.program == program)
    invited = (OrgPerson.select(OrgPerson.email)
               .where(OrgPerson.id.in_(WaveInvitation.select(WaveInvitation.person).where(WaveInvitation.wave.in_(waves)))))
    per_person = (Email.select(Email.to_address, fn.COUNT(Email.id).alias("n"))
                  .where(Email.to_address.in_(invited), Email.status != "failed").group_by(Email.to_address))
    emails, seven = (Email.select(fn.SUM(per_person.c.n), fn.SUM(Case(None, [(per_person.c.n >= RULE_OF_SEVEN, 1)], 0)))
                     .from_(per_person).tuples().first() or (0, 0))
    result.emails, result.reached_seven = int(emails or 0), int(seven or 0)
