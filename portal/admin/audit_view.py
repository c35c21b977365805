"""The audit log as a person reads it: names instead of ids, changes as "from → to", filters that never fail."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from peewee import JOIN

from portal.models import AuditLog, Match, User

PAGE_SIZE = 50
# Details whose value is a person's id, and targets ("kind:id") that name a person or a match.
PERSON_KEYS = {"user", "mentor", "mentee", "actor", "person"}
ARROW = "→"


@dataclass(frozen=True)
class Filters:
    """Who, what and when; `problems` says which values were not understood (and so not applied)."""

    who: str = ""
    action: str = ""
    since: str = ""
    until: str = ""
    problems: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_args(cls, args, actions: list[str]) -> "Filters":
        """The filters from a query string, with a message for each value that cannot be used."""
        problems = {}
        action = (args.get("action") or "").strip()
        if action and action not in actions:
            problems["action"] = f"No entries record “{action[:60]}”: choose an action from the list."
            action = ""
        dates = {}
        for name in ("since", "until"):
            raw = (args.get(name) or "").strip()
            try:
                dates[name] = dt.date.fromisoformat(raw).isoformat() if raw else ""
            except ValueError:
                problems[name] = f"“{raw[:40]}” is not a date: use the form 2026-03-31."
                dates[name] = ""
        if dates["since"] and dates["until"] and dates["since"] > dates["until"]:
            problems["until"] = "The end date is before the start date."
            dates["until"] = ""
        who = (args.get("who") or "").replace("\x00", "").strip()[:200]
        return cls(who=who, action=action, problems=problems, **dates)

    def args(self) -> dict:
        """The query string of these filters, for the pager."""
        return {k: v for k, v in asdict(self).items() if v and k != "problems"}


def actions() -> list[str]:
    """Every action the log holds, for the filter."""
    return [row.action for row in AuditLog.select(AuditLog.action).distinct().order_by(AuditLog.action)]


def query(filters: Filters):
    """The entries these filters show, newest first, each with its actor."""
    entries = (AuditLog.select(AuditLog, User).join(User, JOIN.LEFT_OUTER, on=(AuditLog.actor == User.id))
               .order_by(AuditLog.at.desc(), AuditLog.id.desc()))
    if filters.who.lower() == "system":
        entries = entries.where(AuditLog.actor.is_null())
    elif filters.who:
        entries = entries.where(User.name.contains(filters.who) | User.email.contains(filters.who))
    if filters.action:
        entries = entries.where(AuditLog.action == filters.action)
    if filters.since:
        entries = entries.where(AuditLog.at >= dt.datetime.fromisoformat(filters.since))
    if filters.until:
        entries = entries.where(AuditLog.at < dt.datetime.fromisoformat(filters.until) + dt.timedelta(days=1))
    return entries


@dataclass(frozen=True)
class Line:
    """One detail of an entry: a change (before and after) or a value."""

    label: str
    value: str = ""
    before: str | None = None
    after: str | None = None

    @property
    def is_change(self) -> bool:
        return self.before is not None


@dataclass(frozen=True)
class Entry:
    """An audit entry in words."""

    at: dt.datetime
    who: str
    action: str
    target: str
    lines: list[Line]


def _words(value) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_words(v) for v in value) or "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_words(v)}" for k, v in value.items())
    return str(value)


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _lines(details: dict, names: dict[int, str]) -> list[Line]:
    lines: list[Line] = []
    rest = dict(details or {})
    if "before" in rest and "after" in rest:
        label = _label(str(rest.pop("key", "value")))
        lines.append(Line(label, before=_words(rest.pop("before")), after=_words(rest.pop("after"))))
    changes = rest.pop("changes", None)
    if isinstance(changes, dict):
        for key, pair in changes.items():
            if isinstance(pair, (list, tuple)) and len(pair) == 2:
                lines.append(Line(_label(key), before=_words(pair[0]), after=_words(pair[1])))
            else:
                lines.append(Line(_label(key), _words(pair)))
    for key, value in rest.items():
        if key in PERSON_KEYS and isinstance(value, int):
            value = names.get(value, f"person #{value}")
        lines.append(Line(_label(key), _words(value)))
    return lines


def _target(target: str, names: dict[int, str], pairs: dict[int, str]) -> str:
    kind, _, ident = target.partition(":")
    if not ident.isdigit():
        return target
    if kind == "user":
        return names.get(int(ident), f"person #{ident}")
    if kind == "match":
        return pairs.get(int(ident), f"match #{ident}")
    return f"{kind.replace('_', ' ')} #{ident}"


def readable(entries: list[AuditLog]) -> list[Entry]:
    """The entries in words, with two more queries at most: the people and the matches they name."""
    people, matches = set(), set()
    for e in entries:
        kind, _, ident = e.target.partition(":")
        if ident.isdigit():
            (people if kind == "user" else matches if kind == "match" else set()).add(int(ident))
        people |= {v for k, v in (e.details or {}).items() if k in PERSON_KEYS and isinstance(v, int)}
    pairs: dict[int, str] = {}
    if matches:
        mentor, mentee = User.alias(), User.alias()
        rows = (Match.select(Match.id, mentor.name.alias("mentor_name"), mentee.name.alias("mentee_name"))
                .join(mentor, on=(Match.mentor == mentor.id)).switch(Match)
                .join(mentee, on=(Match.mentee == mentee.id)).where(Match.id.in_(matches)).dicts())
        pairs = {r["id"]: f"the match of {r['mentor_name']} and {r['mentee_name']}" for r in rows}
    names = dict(User.select(User.id, User.name).where(User.id.in_(people)).tuples()) if people else {}
    return [Entry(e.at, e.actor.name if e.actor_id and e.actor else "System", e.action,
                  _target(e.target, names, pairs), _lines(e.details, names)) for e in entries]
