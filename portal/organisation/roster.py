"""Reading the organisation's people and a checked import: the preview's counts, its problems, the list."""
from __future__ import annotations

from peewee import JOIN, fn

from portal.models import OrgPerson, PeopleImport, PeopleImportRow

FIELDS = ("name", "department", "job_title", "location", "manager_email")


def good_rows(upload: PeopleImport):
    return PeopleImportRow.select().where(PeopleImportRow.upload == upload, PeopleImportRow.error == "")


def preview(upload: PeopleImport) -> dict:
    """How many people the import would add, change and leave as they are."""
    if upload.errors:
        return {"new": 0, "updated": 0, "unchanged": 0}
    joined = (good_rows(upload).join(OrgPerson, JOIN.LEFT_OUTER, on=(OrgPerson.email == PeopleImportRow.email)))
    new = joined.where(OrgPerson.id.is_null()).count()
    same = None
    for name in FIELDS:
        condition = getattr(OrgPerson, name) == getattr(PeopleImportRow, name)
        same = condition if same is None else same & condition
    unchanged = joined.where(OrgPerson.id.is_null(False) & same).count()
    total = good_rows(upload).count()
    return {"new": new, "updated": total - new - unchanged, "unchanged": unchanged}


def problems(upload: PeopleImport, kind: str):
    """The lines with an error (kind "error") or a warning, in file order."""
    column = PeopleImportRow.error if kind == "error" else PeopleImportRow.warning
    return PeopleImportRow.select().where(PeopleImportRow.upload == upload, column != "").order_by(PeopleImportRow.line)


def people(search: str = ""):
    """Everyone imported, by name, optionally those whose name, email or department contains the search."""
    query = OrgPerson.select().order_by(fn.LOWER(OrgPerson.name), OrgPerson.id)
    if search:
        # contains() is ILIKE on PostgreSQL and LIKE (without case for ASCII) on SQLite.
        query = query.where(OrgPerson.name.contains(search) | OrgPerson.email.contains(search)
                            | OrgPerson.department.contains(search))
    return query


def organisation_count() -> int:
    return OrgPerson.select().count()
