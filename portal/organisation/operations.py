"""Importing the organisation's people: check a file into a stored import, then confirm it all or nothing."""
from __future__ import annotations

import datetime as dt
import logging
from typing import IO, Iterator

from peewee import Case, Value

from portal import audit
from portal.db import database, is_postgres
from portal.models import OrgPerson, PeopleImport, PeopleImportRow, User, utcnow
from portal.organisation import csvfile, roster, tasks, writing

logger = logging.getLogger(__name__)
STALE_AFTER = dt.timedelta(days=1)  # as long as the link to a checked import lasts
INLINE_ROWS = 5000  # larger files are written by a job while the page shows it under way
SHOWN_ERRORS_NOTE = "Fix every error in the file and upload it again; nothing is imported while one is left."


class ImportRefused(Exception):
    """The import cannot be confirmed (errors left, already imported, or under way)."""


def check_file(stream: IO[bytes], filename: str, actor) -> PeopleImport:
    """Read and check a people CSV into a stored import (nothing changes yet); FileProblem if it cannot be read."""
    with database.atomic():
        _drop_stale_rows()
        upload = PeopleImport.create(created_by=actor, filename=(filename or "")[:200])
        header, rows = csvfile.read(stream)
        columns = ["upload_id", "line", *csvfile.COLUMNS, "error", "warning"]
        writing.insert_rows(PeopleImportRow, columns, _lines(upload.id, rows))
        count = PeopleImportRow.select().where(PeopleImportRow.upload == upload).count()
        if not count:
            raise csvfile.FileProblem("The file names the columns but has nobody in it.")
        _warn_unknown_managers(upload)
        upload.rows = count
        upload.errors = roster.problems(upload, "error").count()
        upload.warnings = roster.problems(upload, "warning").count()
        upload.notes = [f"Ignored column{'s' if len(header.ignored) != 1 else ''}: {', '.join(header.ignored)}."] \
            if header.ignored else []
        upload.counts = roster.preview(upload)
        upload.save()
        audit.record(actor, "people.check", f"people_import:{upload.id}", filename=upload.filename, rows=count,
                     errors=upload.errors)
    if is_postgres():
        # Fresh planner statistics for the preview and the import (autovacuum may be off).
        database.execute_sql("ANALYZE people_import_row")
    return upload


def _lines(upload_id: int, rows) -> Iterator[tuple]:
    """Each checked row as stored, a repeated email an error naming the line it first appeared on."""
    first_line: dict[str, int] = {}  # the one thing that grows with the file: about 100 bytes a person
    for row in rows:
        email = row.values["email"]
        if email and not row.errors:
            if email in first_line:
                row.errors.append(f"{email} is also on line {first_line[email]}")
            else:
                first_line[email] = row.line
        yield (upload_id, row.line, *(row.values[c] for c in csvfile.COLUMNS), "; ".join(row.errors),
               "; ".join(row.warnings))


def _drop_stale_rows() -> None:
    """Rows of imports checked more than a day ago and never confirmed: their links have expired."""
    stale = PeopleImport.select(PeopleImport.id).where(PeopleImport.status != "importing",
                                                       PeopleImport.created_at < utcnow() - STALE_AFTER)
    PeopleImportRow.delete().where(PeopleImportRow.upload.in_(stale)).execute()


def _warn_unknown_managers(upload: PeopleImport) -> None:
    """A manager's email that is neither in the file nor among the people already imported is a warning."""
    in_file = PeopleImportRow.select(PeopleImportRow.email).where(PeopleImportRow.upload == upload)
    known = OrgPerson.select(OrgPerson.email)
    unknown = (PeopleImportRow.select(PeopleImportRow.id)
               .where(PeopleImportRow.upload == upload, PeopleImportRow.manager_email != "",
                      PeopleImportRow.manager_email.not_in(in_file), PeopleImportRow.manager_email.not_in(known)))
    note = Value("manager ").concat(PeopleImportRow.manager_email).concat(
        " is not in the file or among the people imported")
    warning = Case(None, [(PeopleImportRow.warning == "", note)], PeopleImportRow.warning.concat("; ").concat(note))
    # One statement: a file whose managers are all unknown is 100,000 rows.
    PeopleImportRow.update(warning=warning).where(PeopleImportRow.id.in_(unknown)).execute()


def discard(upload: PeopleImport) -> None:
    """Drop a checked import that will not be confirmed (a check only, or a file with errors)."""
    with database.atomic():
        PeopleImportRow.delete().where(PeopleImportRow.upload == upload).execute()
        PeopleImport.update(status="discarded").where(PeopleImport.id == upload.id,
                                                    PeopleImport.status == "checked").execute()


def confirm_import(upload: PeopleImport, actor, *, background: bool | None = None) -> PeopleImport:
    """Import a checked file once (a second confirm finds it taken): at once, or as a job for a large file.

    ImportRefused if the file has errors.
    """
    if upload.errors:
        raise ImportRefused(SHOWN_ERRORS_NOTE)
    with database.atomic():
        # A failed import rolled back entirely, so it may be tried again.
        taken = (PeopleImport.update(status="importing", problem="")
                 .where(PeopleImport.id == upload.id, PeopleImport.status.in_(("checked", "failed"))).execute())
        if taken:
            audit.record(actor, "people.confirm", f"people_import:{upload.id}", rows=upload.rows)
    if not taken:
        return PeopleImport.get_by_id(upload.id)
    if background if background is not None else upload.rows > INLINE_ROWS:
        tasks.import_people(upload.id, actor.id if actor else None)
        return PeopleImport.get_by_id(upload.id)
    try:
        return writing.run_import(upload.id, actor.id if actor else None)
    except Exception:
        # Rolled back and recorded on the import, whose page says so; the details go to the log.
        logger.exception("People import %s failed; nothing was written", upload.id)
        return PeopleImport.get_by_id(upload.id)


def link_account(user: User) -> OrgPerson | None:
    """When someone confirms an address that was imported, their person record is theirs and registered."""
    person = OrgPerson.get_or_none(OrgPerson.email == user.email)
    if person is None or person.user_id == user.id:
        return person
    with database.atomic():
        person.user = user
        if person.status == "invited":
            person.status = "registered"
        person.save(only=[OrgPerson.user, OrgPerson.status])
        audit.record(user, "people.registered", f"org_person:{person.id}")
    return person
