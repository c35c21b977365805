"""Where an admin follows a bulk action run as a job: a plain status page, and the line htmx polls on other pages."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, make_response, render_template, request

from portal import progress
from portal.access import admin_required, current_program
from portal.models import JobProgress

blueprint = Blueprint("jobs", __name__)


def line_context(job: JobProgress) -> dict:
    """What `_progress.html` needs to show one job."""
    title, result_url = progress.describe(job)
    return {"job": job, "title": title, "percent": progress.percent(job), "result_url": result_url}


@blueprint.get("/admin/jobs/<int:job_id>")
@admin_required
def show(job_id: int):
    """The job's progress: its line alone for htmx's poll, else a page that refreshes itself until the job ends."""
    job = JobProgress.get_or_none(JobProgress.id == job_id, JobProgress.program == current_program())
    if job is None:
        abort(404)
    if request.htmx and request.htmx.target == f"job-{job.id}":
        line = line_context(job)
        response = make_response(render_template("_progress.html", line=line))
        if job.state == "done" and _path(request.htmx.current_url) == _path(line["result_url"]):
            # The page polling is where the result shows (the console's pairs): load it once, now that it is there.
            response.headers["HX-Refresh"] = "true"
    else:
        response = make_response(render_template("admin/job.html", line=line_context(job)))
    response.vary.add("HX-Target")
    response.headers["Cache-Control"] = "no-store"
    return response


def _path(address: str | None) -> str:
    return urlsplit(address or "").path
