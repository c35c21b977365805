"""Who may open what: decorators for handlers."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from portal.models import Program


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
    program = Program.current()
    if program is None:
        abort(404)
    return program
