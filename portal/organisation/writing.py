"""Writing a confirmed people import: one transaction, in batches, so a file of any size is all or nothing."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator

from peewee import EXCLUDED, Value

from portal import audit
from portal.db import database, is_postgres
from portal.models import OrgPerson, PeopleImport, PeopleImportRow, Program, User, utcnow
from portal.organisation import roster

BATCH = 5000  # rows per statement: bounded memory, few round trips


def insert_rows(model, columns: list[str], rows: Iterable[tuple]) -> None:
    """Insert many rows in batches past peewee's per-value work (15 s for 100,000 rows): PostgreSQL's COPY, or
    SQLite's executemany."""
    table = model._meta.table_name
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = database.cursor()
    for batch in _batches(rows):
        if is_postgres():
            buffer = io.StringIO()
            csv.writer(buffer).writerows(batch)
            buffer.seek(0)
            # An empty field is an empty string here, never NULL.
            cursor.copy_expert(f'COPY "{table}" ({names}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({names}))',
                               buffer)
        else:
            cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})', batch)


def _batches(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def run_import(upload_id: int, actor_id: int | None) -> PeopleImport:
    """Write an import under way in one transaction: every person added or updated by email, or none."""
    upload = PeopleImport.get_by_id(upload_id)
    if upload.status != "importing":
        return upload
    actor = User.get_or_none(User.id == actor_id) if actor_id else None
    try:
        with database.atomic():
            counts = roster.preview(upload)
            _write_people(upload)
            _link_accounts()
            size = _set_organisation_size()
            PeopleImportRow.delete().where(PeopleImportRow.upload == upload).execute()
            PeopleImport.update(status="done", counts=counts, finished_at=utcnow()).where(
                PeopleImport.id == upload.id).execute()
            audit.record(actor, "people.import", f"people_import:{upload.id}", organisation_size=size, **counts)
    except Exception as error:
        # Nothing of the import was written; say so on the import and keep its rows for another try.
        PeopleImport.update(status="failed", problem=f"{type(error).__name__}: {error}"[:2000],
                            finished_at=utcnow()).where(PeopleImport.id == upload.id).execute()
        raise
    if is_postgres():
        database.execute_sql("ANALYZE org_person")
    return PeopleImport.get_by_id(upload.id)


def _write_people(upload: PeopleImport) -> None:
    """Add each row's person, or update the one with that email; their status (registered, opted out) is kept."""
    now = utcnow()
    fields = ("email", *roster.FIELDS)
    rows = roster.good_rows(upload).select(*(getattr(PeopleImportRow, name) for name in fields),
                                           Value("invited"), Value(now), Value(now))
    changed = None
    for name in roster.FIELDS:
        differs = getattr(OrgPerson, name) != EXCLUDED[name]
        changed = differs if changed is None else changed | differs
    # One statement, however many rows: the database reads the stored lines itself. A person whose values are all
    # the same is not touched, so their updated_at says when they last changed.
    (OrgPerson.insert_from(rows, [*(getattr(OrgPerson, name) for name in fields), OrgPerson.status,
                                  OrgPerson.created_at, OrgPerson.updated_at])
     .on_conflict(conflict_target=[OrgPerson.email],
                  preserve=[*(getattr(OrgPerson, name) for name in roster.FIELDS), OrgPerson.updated_at],
                  where=changed)
     .execute())


def _link_accounts() -> None:
    """People imported who already have a confirmed account are linked to it, and registered unless they opted out."""
    confirmed = User.select(User.email).where(User.email_confirmed)
    account = User.select(User.id).where(User.email == OrgPerson.email)
    OrgPerson.update(user=account).where(OrgPerson.user.is_null(), OrgPerson.email.in_(confirmed)).execute()
    OrgPerson.update(status="registered").where(OrgPerson.user.is_null(False), OrgPerson.status == "invited").execute()


def _set_organisation_size() -> int | None:
    """The current programme's organisation size is the number of people, unless an admin typed it."""
    program = Program.current()
    if program is None or program.organisation_size_by_hand:
        return None
    size = max(1, roster.organisation_count())
    Program.update(organisation_size=size).where(Program.id == program.id).execute()
    return size
