"""Admin pages: the settings page with the programme, its phases and the home page message; people, the outbox and
the audit log."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, has_request_context, make_response, redirect,
                   render_template, request, url_for)
from flask_login import current_user

from portal import headers, paging
from portal.access import admin_required, current_program
from portal.admin import audit_view, forms, people_table, registry, settings_page
from portal.fragments import fragment_or_page
from portal.mail import display
from portal.mail import outbox as mail_outbox
from portal.models import Email
from portal.programme import operations as programme
from portal.programme import phases

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
registry.page("Settings", "admin.settings", order=20)
registry.page("People", "admin.people", order=50)
registry.page("Outbox", "admin.outbox", order=110)
registry.page("Audit log", "admin.audit_log", order=120)

PAGE_SIZE = 50


def _page() -> int:
    return paging.page_number()


@blueprint.app_context_processor
def admin_navigation():
    """The admin navigation lists the pages features registered; any admin-only view is in the admin area."""
    view = current_app.view_functions.get(request.endpoint) if has_request_context() and request.endpoint else None
    return {"admin_pages": registry.pages, "in_admin_area": getattr(view, "admin_only", False)}


@blueprint.get("/")
@admin_required
def index():
    """The admin area starts at the dashboard."""
    return redirect(url_for("dashboard.index"))


@blueprint.get("/settings")
@admin_required
def settings():
    """Programme settings: every section the features registered, the programme and its phases first."""
    return settings_page.render(current_program())


@blueprint.post("/settings/programme")
@admin_required
def save_programme():
    """Save the programme section, or fill in suggested dates without saving."""
    program = current_program()
    form = forms.ProgrammeForm()
    if request.form.get("action") == "suggest":
        if form.pairing_opens.validate(form) and form.length_months.data and form.length_months.validate(form):
            suggested = phases.suggested_dates(form.pairing_opens.data, form.length_months.data)
            for name, value in suggested.__dict__.items():
                form[name].data = value
                form[name].raw_data = [value.isoformat()]
            settings_page.flash_saved(
                "programme", "Dates suggested from the pairing date and length. Check them, then save.", "info")
            return settings_page.render(program, "programme", form)
        form.length_months.errors = list(form.length_months.errors) or ["Enter a length to suggest dates."]
        return settings_page.render(program, "programme", form, status=400)
    if not form.validate():
        return settings_page.render(program, "programme", form, status=400)
    values = {name: form[name].data for name in ["name", "organisation_size", *programme.DATE_FIELDS]}
    problems = phases.order_problems(phases.PhaseDates(**{n: values[n] for n in programme.DATE_FIELDS}))
    if problems:
        for name, message in problems.items():
            form[name].errors = [message]
        return settings_page.render(program, "programme", form, status=400)
    changes = programme.update_program(program, values, current_user)
    settings_page.flash_saved("programme", "Programme settings saved." if changes else "Nothing changed.",
                              "success" if changes else "info")
    return redirect(url_for("admin.settings") + "#programme")


@blueprint.post("/settings/welcome")
@admin_required
def save_welcome():
    """Save the message shown on the home page."""
    return settings_page.save_section("welcome")


@blueprint.post("/settings/phases/<phase>")
@admin_required
def set_phase(phase: str):
    """Open or close a phase by hand, or return it to its dates."""
    if phase not in phases.PHASES:
        abort(404)
    state = {"open": True, "close": False, "auto": None}.get(request.form.get("state", ""), "invalid")
    if state == "invalid":
        abort(400, "Choose open, close or follow the dates.")
    programme.set_phase_override(current_program(), phase, state, current_user)
    verb = {True: "opened", False: "closed", None: "set to follow its dates"}[state]
    settings_page.flash_saved("phases", f"{phases.LABELS[phase]} {verb}.")
    return redirect(url_for("admin.settings") + "#phases")


@blueprint.get("/outbox")
@admin_required
def outbox():
    """Every email the portal sent or stored."""
    # Only what the list shows: a deep page then sorts and skips narrow rows, not every email's bodies.
    query = (Email.select(Email.id, Email.created_at, Email.to_address, Email.to_name, Email.subject, Email.status,
                          Email.last_error)
             .order_by(Email.created_at.desc(), Email.id.desc()))
    status = request.args.get("status")
    if status in Email.STATUSES:
        query = query.where(Email.status == status)
    search = paging.search_text()
    if search:
        query = query.where(Email.to_address.contains(search) | Email.subject.contains(search))
    page = _page()
    total = query.count()
    return render_template(
        "admin/outbox.html", emails=list(query.paginate(page, PAGE_SIZE)), page=page, total=total,
        pages=max(1, -(-total // PAGE_SIZE)), status=status, q=search, statuses=Email.STATUSES,
        failed=Email.select().where(Email.status == "failed").count(),
    )


@blueprint.get("/outbox/retry")
@admin_required
def confirm_retry_failed():
    """Ask before trying every failed email again."""
    failed = Email.select().where(Email.status == "failed").count()
    return render_template("admin/outbox_retry.html", failed=failed)


@blueprint.post("/outbox/retry")
@admin_required
def retry_failed():
    """Try every failed email again now."""
    count = mail_outbox.retry_all_failed(current_user)
    if count:
        flash(f"Trying {count} failed email{'s' if count != 1 else ''} again.", "success")
    else:
        flash("There are no failed emails to retry.", "info")
    return redirect(url_for("admin.outbox"))


@blueprint.post("/outbox/<int:email_id>/retry")
@admin_required
def retry_email(email_id: int):
    """Try one failed email again now."""
    email = _email_or_404(email_id)
    if mail_outbox.retry(email.id, current_user):
        flash(f"Trying the email to {email.to_address} again.", "success")
    else:
        flash(f"This email is {Email.get_by_id(email.id).status}, not failed: nothing to retry.", "info")
    if request.form.get("back") == "outbox":
        return redirect(url_for("admin.outbox"))
    return redirect(url_for("admin.outbox_email", email_id=email.id))


def _email_or_404(email_id: int) -> Email:
    email = Email.get_or_none(Email.id == email_id)
    if email is None:
        abort(404)
    return email


@blueprint.get("/outbox/<int:email_id>")
@admin_required
def outbox_email(email_id: int):
    """One email as it was sent, its personal links' secrets hidden."""
    email = _email_or_404(email_id)
    return render_template("admin/outbox_email.html", email=email, shown=display.shown(email))


@blueprint.get("/outbox/<int:email_id>/html")
@admin_required
def outbox_email_html(email_id: int):
    """The email's HTML for the frame on its outbox page: its own styles, nothing that runs, secrets hidden."""
    email = _email_or_404(email_id)
    if not email.html_body:
        abort(404)
    response = make_response(display.shown(email).html)
    response.headers["Content-Security-Policy"] = headers.EMAIL_PREVIEW_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.get("/audit")
@admin_required
def audit_log():
    """Who changed what, in words, filtered by who, what and when."""
    known = audit_view.actions()
    filters = audit_view.Filters.from_args(request.args, known)
    entries = audit_view.query(filters)
    total = entries.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(_page(), pages)
    shown = audit_view.readable(list(entries.paginate(page, PAGE_SIZE)))
    status = 400 if filters.problems else 200
    return render_template("admin/audit.html", entries=shown, page=page, total=total, pages=pages,
                           filters=filters, actions=known), status


@blueprint.get("/people")
@admin_required
def people():
    """Everyone in the programme: search, filter, sort, a page at a time."""
    program = current_program()
    question = people_table.department_question(program)
    departments = people_table.departments(question)
    filters = people_table.Filters.from_args(request.args, departments)
    table = people_table.page_of(program, filters, question, _page())
    return fragment_or_page("admin/people.html", "results", table=table, filters=filters, departments=departments,
                            statuses=people_table.STATUSES, sorts=people_table.SORTS)
