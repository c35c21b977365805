"""The core of the settings page: the programme and its phases (portal/programme), and the home page message."""
from __future__ import annotations

from peewee import fn

from portal import settings
from portal.admin import forms, registry
from portal.models import Participant, Program
from portal.programme import operations as programme
from portal.programme import phases

settings.define(
    "welcome_message", "", str, "A message from the programme team, shown to everyone on the home page (plain text)."
)


def _programme_values(program: Program) -> dict:
    return {name: getattr(program, name) for name in ("name", "organisation_size", "length_months",
                                                      *programme.DATE_FIELDS)}


def _registered(program: Program) -> dict:
    """Who has signed up against the organisation's size, and how the phase dates compare with the guidance."""
    counts = dict(
        Participant.taking_part(program)
        .select(Participant.role, fn.COUNT(Participant.id))
        .group_by(Participant.role)
        .tuples()
    )
    return {"counts": counts, "guidance": phases.length_guidance(programme.dates_of(program))}


def _phase_rows(program: Program) -> dict:
    """Each phase with its dates, whether it is open, and whether an admin opened or closed it by hand."""
    opened = programme.open_phases(program)
    spans = phases.windows(programme.dates_of(program))
    return {"phase_rows": [
        {
            "phase": p, "label": phases.LABELS[p], "start": spans[p][0], "end": spans[p][1],
            "open": p in opened, "override": (program.phase_overrides or {}).get(p),
        }
        for p in phases.PHASES
    ]}


registry.section(anchor="programme", title="Programme", template="admin/_programme_settings.html", order=10,
                 form=forms.ProgrammeForm, endpoint="admin.save_programme", initial=_programme_values,
                 context=_registered)
registry.section(anchor="phases", title="Phases", template="admin/_phases_settings.html", order=20,
                 endpoint="admin.set_phase", context=_phase_rows)
registry.section(anchor="welcome", title="Home page", template="admin/_welcome_settings.html", order=80,
                 form=forms.WelcomeForm, endpoint="admin.save_welcome", keys=("welcome_message",),
                 saved="Home page message saved.")
