"""Writing a confirmed people import: one transaction, in batches, so a file of any size is all or nothing."""
from __future__ import annotations

from portal import audit
from portal.db import database, is_postgres
from portal.models import OrgPerson, PeopleImport, PeopleImportRow, Program, User, utcnow
from portal.organisation import roster

BATCH = 1000  # rows per INSERT: bounded memory, few round trips


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
            PeopleImport.update(status="done", counts=counts, done_rows=upload.rows, finished_at=utcnow()).where(
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
    batch = []
    rows = roster.good_rows(upload).order_by(PeopleImportRow.line).tuples()
    for values in rows.select(*(getattr(PeopleImportRow, name) for name in fields)).iterator():
        batch.append({**dict(zip(fields, values)), "created_at": now, "updated_at": now})
        if len(batch) >= BATCH:
            _upsert(batch)
            batch = []
    if batch:
        _upsert(batch)


def _upsert(batch: list[dict]) -> None:
    (OrgPerson.insert_many(batch)
     .on_conflict(conflict_target=[OrgPerson.email],
                  preserve=[OrgPerson.name, OrgPerson.department, OrgPerson.job_title, OrgPerson.location,
                            OrgPerson.manager_email, OrgPerson.updated_at])
     .execute())


def _link_accounts() -> None:
    """People imported who already have a confirmed account are registered, linked to it."""
    account = User.select(User.id).where(User.email == OrgPerson.email, User.email_confirmed)
    (OrgPerson.update(user=account, status="registered")
     .where(OrgPerson.user.is_null(), OrgPerson.status == "invited",
            OrgPerson.email.in_(User.select(User.email).where(User.email_confirmed)))
     .execute())


def _set_organisation_size() -> int | None:
    """The current programme's organisation size is the number of people, unless an admin typed it."""
    program = Program.current()
    if program is None or program.organisation_size_by_hand:
        return None
    size = max(1, roster.organisation_count())
    Program.update(organisation_size=size).where(Program.id == program.id).execute()
    return size
