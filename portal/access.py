"""Who may open what: decorators for handlers."""
from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required

from portal import events, per_request, person_kept
from portal.models import Participant, Program
from portal.prepared import Prepared
from portal.steady import rows_copy


def admin_required(view):
    """Admins only; others get 403, anonymous visitors the login page."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    # The access tests find every admin-only view by this flag.
    wrapper.admin_only = True
    return wrapper


def current_program():
    """The programme the portal runs now, or 404 when none is set up."""
    program = g.get("program") or Program.current()
    if program is None:
        abort(404)
    # The page's navigation shows the same programme without reading it again.
    g.program = program
    return program


# Read by nearly every request: compiled once (portal/prepared.py).
_ROWS = Prepared(lambda program, user: Participant.select().where(Participant.program == program,
                                                                  Participant.user == user), 2)


def _rows(program, user) -> list[Participant]:
    """The person's rows in the programme, every status, read once per request (or job)."""
    if program is None or not getattr(user, "is_authenticated", True):
        return []
    return per_request.read_once("participations", (program.id, user.id), lambda: person_kept.kept(
        user.id, ("participations", program.id), lambda: _ROWS.rows(program.id, user.id), rows_copy))


def participations(program, user) -> list[Participant]:
    """The person's rows in the programme, every status (read once per request, as roles_in)."""
    return list(_rows(program, user))


def roles_in(program, user) -> list[str]:
    """The roles someone still holds in the programme, sorted (Participant.roles_of, read once per request)."""
    return sorted({row.role for row in _rows(program, user) if not row.has_left})


def row_in_role(program, user, role: str) -> Participant | None:
    """Someone's row in a role they still hold, from the rows read once per request (or job)."""
    return next((row for row in _rows(program, user) if row.role == role and not row.has_left), None)


def ever_in_role(program, user, role: str) -> bool:
    """Whether someone took part in this role, even if they have since left."""
    return any(row.role == role for row in _rows(program, user))


@events.participant_joined.connect
@events.participant_left.connect
def _forget_roles(program, **extra) -> None:
    """Someone joined or left during this request: read their roles again."""
    per_request.forget("participations")
