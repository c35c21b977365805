"""Reading and changing a programme."""
from __future__ import annotations

import datetime as dt

from portal import audit
from portal.db import database
from portal.models import Program, utcnow
from portal.programme import phases

DATE_FIELDS = [name for name, _ in phases.PhaseDates.__dataclass_fields__.items()]


def today() -> dt.date:
    return utcnow().date()


def dates_of(program: Program) -> phases.PhaseDates:
    return phases.PhaseDates(**{name: getattr(program, name) for name in DATE_FIELDS})


def open_phases(program: Program, on: dt.date | None = None) -> list[str]:
    return phases.open_phases(dates_of(program), on or today(), program.phase_overrides)


def is_open(program: Program, phase: str, on: dt.date | None = None) -> bool:
    return phase in open_phases(program, on)


def current_phase(program: Program, on: dt.date | None = None) -> str | None:
    return phases.current_phase(dates_of(program), on or today(), program.phase_overrides)


def registration_open_for(program: Program, role: str, on: dt.date | None = None) -> bool:
    return is_open(program, f"{role}_registration", on)


def registration_ahead(program: Program, on: dt.date | None = None) -> dict[str, dt.date | None]:
    """Per role, the day its registration opens if still to come; None once open or past (see phases)."""
    return phases.registration_ahead(dates_of(program), on or today(), program.phase_overrides)


def create_program(defaults: dict, pairing_opens: dt.date | None = None) -> Program:
    """A new programme from the configured defaults, its pairing three weeks out unless given."""
    length = int(defaults.get("length_months", 6))
    pairing_opens = pairing_opens or today() + dt.timedelta(
        days=int(defaults.get("mentor_registration_days_before_pairing", 21))
    )
    dates = phases.suggested_dates(
        pairing_opens,
        length,
        int(defaults.get("mentor_registration_days_before_pairing", 21)),
        int(defaults.get("mentee_registration_days_before_pairing", 14)),
        int(defaults.get("pairing_window_days", 14)),
    )
    return Program.create(
        name=defaults.get("name", "Mentoring Programme"),
        length_months=length,
        organisation_size=int(defaults.get("organisation_size", 500)),
        **dates.__dict__,
    )


def update_program(program: Program, values: dict, actor) -> dict:
    """Save name, size and dates; returns {field: (old, new)} of what changed, which is audited."""
    changes = {}
    for field, new in values.items():
        old = getattr(program, field)
        if old != new:
            changes[field] = (str(old), str(new))
            setattr(program, field, new)
    if not changes:
        return changes
    if "organisation_size" in changes:
        # Typed by an admin: people imports no longer set it.
        program.organisation_size_by_hand = True
    program.length_months = max(1, round(phases.months_between(program.pairing_opens, program.ends)))
    with database.atomic():
        program.save()
        audit.record(actor, "programme.update", f"programme:{program.id}", changes=changes)
    return changes


def set_phase_override(program: Program, phase: str, state: bool | None, actor) -> None:
    """Open (True) or close (False) a phase by hand, or give it back to its dates (None)."""
    if phase not in phases.PHASES:
        raise ValueError(f"Unknown phase {phase!r}")
    overrides = dict(program.phase_overrides or {})
    before = overrides.get(phase)
    if state is None:
        overrides.pop(phase, None)
    else:
        overrides[phase] = state
    program.phase_overrides = overrides
    with database.atomic():
        program.save()
        audit.record(actor, "programme.phase", f"programme:{program.id}", phase=phase, before=before, after=state)


def reschedule(program: Program, pairing_opens: dt.date, actor=None) -> dict:
    """Move every phase date to follow the benchmarks around a new pairing date, keeping the length."""
    dates = phases.suggested_dates(pairing_opens, program.length_months)
    return update_program(program, dict(dates.__dict__), actor)
