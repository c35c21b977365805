"""The agendas section of the settings page: which agendas sessions use, with a link to edit them."""
from __future__ import annotations

from portal.admin import registry
from portal.agendas import store
from portal.models import Program


def _agendas(program: Program) -> dict:
    return {"agendas": store.for_program(program), "agendas_customised": store.customised(program)}


registry.section(anchor="agendas", title="Session agendas", template="agendas/_settings.html", order=100,
                 context=_agendas)
