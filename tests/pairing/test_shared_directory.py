"""Every worker searches the same directory, indexed once: a change to one mentor is applied for that mentor alone by
a job, and every web worker reads the result; a worker still behind after a grace period updates its copy itself."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from portal.pairing import directory
from portal.questionnaire import operations as questionnaire
from tests.pairing.conftest import page_text


class Worker:
    """Another web worker: a process of its own on the same database and index files."""

    def __init__(self, app):
        config = {section: app.config["PORTAL"][section] for section in ("database", "jobs", "mail", "server", "flask",
                                                                          "directory")}
        self.process = subprocess.Popen([sys.executable, "-m", "tests.pairing.directory_worker", json.dumps(config)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def search(self, query: str) -> dict:
        self.process.stdin.write(query + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def other_worker(app):
    worker = Worker(app)
    yield worker
    worker.stop()


# An answer of each kind, for the questions a mentor must answer.
ANSWER = {"text": "Engineer", "paragraph": "Helped a team ship.", "skills": ["Python"], "timezone": "Europe/London",
          "working_hours": {"start": "09:00", "end": "17:00"}}


def answer(question):
    if question.kind in ANSWER:
        return ANSWER[question.kind]
    return [question.options[0]] if question.kind == "multi_choice" else question.options[0]


def save_title(program, mentor, title: str, within) -> None:
    """The mentor saves the whole questionnaire with this job title (they stay complete, so listed)."""
    questions = questionnaire.questions_for(program, ["mentor"])
    values = {q.id: answer(q) for q in questions if q.required}
    values[next(q.id for q in questions if q.key == "role_title")] = title
    with within():
        assert questionnaire.save_answers(mentor, program, questions, values)


def test_a_change_to_one_mentor_reaches_every_worker_without_indexing_everyone(
        program, mia, olu, priya, browser, within, other_worker):
    mentee = browser(mia.email)
    assert "Olu Okafor" in page_text(mentee.get("/mentors"))  # this worker indexed every mentor and kept the file
    here = dict(directory.statistics)

    first = other_worker.search("")
    assert sorted(first["ids"]) == sorted([olu.id, priya.id])
    assert first["statistics"] == {"full_builds": 0, "updates": 0, "loads": 1}  # read, not built

    # The update job runs in this process (jobs are immediate in tests), as it would in the job worker.
    save_title(program, olu, "Platform Wrangler", within)
    assert directory.statistics == {**here, "updates": here["updates"] + 1}  # Olu alone, by the job
    found = other_worker.search("wrangler")
    assert found["ids"] == [olu.id]
    assert found["statistics"] == {"full_builds": 0, "updates": 0, "loads": 2}  # the job's file, read
    assert "Olu Okafor" in page_text(mentee.get("/mentors?q=wrangler"))

    save_title(program, priya, "Chief Wrangler", within)
    assert "Priya Shah" in page_text(mentee.get("/mentors?q=chief+wrangler"))
    assert directory.statistics == {**here, "updates": here["updates"] + 2}
    found = other_worker.search("chief wrangler")
    assert found["ids"][0] == priya.id
    assert found["statistics"] == {"full_builds": 0, "updates": 0, "loads": 3}


def test_a_worker_keeps_serving_its_copy_while_everyone_is_indexed_again(app, program, mia, olu, within,
                                                                          monkeypatch):
    from portal.pairing import directory_changes, tasks

    with app.app_context():
        before = directory.directory(program)
    # The build job has not run yet (it is queued): the page does not wait for it.
    monkeypatch.setattr(tasks, "build_directory", lambda program_id: None)
    with within():
        directory_changes.note(program, None)
    builds = directory.statistics["full_builds"]
    with app.app_context():
        assert directory.directory(program).index is before.index
        assert directory.statistics["full_builds"] == builds
        monkeypatch.undo()
        tasks.build_directory(program.id)
        assert directory.statistics["full_builds"] == builds + 1
        assert directory.directory(program).index is not before.index


def test_a_fresh_worker_reads_the_index_the_demo_loader_built(app, runner, program):
    result = runner.invoke(args=["demo-data", "--mentors", "12", "--mentees", "10", "--seed", "3"])
    assert result.exit_code == 0, result.output
    directory.forget()  # a worker started after the load: nothing in memory
    before = dict(directory.statistics)
    with app.app_context():
        found = directory.directory(program)
    assert len(found) >= 12
    assert directory.statistics == {**before, "loads": before["loads"] + 1}


def test_no_request_indexes_while_the_update_job_is_queued_and_one_does_after_the_grace(
        app, program, olu, priya, within, monkeypatch):
    from portal.pairing import tasks

    with app.app_context():
        before = directory._indexed(program, directory._versions(program)[0])
    queued = []
    monkeypatch.setattr(tasks, "update_directory", queued.append)  # queued for the job worker, not run yet
    save_title(program, olu, "Platform Wrangler", within)
    assert queued == [program.id]
    here = dict(directory.statistics)
    with app.app_context():
        assert directory._indexed(program, directory._versions(program)[0]) is before
    with directory._lock:  # as when another thread of this worker is reading or updating the index
        with app.app_context():
            assert directory._indexed(program, directory._versions(program)[0]) is before
    assert directory.statistics == here

    # The job worker is away or busy: once the grace is over, the worker updates its copy for Olu alone.
    monkeypatch.setattr(directory, "UPDATE_GRACE_SECONDS", 0.0)
    with app.app_context():
        after = directory._indexed(program, directory._versions(program)[0])
    assert after is not before and after.get(olu.id).title == "Platform Wrangler"
    assert directory.statistics == {**here, "updates": here["updates"] + 1}


def test_a_worker_waiting_for_the_update_job_asks_what_changed_once(app, program, olu, within, monkeypatch):
    """Requests while the job writes the new index serve the copy held without scanning the counters each time."""
    from portal.pairing import directory_changes, tasks

    with app.app_context():
        before = directory._indexed(program, directory._versions(program)[0])
    monkeypatch.setattr(tasks, "update_directory", lambda program_id: None)  # queued, not run yet
    save_title(program, olu, "Platform Wrangler", within)
    asked = []
    real = directory_changes.since
    monkeypatch.setattr(directory_changes, "since", lambda *args: asked.append(args[1]) or real(*args))
    for _ in range(5):
        with app.app_context():
            assert directory._indexed(program, directory._versions(program)[0]) is before
    assert len(asked) == 1

    # After the grace the worker updates its copy itself, asking again under its claim on the index.
    monkeypatch.setattr(directory, "UPDATE_GRACE_SECONDS", 0.0)
    with app.app_context():
        after = directory._indexed(program, directory._versions(program)[0])
    assert after.get(olu.id).title == "Platform Wrangler" and len(asked) == 2


def test_the_update_job_brings_the_workers_copy_up_to_date(app, program, olu, within, monkeypatch):
    from portal.pairing import tasks

    with app.app_context():
        before = directory.directory(program)
    queued = []
    monkeypatch.setattr(tasks, "update_directory", queued.append)
    save_title(program, olu, "Platform Wrangler", within)
    monkeypatch.undo()

    tasks.update_directory(*queued)

    with app.app_context():
        after = directory.directory(program)
    assert after.index is not before.index and after.get(olu.id).title == "Platform Wrangler"
