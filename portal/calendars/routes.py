"""Calendar connection pages: connect CalDAV or Microsoft 365, see how the connection is doing, disconnect."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from peewee import DatabaseError

from calendar_sync.errors import AuthFailed, CalendarError, NotCalDAV, Unreachable
from portal import links, person_kept
from portal.access import admin_required
from portal.admin import settings_page
from portal.calendars import choosing, connections, forms, microsoft
from portal.calendars import settings as calendar_settings
from portal.db import database
from portal.steady import row_copy
from portal.models import Participant, Program

blueprint = Blueprint("calendars", __name__)


def taking_part_required(view):
    """Participants of the current programme and admins; others 403, anonymous visitors the login page."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin and not Participant.roles_of(current_user, Program.current()):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@blueprint.app_context_processor
def calendar_attention():
    """`broken_calendar()` for the banner in base.html: the viewer's connection when it needs attention."""

    def broken_calendar():
        if not current_user.is_authenticated or database.is_closed():
            return None
        if "broken_calendar" not in g:
            try:
                g.broken_calendar = person_kept.kept(
                    current_user.id, "broken_calendar", lambda: connections.broken_connection_of(current_user.id),
                    row_copy)
            except DatabaseError:  # an error page for a failing database must still render
                g.broken_calendar = None
        return g.broken_calendar

    return {"broken_calendar": broken_calendar}


def _choice_form(connection) -> forms.CalendarChoiceForm | None:
    """The choice of calendars as stored, for a CalDAV connection whose calendars are listed."""
    calendars = choosing.listed(connection) if connection is not None and connection.kind == "caldav" else []
    if not calendars:
        return None
    return forms.CalendarChoiceForm(formdata=None, data={"busy": choosing.busy_urls(connection),
                                                         "sessions": connection.calendar_url}).offer(calendars)


def _page(form=None, *, choice=None, microsoft_error: str | None = None, calendars_error: str | None = None,
          status: int = 200):
    connection = connections.connection_of(current_user)
    return render_template(
        "calendars/connect.html", form=form or forms.CaldavForm(), connection=connection,
        choice=choice or _choice_form(connection), calendars=choosing.listed(connection) if connection else [],
        kinds=connections.KINDS, microsoft_on=microsoft.setup() is not None, microsoft_error=microsoft_error,
        calendars_error=calendars_error,
    ), status


@blueprint.route("/calendar/connect", methods=["GET", "POST"])
@taking_part_required
def connect():
    """The person's calendar connection; the CalDAV form posts here."""
    form = forms.CaldavForm()
    if not form.validate_on_submit():
        return _page(form, status=400 if request.method == "POST" else 200)
    try:
        connections.connect_caldav(current_user, form.url.data, form.username.data, form.password.data)
    except CalendarError as error:
        # Next to the field the person should look at again (an address refused is an Unreachable too).
        field = next((field for kind, field in ((AuthFailed, form.password), (NotCalDAV, form.url),
                                                (Unreachable, form.url)) if isinstance(error, kind)), None)
        (field.errors if field is not None else form.form_errors).append(error.message)
        return _page(form, status=400)
    flash("Your calendar is connected. Busy times are read from it and sessions you organise are written to it.",
          "success")
    return redirect(url_for("calendars.connect"))


@blueprint.post("/calendar/calendars")
@taking_part_required
def choose_calendars():
    """Keep which calendars count as busy and which one receives sessions."""
    connection = connections.connection_of(current_user)
    form = forms.CalendarChoiceForm().offer(choosing.listed(connection) if connection else [])
    if not form.validate_on_submit():
        return _page(choice=form, status=400)
    try:
        choosing.choose_calendars(current_user, form.busy.data, form.sessions.data)
    except choosing.ChoiceRefused as error:
        form.form_errors.append(str(error))
        return _page(choice=form, status=400)
    flash("Your choice of calendars is saved: busy times are read from those you ticked, and your sessions go to "
          "the one you chose.", "success")
    return redirect(url_for("calendars.connect", _anchor="calendars"))


@blueprint.post("/calendar/calendars/refresh")
@taking_part_required
def refresh_calendars():
    """Read the account's calendars from the server again, to choose among them."""
    try:
        choosing.refresh_calendars(current_user)
    except choosing.ChoiceRefused as error:
        flash(str(error), "info")
        return redirect(url_for("calendars.connect"))
    except CalendarError as error:
        return _page(calendars_error=error.message, status=400)
    flash("Your calendars were read again from the server.", "success")
    return redirect(url_for("calendars.connect", _anchor="calendars"))


@blueprint.post("/calendar/disconnect")
@taking_part_required
def disconnect():
    """Forget the connection and its stored password or token."""
    if connections.disconnect(current_user):
        flash("Your calendar is disconnected; the portal no longer keeps its password or token.", "success")
    else:
        flash("No calendar was connected.", "info")
    return redirect(url_for("calendars.connect"))


@blueprint.get("/calendar/connect/microsoft")
@taking_part_required
def microsoft_start():
    """Off to Microsoft to sign in and allow calendar access."""
    try:
        auth_uri, flow = connections.start_microsoft(links.absolute_url("calendars.microsoft_callback"),
                                                     login_hint=current_user.email)
    except CalendarError as error:  # switched off (404), or Microsoft's sign-in did not answer (503)
        status = 404 if isinstance(error, connections.NotConfigured) else 503
        return _page(microsoft_error=error.message, status=status)
    session[microsoft.CALENDAR_FLOW] = flow
    return redirect(auth_uri)


@blueprint.get("/calendar/connect/microsoft/callback")
@taking_part_required
def microsoft_callback():
    """Microsoft sends the browser back here with a code (or a refusal)."""
    flow = session.pop(microsoft.CALENDAR_FLOW, None)
    if not flow:
        return _page(microsoft_error="That Microsoft sign-in did not start here, or was already used. "
                                     "Please connect again.", status=400)
    try:
        connections.connect_microsoft(current_user, flow, request.args)
    except CalendarError as error:
        return _page(microsoft_error=error.message, status=400)
    flash("Your Outlook calendar is connected.", "success")
    return redirect(url_for("calendars.connect"))


@blueprint.post("/admin/settings/calendars")
@admin_required
def save_settings():
    """Save the Microsoft 365 tenant and application id (both empty: Microsoft 365 off)."""
    return settings_page.save_section(calendar_settings.SECTION.anchor)
