"""A person's own rows kept per process between their requests, until a write to them moves the person's counter.

Every page reads the viewer's user row, roles, answers, matches, calendar connection and shortlist, and they change
seldom. Triggers on those tables (`install`, run when the schema is made or upgraded) move the counter
`person:<id>` (for the shortlist `shortlist:<id>`) of everyone a write touches, in the same transaction as the
write, whichever process, command or tool made it. A request reads that counter in the statement that reads the
steady counters anyway (portal/steady.py), and takes what this process read of the person at that value instead of
asking again. Rows are read after the counter, so a row kept under a value is never older than the value. Inside a
transaction nothing is kept or taken, a write in the request makes it read the counter again, and each request
gets its own copy of what is kept.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import g, has_app_context, session
from peewee import PostgresqlDatabase

from portal.db import database, on_forget_memos, on_write, tables_with_trigger
from portal.ids import id_or_none
from portal.steady import VERSION, counter_values, read_along

T = TypeVar("T")
PREFIX = "person:"
# The shortlist changes far more often than the rest (a mentee browsing adds and removes): a counter of its own, so
# that a change to it leaves the rest of what is kept of the person in place.
SHORTLIST = "shortlist:"
# The tables that hold someone's own rows, the columns naming whose they are, and the counter a write moves.
TABLES = {
    "user": (("id",), PREFIX), "participant": (("user_id",), PREFIX), "answer": (("user_id",), PREFIX),
    "match": (("mentor_id", "mentee_id"), PREFIX), "calendar_connection": (("user_id",), PREFIX),
    "shortlist": (("mentee_id",), SHORTLIST),
}
# People kept per process (a person and their shortlist count as two), the most recently seen: a few KB each.
LIMIT = 1000

_kept: OrderedDict[str, tuple[int, dict]] = OrderedDict()  # by counter name
_bound: list = [None]
_lock = threading.Lock()
_MISSING = object()


def counter_name(user_id: int, counter: str = PREFIX) -> str:
    return f"{counter}{user_id}"


def note_viewer() -> None:
    """Before a request reads anything: the signed-in viewer's counter comes with the first counters it reads."""
    # flask-login keeps "<user id>:<session version>" (User.get_id); a remember-me cookie alone is read later.
    user_id = id_or_none(str(session.get("_user_id", "")).partition(":")[0])
    if user_id is not None:
        read_along(counter_name(user_id))
        read_along(counter_name(user_id, SHORTLIST))


def kept(user_id: int, what: Hashable, read: Callable[[], T], copy: Callable[[T], T] = lambda value: value,
         counter: str = PREFIX) -> T:
    """`read()`'s result for this person, from this process's copy when none of their rows (those that move
    `counter`) changed since.

    The viewer's counter comes with the first counters a request reads. Someone else's would cost a statement of its
    own, as much as reading their rows, so theirs are read as they are.
    """
    if not has_app_context() or database.in_transaction():
        return read()
    name = counter_name(user_id, counter)
    seen = g.get("counters", {})
    if name not in seen and VERSION in seen:
        return read()
    version = counter_values((name,))[name]
    db = database.obj
    with _lock:
        if _bound[0] is not db:
            _kept.clear()
            _bound[0] = db
        entry = _kept.get(name)
        if entry is None or entry[0] != version:
            entry = _kept[name] = (version, {})
            if len(_kept) > LIMIT:
                _kept.popitem(last=False)
        else:
            _kept.move_to_end(name)
        found = entry[1].get(what, _MISSING)
    if found is _MISSING:
        found = entry[1][what] = read()
    return copy(found)


@on_write
def _written() -> None:
    """Something was written in this request: read the people's counters again before trusting what is kept."""
    # What the request reads after its write is then kept under the new value, for the person's next page.
    if has_app_context() and "counters" in g:
        for name in [name for name in g.counters if name.startswith((PREFIX, SHORTLIST))]:
            del g.counters[name]


@on_forget_memos
def forget() -> None:
    with _lock:
        _kept.clear()
        _bound[0] = None


# One function for every table: the trigger's arguments name the counter, then the columns that say whose a row is.
_POSTGRES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION portal_person_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE people text[] := '{}'; whose text; BEGIN "
    "FOREACH whose IN ARRAY TG_ARGV[1:TG_NARGS - 1] LOOP "
    "IF TG_OP <> 'DELETE' THEN people := people || (to_jsonb(NEW) ->> whose); END IF; "
    "IF TG_OP <> 'INSERT' THEN people := people || (to_jsonb(OLD) ->> whose); END IF; "
    "END LOOP; "
    "INSERT INTO counter (name, value) SELECT DISTINCT TG_ARGV[0] || id, 1 FROM unnest(people) AS id "
    "WHERE id IS NOT NULL ORDER BY 1 ON CONFLICT (name) DO UPDATE SET value = counter.value + 1; "
    "RETURN NULL; END $$"
)


def _postgres_trigger(table: str, columns: tuple[str, ...], counter: str) -> list[str]:
    """A trigger that moves the counters of whoever a row belonged to before the write and belongs to after it.

    Deferred to the commit: a transaction takes the counters' locks last, when it holds every other lock it needs,
    so one that locks a person's rows first (SELECT ... FOR UPDATE) and one that writes them cannot each wait for
    the other's counter.
    """
    arguments = ", ".join(f"'{word}'" for word in (counter, *columns))
    return [
        f'DROP TRIGGER IF EXISTS person_changed ON "{table}"',
        f'CREATE CONSTRAINT TRIGGER person_changed AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION portal_person_changed({arguments})",
    ]


def _sqlite_trigger(table: str, columns: tuple[str, ...], counter: str, event: str) -> str:
    sides = {"INSERT": ("NEW",), "UPDATE": ("NEW", "OLD"), "DELETE": ("OLD",)}[event]
    # An update moves the counter of whoever the row belonged to as well, once, if that was someone else.
    bumps = " ".join(
        f"INSERT INTO counter (name, value) SELECT '{counter}' || {side}.{column}, 1 WHERE {side}.{column} IS NOT NULL "
        f"{'AND OLD.' + column + ' IS NOT NEW.' + column + ' ' if len(sides) == 2 and side == 'OLD' else ''}"
        "ON CONFLICT (name) DO UPDATE SET value = value + 1;"
        for side in sides for column in columns
    )
    return f'CREATE TRIGGER IF NOT EXISTS person_{table}_{event.lower()} AFTER {event} ON "{table}" BEGIN {bumps} END'


def install(db) -> None:
    """The triggers that move a person's counter on every write to their rows (idempotent)."""
    if isinstance(getattr(db, "obj", db), PostgresqlDatabase):
        db.execute_sql(_POSTGRES_FUNCTION)
        for table, (columns, counter) in TABLES.items():
            for sql in _postgres_trigger(table, columns, counter):
                db.execute_sql(sql)
        return
    # SQLite has one writer at a time, so its triggers run with the write itself.
    for table, (columns, counter) in TABLES.items():
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute_sql(_sqlite_trigger(table, columns, counter, event))


def installed(db) -> set[str]:
    """The tables whose writes move the people's counters (for tests and checks)."""
    return tables_with_trigger(db, "person_changed", "person_") & set(TABLES)
