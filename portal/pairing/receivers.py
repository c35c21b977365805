"""What pairing does when something happens elsewhere: keep the mentor directory current, tell a new pair."""
from __future__ import annotations

from portal import events, links, mail, settings
from portal.models import Participant, Program
from portal.pairing import directory, directory_changes, load_changes, tasks

# --- the directory's index follows the counter (portal/pairing/directory.py) -------------------------------------


def _refresh_mentors(program, user_ids) -> None:
    """The index is updated for these mentors alone, by a job; workers read the result."""
    directory_changes.note(program, user_ids)
    tasks.update_directory(program.id)


def _refresh_everyone(program) -> None:
    """Every mentor is indexed again, once, by a job; workers serve the index they have until it is written."""
    directory_changes.note(program, None)
    tasks.build_directory(program.id)


@events.participant_joined.connect
def on_joined(program, *, participant, **extra) -> None:
    """A new mentor may be listed (once their questionnaire is complete, which saving answers also reports)."""
    if participant.role == "mentor":
        _refresh_mentors(program, [participant.user_id])


@events.participant_left.connect
def on_left(program, *, participants, **extra) -> None:
    """A mentor who leaves is no longer listed, at once."""
    mentors = [p.user_id for p in participants if p.role == "mentor"]
    if mentors:
        _refresh_mentors(program, mentors)


@events.answers_saved.connect
def on_answers(program, *, user, **extra) -> None:
    """A mentor's answers are their profile; a mentee's are read per request, so they change nothing here."""
    if Participant.select().where(Participant.program == program, Participant.user == user.id,
                                  Participant.role == "mentor").exists():
        _refresh_mentors(program, [user.id])


@events.questions_changed.connect
def on_questions(program, **extra) -> None:
    """What is shown and searched, the fit weights and who has finished all depend on the questions."""
    directory.forget_questions()
    _refresh_everyone(program)


@events.vocabulary_changed.connect
def on_vocabulary(skill, **extra) -> None:
    """Search and ranking read the vocabulary, so every programme's directory is rebuilt."""
    for program in Program.select(Program.id):
        _refresh_everyone(program)


# --- a mentor's load (room, full, popular) is counted again when it moves (load_changes) -------------------------


@events.requests_changed.connect
def on_requests_changed(program, *, requests, **extra) -> None:
    """A request sent, answered, withdrawn, expired or closed: its mentor's popularity changes."""
    load_changes.note(program, {request.mentor_id for request in requests})


@events.match_created.connect
@events.match_ended.connect
def on_match_changed(program, *, match, **extra) -> None:
    """A match made or ended: the mentor's room changes."""
    load_changes.note(program, {match.mentor_id})


# --- a new pair is told -----------------------------------------------------------------------------------------

ROLE_HANDBOOKS = {"mentor": "being-a-great-mentor", "mentee": "being-a-great-mentee"}


@events.match_created.connect
def tell_the_pair(program, *, match, **extra) -> None:
    """'(Name), you are now matched with (X)' to both; by default the mentor is asked to reach out first."""
    mentor, mentee = match.mentor, match.mentee
    first = settings.get(program, "first_contact")
    match_url = links.absolute_url("pairing.match", match_id=match.id)
    messages = [
        mail.message(
            person, f"{person.first_name}, you are now matched with {other.name}", f"match_{role}",
            category="pairing", dedupe_key=f"match:{match.id}:{role}", other=other, match=match,
            match_url=match_url, first_contact=first, reach_out=(first == role),
            handbook_url=links.absolute_url("resources.handbook", slug=ROLE_HANDBOOKS[role]),
        )
        for person, other, role in ((mentee, mentor, "mentee"), (mentor, mentee, "mentor"))
    ]
    # Both stored in one transaction and delivered by one job: approving a request makes fewer round trips.
    mail.send_many([fields for fields in messages if fields is not None])
