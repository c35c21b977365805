"""Programme settings that admins change: each feature defines its own, read typed and cached per request, saved
audited, a section at a time in one transaction."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_app_context

from portal import audit, per_request, steady
from portal.db import database
from portal.models import Program, Setting
from portal.prepared import Prepared


@dataclass(frozen=True)
class Definition:
    key: str
    default: object
    kind: type
    help: str


# Every setting, filled by define() in the features' own settings modules (portal/<feature>/settings.py).
DEFINITIONS: dict[str, Definition] = {}


def define(key: str, default, kind: type, help: str) -> Definition:
    """Declare a setting: its default, its type and one line on what it means."""
    if key in DEFINITIONS and DEFINITIONS[key] != Definition(key, default, kind, help):
        raise ValueError(f"Setting {key!r} is defined twice, differently.")
    DEFINITIONS[key] = Definition(key, default, kind, help)
    return DEFINITIONS[key]


# Read by most requests: compiled once (portal/prepared.py).
_STORED = Prepared(lambda program: Setting.select().where(Setting.program == program), 1)


def _read(program: Program) -> dict:
    return steady.kept(("settings", program.id), lambda: {s.key: s.value for s in _STORED.rows(program.id)}, dict)


def _stored(program: Program) -> dict:
    """The programme's stored values, read once per request (or job) and kept in `g` until a write."""
    if has_app_context() and g.get("settings_uncommitted"):
        return _read(program)
    return per_request.read_once("settings", program.id, lambda: _read(program))


def _forget() -> None:
    per_request.forget("settings")


def get(program: Program, key: str):
    """The setting's stored value, or its default."""
    definition = DEFINITIONS[key]
    stored = _stored(program)
    return definition.kind(stored[key]) if key in stored else definition.default


def get_all(program: Program) -> dict:
    """Every defined setting of the programme, stored or default."""
    stored = _stored(program)
    return {key: d.kind(stored[key]) if key in stored else d.default for key, d in DEFINITIONS.items()}


def save(program: Program, values: dict, actor) -> list[str]:
    """Store several settings (typed by their definitions) in one transaction, auditing each change; the changed
    keys, in the order given."""
    typed = {key: DEFINITIONS[key].kind(value) for key, value in values.items()}
    _forget()
    before = get_all(program)
    changed = [key for key, value in typed.items() if before[key] != value]
    try:
        with database.atomic():
            for key in changed:
                Setting.insert(program=program, key=key, value=typed[key]).on_conflict(
                    conflict_target=[Setting.program, Setting.key], update={Setting.value: typed[key]}
                ).execute()
                audit.record(actor, "setting.update", f"programme:{program.id}", key=key, before=before[key],
                             after=typed[key])
    finally:
        # Read again after a write, and after a rollback too.
        _forget()
    if changed and has_app_context() and database.in_transaction():
        # Saved inside a caller's transaction: nothing is cached until it commits, since it may still roll back.
        g.settings_uncommitted = True
        database.after_commit(_committed)
    return changed


def _committed() -> None:
    if has_app_context():
        g.pop("settings_uncommitted", None)


def set(program: Program, key: str, value, actor) -> bool:
    """Store one setting and audit the change; False when nothing changed."""
    return bool(save(program, {key: value}, actor))
