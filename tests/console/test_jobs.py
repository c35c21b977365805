"""The console's long work as jobs: proposing pairs and previewing weights, their progress, refusals and failures."""
from __future__ import annotations

import datetime as dt

import pytest

from portal import progress
from portal.console import drafts, jobs, weights
from portal.models import JobProgress, PairingDraft, utcnow
from tests.console.test_console import pairs_of, people  # noqa: F401  (the fixture)
from tests.pairing.conftest import page_text

WEIGHTS = {"skills": "0", "goals": "2", "hours": "1", "location": "1", "seniority": "0.5", "department": "1",
           "department_mode": "different", "favourite_bonus": "0.2"}


def test_proposing_runs_as_a_job_with_the_same_pairs_as_in_the_request(admin_client, admin, people, program):
    response = admin_client.submit("/admin/pairing/run", {"objective": "optimal"}, page="/admin/pairing")
    assert response.status_code == 302 and "/admin/pairing?job=" in response.location
    job = JobProgress.get()
    assert (job.kind, job.state, job.done, job.total, job.running_key) == ("matching", "done", 2, 3, None)
    draft = PairingDraft.get(PairingDraft.status == "draft")
    assert job.result == {"draft": draft.id, "pairs": 3, "pool": 3}
    page = page_text(admin_client.get(response.location))
    assert "Proposing pairs: done. Proposed 3 pairs for 3 mentees." in page
    from_job = pairs_of(draft)

    with admin_client.application.test_request_context():
        again = drafts.run(program, admin, "optimal")  # the work as the request did it before
    assert pairs_of(again) == from_job
    assert _without_timing(again.summary) == _without_timing(draft.summary)


def _without_timing(summary: dict) -> dict:
    return {name: {k: v for k, v in figures.items() if k != "seconds"} if isinstance(figures, dict) else figures
            for name, figures in summary.items()}


def test_preview_job_gives_the_same_figures_as_in_the_request(admin_client, people, program):
    admin_client.submit("/admin/pairing/run", {"objective": "optimal"}, page="/admin/pairing")
    response = admin_client.submit("/admin/settings/matching", WEIGHTS, page="/admin/settings")
    assert response.status_code == 302
    job = JobProgress.get(JobProgress.kind == "weights")
    assert job.state == "done" and job.result["values"] == WEIGHTS
    with admin_client.application.test_request_context():
        direct = drafts.preview(program, weights.scoring_from(program, WEIGHTS))
    assert job.result["preview"] == direct
    page = admin_client.get(response.location)
    assert page.status_code == 200
    assert f"{direct['pairs_before']} → {direct['pairs_after']} pairs" in page_text(page)
    assert 'name="skills" value="0"' in page.get_data(as_text=True)


def test_a_job_not_yet_run_shows_its_line_polled_by_htmx_and_a_self_refreshing_page(admin_client, admin, program):
    job = progress.start(program, jobs.MATCHING, admin, "Waiting for the job worker to propose pairs.")
    console = admin_client.get("/admin/pairing")
    body = console.get_data(as_text=True)
    assert f'id="job-{job.id}"' in body and f'hx-get="/admin/jobs/{job.id}"' in body and 'hx-trigger="every 1s"' in body
    assert "Proposing pairs: waiting to start." in page_text(console)

    line = admin_client.get(f"/admin/jobs/{job.id}", headers={"HX-Request": "true", "HX-Target": f"job-{job.id}"})
    text = line.get_data(as_text=True)
    assert line.status_code == 200 and "<html" not in text and text.strip().startswith(f'<div id="job-{job.id}"')

    progress.report(job.id, 40, 100, "Scoring.")
    JobProgress.update(state="running").where(JobProgress.id == job.id).execute()
    plain = admin_client.get(f"/admin/jobs/{job.id}")
    assert '<meta http-equiv="refresh" content="2">' in plain.get_data(as_text=True)
    assert "under way (40 of 100, 40%)" in page_text(plain)


def test_the_page_polling_a_finished_job_reloads_once_to_show_its_result(admin_client, admin, program):
    job = progress.start(program, jobs.MATCHING, admin)
    poll = {"HX-Request": "true", "HX-Target": f"job-{job.id}",
            "HX-Current-URL": f"http://localhost/admin/pairing?job={job.id}"}

    waiting = admin_client.get(f"/admin/jobs/{job.id}", headers=poll)
    progress.track(job.id, lambda report: ("Proposed 0 pairs for 0 mentees.", {}))
    finished = admin_client.get(f"/admin/jobs/{job.id}", headers=poll)
    elsewhere = admin_client.get(f"/admin/jobs/{job.id}", headers={**poll, "HX-Current-URL": "http://localhost/admin"})

    assert "HX-Refresh" not in waiting.headers
    assert finished.headers["HX-Refresh"] == "true"
    assert "HX-Refresh" not in elsewhere.headers


def test_a_second_run_is_refused_while_one_is_under_way(admin_client, admin, people, program):
    first = progress.start(program, jobs.MATCHING, admin)
    response = admin_client.submit("/admin/pairing/run", {"objective": "optimal"}, page="/admin/pairing",
                                   follow_redirects=True)
    assert "Pairs are already being proposed; wait for that run to finish." in page_text(response)
    assert JobProgress.select().count() == 1 and PairingDraft.select().count() == 0
    with pytest.raises(progress.Busy):
        progress.start(program, jobs.MATCHING, admin)
    assert progress.active(program, jobs.MATCHING).id == first.id


def test_a_run_whose_worker_stopped_counts_as_failed_and_frees_the_way(admin, program):
    stale = progress.start(program, jobs.MATCHING, admin)
    JobProgress.update(updated_at=utcnow() - progress.STALE_AFTER - dt.timedelta(minutes=1)).where(
        JobProgress.id == stale.id).execute()
    fresh = progress.start(program, jobs.MATCHING, admin)
    assert JobProgress.get_by_id(stale.id).state == "failed" and fresh.state == "queued"


def test_a_failed_job_shows_why_instead_of_waiting_forever(admin_client, admin, program):
    job = progress.start(program, jobs.MATCHING, admin)

    def broken(report):
        report(1, 3, "Scoring.")
        raise drafts.DraftError("No mentor has a free place.")

    with pytest.raises(drafts.DraftError):
        progress.track(job.id, broken)
    stored = JobProgress.get_by_id(job.id)
    assert (stored.state, stored.running_key) == ("failed", None) and stored.finished_at is not None
    page = admin_client.get(f"/admin/pairing?job={job.id}")
    body = page.get_data(as_text=True)
    assert "Proposing pairs: failed. No mentor has a free place." in page_text(page)
    assert 'role="alert"' in body and "hx-trigger" not in body.split(f'id="job-{job.id}"')[1].split("</div>")[0]


def test_unexpected_errors_are_not_shown_as_they_are(admin, program):
    job = progress.start(program, jobs.WEIGHTS, admin)
    with pytest.raises(KeyError):
        progress.track(job.id, lambda report: {}["secret-internal"])
    assert JobProgress.get_by_id(job.id).message == "The job failed unexpectedly; the error is in the server's log."


def test_jobs_are_for_admins_of_their_programme(browser, admin, people, program):
    job = progress.start(program, jobs.MATCHING, admin)
    mentee = browser("ana@example.org")
    assert mentee.get(f"/admin/jobs/{job.id}").status_code == 403
    assert mentee.get(f"/admin/settings/matching/preview/{job.id}").status_code == 403
    admin_client = browser(admin.email)
    assert admin_client.get(f"/admin/jobs/{job.id + 1}").status_code == 404
    # A matching job is not a preview: the preview page does not show it.
    assert admin_client.get(f"/admin/settings/matching/preview/{job.id}").status_code == 404
