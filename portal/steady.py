"""Rows nearly every request reads and admins seldom change, kept per process until a write to their tables.

The programme, its settings, questions and agendas, and the skill vocabulary are checked once per request against
one counter that the database moves on any write to them.

Triggers on the tables (`install`, run when the schema is made or upgraded) move the counter in the same transaction
as the write, whichever process, command or tool made it. A request reads the counter once, together with any other
counters it reads (portal/counters.py), and takes what this process read at that version instead of asking again.
Inside a transaction nothing is kept or taken: it may see its own writes before they are committed.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import g, has_app_context
from peewee import PostgresqlDatabase, Table

from portal.db import database, on_forget_memos, on_write, tables_with_trigger
from portal.prepared import PreparedFamily

VERSION = "steady"  # the counter's name
TABLES = ("program", "setting", "question", "agenda", "skill", "skill_alias")

T = TypeVar("T")
_counter = Table("counter", ("name", "value"))
_READ = PreparedFamily(lambda *names: _counter.select(_counter.name, _counter.value)
                       .where(_counter.name.in_(list(names))).tuples())
# What this process read, by what it is: (version, value). Bound to one database: another one starts afresh.
_kept: dict = {}
_bound: list = [None]
# Counters most pages read (the directory's): read with the version, so a page makes one statement for all of them.
# Replaced, never changed in place: another thread may be reading it.
_along: frozenset[str] = frozenset()


def counter_values(names, often: bool = False) -> dict[str, int]:
    """Counters by name (0 for one never bumped), read once per request (or job) with the version in one statement.

    `often` names counters most pages read: from then on they come along with the version's read.
    """
    global _along
    seen = g.setdefault("counters", {}) if has_app_context() else {}
    if often and not _along.issuperset(names):
        _along = _along.union(names)
    missing = [name for name in names if name not in seen]
    if missing or VERSION not in seen:
        along = () if VERSION in seen else (VERSION, *_along, *(g.get("read_along", ()) if has_app_context() else ()))
        wanted = {*missing, *along} - seen.keys()
        found = dict(_READ.rows(*sorted(wanted)))
        seen.update({name: found.get(name, 0) for name in wanted})
    return {name: seen[name] for name in names}


def read_along(name: str) -> None:
    """This request's first read of the counters (and its first after a write) takes this one too."""
    g.setdefault("read_along", set()).add(name)


def version() -> int:
    """The counter's value, read once per request (or job) and again after a write."""
    return counter_values((VERSION,))[VERSION]


def kept(what, read: Callable[[], T], copy: Callable[[T], T] = lambda value: value) -> T:
    """`read()`'s result, from this process's copy when the tables have not changed since it was read.

    `copy` makes what a caller may change from what is kept: model rows are copied, so that a request setting a
    field (a form filling a row in, a preview trying weights) never changes what the next request is given.
    """
    if not has_app_context() or database.in_transaction():
        return read()
    db = database.obj
    if _bound[0] is not db:
        _kept.clear()
        _bound[0] = db
    now = version()
    found = _kept.get(what)
    if found is None or found[0] != now:
        found = _kept[what] = (now, read())
    return copy(found[1])


def row_copy(row):
    """A model row of its own (its fields; not what it joined)."""
    if row is None:
        return None
    clone = type(row).__new__(type(row))
    clone.__data__ = dict(row.__data__)
    clone._dirty = set()
    clone.__rel__ = {}
    return clone


def rows_copy(rows: list) -> list:
    return [row_copy(row) for row in rows]


@on_write
def _written() -> None:
    """Something was written in this request: read the counter again before trusting what is kept."""
    if has_app_context():
        g.get("counters", {}).pop(VERSION, None)


@on_forget_memos
def forget() -> None:
    global _along
    _kept.clear()
    _along = frozenset()
    _bound[0] = None


def install(db) -> None:
    """The triggers that move the counter on every write to the steady tables (idempotent)."""
    if isinstance(getattr(db, "obj", db), PostgresqlDatabase):
        db.execute_sql(
            "CREATE OR REPLACE FUNCTION portal_steady_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO counter (name, value) VALUES ('{VERSION}', 1) "
            "ON CONFLICT (name) DO UPDATE SET value = counter.value + 1; RETURN NULL; END $$")
        for table in TABLES:
            db.execute_sql(f'DROP TRIGGER IF EXISTS steady_changed ON "{table}"')
            db.execute_sql(f'CREATE TRIGGER steady_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                           "FOR EACH STATEMENT EXECUTE FUNCTION portal_steady_changed()")
        return
    for table in TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute_sql(
                f'CREATE TRIGGER IF NOT EXISTS steady_{table}_{event.lower()} AFTER {event} ON "{table}" BEGIN '
                f"INSERT INTO counter (name, value) VALUES ('{VERSION}', 1) "
                "ON CONFLICT (name) DO UPDATE SET value = value + 1; END")


def installed(db) -> set[str]:
    """The steady tables whose writes move the counter (for tests and checks)."""
    return tables_with_trigger(db, "steady_changed", "steady_") & set(TABLES)
