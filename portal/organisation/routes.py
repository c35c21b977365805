"""The organisation's people: the import page (upload, check, preview, confirm) and the list of people."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import links, paging
from portal.access import admin_required
from portal.admin import registry
from portal.fragments import fragment_or_page
from portal.models import PeopleImport
from portal.organisation import csvfile, forms, operations, roster

blueprint = Blueprint("organisation", __name__, url_prefix="/admin/people")
registry.page("Organisation", "organisation.index", order=55, current=("organisation.",))

PAGE_SIZE = 50
PROBLEMS_SHOWN = 200
UPLOAD_LIMIT = 64 * 1024 * 1024  # a CSV of 100,000 people is about 10 MB
TOKEN_PURPOSE = "people-import"
TOKEN_HOURS = 24  # the checked rows are dropped after a day (operations.STALE_AFTER)


@blueprint.url_value_preprocessor
def _upload_limit(endpoint, values) -> None:
    # Before the CSRF check reads the form (an app-wide before_request): a people CSV may exceed the app's 2 MB.
    if endpoint == "organisation.check":
        request.max_content_length = UPLOAD_LIMIT


def _listing(form, status: int = 200, **extra):
    search = paging.search_text()
    query = roster.people(search)
    page, total = paging.page_number(), query.count()
    response = fragment_or_page(
        "organisation/index.html", "results", form=form, people=list(query.paginate(page, PAGE_SIZE)),
        page=page, total=total, pages=max(1, -(-total // PAGE_SIZE)), q=search,
        imports=list(PeopleImport.select().order_by(PeopleImport.id.desc()).limit(5)), token_of=token_for, **extra,
    )
    response.status_code = status
    return response


def token_for(upload: PeopleImport) -> str:
    return links.make_token(TOKEN_PURPOSE, upload.id)


def _upload_or_404(token: str) -> PeopleImport:
    try:
        upload_id = links.read_token(TOKEN_PURPOSE, token, TOKEN_HOURS * 3600)
    except links.LinkInvalid:
        abort(404)
    return PeopleImport.get_or_none(PeopleImport.id == upload_id) or abort(404)


@blueprint.get("/import")
@admin_required
def index():
    """Upload a people CSV, and the people imported so far (searchable, paginated)."""
    return _listing(forms.UploadForm())


@blueprint.post("/import")
@admin_required
def check():
    """Check an uploaded CSV into a stored import, then show what it would do; nothing is imported yet."""
    form = forms.UploadForm()
    if not form.validate():
        return _listing(form, 400)
    try:
        upload = operations.check_file(form.file.data.stream, form.file.data.filename, current_user)
    except csvfile.FileProblem as problem:
        form.file.errors = [str(problem)]
        return _listing(form, 400)
    return redirect(url_for("organisation.show", token=token_for(upload)))


@blueprint.get("/import/<token>")
@admin_required
def show(token: str):
    """A checked import: its errors and warnings by line, the preview, and the confirm button; or its outcome."""
    upload = _upload_or_404(token)
    return fragment_or_page(
        "organisation/import.html", "outcome", upload=upload, token=token,
        errors=list(roster.problems(upload, "error").limit(PROBLEMS_SHOWN)),
        warnings=list(roster.problems(upload, "warning").limit(PROBLEMS_SHOWN)), shown=PROBLEMS_SHOWN,
        note=operations.SHOWN_ERRORS_NOTE,
    )


@blueprint.post("/import/<token>")
@admin_required
def confirm(token: str):
    """Import the checked file, all or nothing; a second confirm changes nothing."""
    upload = _upload_or_404(token)
    try:
        upload = operations.confirm_import(upload, current_user)
    except operations.ImportRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for("organisation.show", token=token))
    if upload.status == "done":
        counts = upload.counts
        flash(f"Imported: {counts.get('new', 0)} new, {counts.get('updated', 0)} updated, "
              f"{counts.get('unchanged', 0)} unchanged.", "success")
    return redirect(url_for("organisation.show", token=token))
