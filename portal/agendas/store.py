"""A programme's agendas: read from the database once customised, from content/agendas until then."""
from __future__ import annotations

import re
import unicodedata

from portal import audit, content, steady
from portal.content import Document
from portal.db import database
from portal.models import Agenda, Match, Meeting, Program, utcnow

PARTS = ("before", "during", "after")


def _document(row: Agenda) -> Document:
    meta = {"order": row.position, "duration_minutes": row.duration_minutes, "title": row.title,
            "summary": row.summary, **{part: list(getattr(row, part) or []) for part in PARTS}}
    return Document(slug=row.slug, title=row.title, summary=row.summary, order=row.position, body=row.body, meta=meta)


def _stored(program: Program) -> list[Agenda]:
    """The programme's stored agendas in their order, from this process's copy while the table is unchanged."""
    return steady.kept(("agendas", program.id), lambda: list(ordered(program)), steady.rows_copy)


def customised(program: Program) -> bool:
    return bool(_stored(program))


def for_program(program: Program, *, include_hidden: bool = False) -> list[Document]:
    """The agendas sessions can use, in their order."""
    rows = _stored(program)
    if not rows:
        return content.agendas()
    return [_document(r) for r in rows if include_hidden or r.active]


def find(program: Program, slug: str) -> Document | None:
    """One agenda, hidden ones included: a session booked with it still shows it."""
    rows = _stored(program)
    if rows:
        return next((_document(row) for row in rows if row.slug == slug), None)
    return content.find("agendas", slug)


def rows(program: Program) -> list[Agenda]:
    """The stored agendas, copying the defaults in first so there is something to edit."""
    customise(program)
    return list(ordered(program))


def ordered(program: Program):
    """The programme's stored agendas in their order, as a query (for a page of them)."""
    return Agenda.select().where(Agenda.program == program).order_by(Agenda.position, Agenda.id)


def customise(program: Program) -> None:
    """Copy the default agendas into the programme, once; editing starts from them."""
    with database.atomic():
        if not customised(program):
            customise_from_files(program)


def slugify(title: str) -> str:
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60] or "agenda"


def _free_slug(program: Program, title: str) -> str:
    base = slugify(title)
    slug, n = base, 2
    while Agenda.select().where(Agenda.program == program, Agenda.slug == slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def add(program: Program, values: dict, actor) -> Agenda:
    """A new agenda at the end of the list."""
    customise(program)
    with database.atomic():
        last = Agenda.select().where(Agenda.program == program).count()
        row = Agenda.create(program=program, slug=_free_slug(program, values["title"]), position=last + 1,
                            updated_at=utcnow(), **values)
        audit.record(actor, "agenda.add", f"programme:{program.id}", slug=row.slug)
    return row


def save(row: Agenda, values: dict, actor) -> None:
    """Change an agenda's text; its slug stays, so booked sessions keep pointing at it."""
    with database.atomic():
        Agenda.update(updated_at=utcnow(), **values).where(Agenda.id == row.id).execute()
        audit.record(actor, "agenda.edit", f"programme:{row.program_id}", slug=row.slug)


def move(row: Agenda, step: int, actor) -> None:
    """Swap the agenda with its neighbour above (-1) or below (+1)."""
    ordered = rows(row.program)
    index = next(i for i, r in enumerate(ordered) if r.id == row.id)
    other = index + step
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    with database.atomic():
        for position, item in enumerate(ordered, start=1):
            Agenda.update(position=position).where(Agenda.id == item.id).execute()
        audit.record(actor, "agenda.move", f"programme:{row.program_id}", slug=row.slug, step=step)


def set_active(row: Agenda, active: bool, actor) -> None:
    """Hide an agenda from booking (sessions already booked with it keep it) or bring it back."""
    with database.atomic():
        Agenda.update(active=active, updated_at=utcnow()).where(Agenda.id == row.id).execute()
        audit.record(actor, "agenda.show" if active else "agenda.hide", f"programme:{row.program_id}", slug=row.slug)


def reset(program: Program, actor) -> None:
    """Back to the default agendas and order. Added agendas that sessions were booked with stay, hidden, so those
    sessions still show theirs; the others go."""
    defaults = {d.slug for d in content.agendas()}
    with database.atomic():
        for row in Agenda.select().where(Agenda.program == program, Agenda.slug.not_in(defaults)):
            if in_use(row):
                Agenda.update(active=False, position=1000 + row.position).where(Agenda.id == row.id).execute()
            else:
                row.delete_instance()
        Agenda.delete().where(Agenda.program == program, Agenda.slug.in_(defaults)).execute()
        customise_from_files(program)
        audit.record(actor, "agenda.reset", f"programme:{program.id}")


def customise_from_files(program: Program) -> None:
    for position, document in enumerate(content.agendas(), start=1):
        Agenda.create(program=program, slug=document.slug, title=document.title, position=position,
                      duration_minutes=int(document.meta.get("duration_minutes") or 60),
                      summary=document.summary, body=document.body,
                      **{part: [str(q) for q in document.meta.get(part) or []] for part in PARTS})


def in_use(row: Agenda) -> int:
    """How many sessions of the programme were booked with this agenda."""
    return (Meeting.select().join(Match).where(Meeting.agenda == row.slug, Match.program == row.program_id).count())
