"""Statements compiled once per process: the few that nearly every request makes bind only their values.

peewee writes a query's SQL again on every call by walking the whole query, about 0.1 ms for a one-table select:
more than the database takes to answer it. A `Prepared` query is built once from a function whose arguments stand
for the values, compiled for the database in use, and afterwards run with the caller's values in their places:
the same SQL, the same rows and the same model instances as the query it was built from.

On a pooled PostgreSQL connection the statement is also prepared on the server, once per connection (PREPARE), and
run by name (EXECUTE): the server then skips parsing and planning it, about 0.1 ms for a join, on every request.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from itertools import count as _count

from peewee import PostgresqlDatabase, Value

from portal.db import database


# Each statement's name on the server, unique in the process.
_numbers = _count(1)


class _Slot:
    """Which of the caller's values goes in a parameter's place."""

    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index


class Prepared:
    """A query shape compiled once per database; `rows(*values)` runs it with those values.

    `build` receives one placeholder per value and returns the query. Values are passed as the database stores
    them (ids rather than model instances), since the placeholders skip the fields' conversion.
    """

    def __init__(self, build: Callable, arity: int):
        self._build = build
        self._arity = arity
        self._compiled: tuple | None = None  # (database, query, sql, parameters, PREPARE, EXECUTE)
        self._name = f"portal_{next(_numbers)}"

    def _compiled_for_database(self) -> tuple:
        db = database.obj
        kept = self._compiled
        # Tests and commands bind the proxy to other databases (SQLite and PostgreSQL write parameters differently).
        if kept is None or kept[0] is not db:
            query = self._build(*(Value(_Slot(i), converter=False) for i in range(self._arity)))
            sql, params = db.get_sql_context().sql(query).query()
            by_name = self._by_name(sql, len(params)) if isinstance(db, PostgresqlDatabase) else (None, None)
            kept = self._compiled = (db, query, sql, params, *by_name)
        return kept

    def _by_name(self, sql: str, count: int) -> tuple[str, str]:
        """The PREPARE that names this statement on a PostgreSQL connection, and the EXECUTE that runs it."""
        numbers = iter(range(1, count + 1))
        # peewee writes each parameter as %s (and a literal % as %%): PostgreSQL's PREPARE numbers them.
        numbered = re.sub(r"%%|%s", lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)
        run = f"EXECUTE {self._name} ({', '.join(['%s'] * count)})" if count else f"EXECUTE {self._name}"
        # The statement itself rides along as a comment: logs, pg_stat_activity and tests see what runs.
        return f"PREPARE {self._name} AS {numbered}", f"{run} /* {numbered.replace('%', '%%').replace('*/', '* /')} */"

    def rows(self, *values) -> list:
        """Every row the query gives for these values, as the query itself would give them."""
        _, query, sql, params, prepare, execute = self._compiled_for_database()
        bound = [values[p.index] if isinstance(p, _Slot) else p for p in params]
        connection = database.connection()
        if isinstance(getattr(connection, "prepared", None), set):
            if self._name not in connection.prepared:
                with connection.cursor() as cursor:
                    cursor.execute(prepare)
                connection.prepared.add(self._name)
            sql = execute
        return list(query._get_cursor_wrapper(database.execute_sql(sql, bound)))

    def first(self, *values):
        """The first row, or None."""
        rows = self.rows(*values)
        return rows[0] if rows else None

    def sql(self) -> str:
        """The statement as sent (for tests)."""
        return self._compiled_for_database()[2]


class PreparedFamily:
    """One `Prepared` per number of values, for statements with a list in them (`IN (...)`)."""

    def __init__(self, build: Callable):
        self._build = build
        self._members: dict[int, Prepared] = {}

    def rows(self, *values) -> list:
        """Every row the query built from these values gives."""
        count = len(values)
        if count not in self._members:
            self._members[count] = Prepared(self._build, count)
        return self._members[count].rows(*values)
