"""Domain events: an operation says what happened; the features that care connect a receiver.

Each signal is sent after its operation's write, with the Program as sender (the vocabulary, shared by every
programme, sends the skill) and the models as keyword arguments. Receivers run in the sender's thread, possibly inside
its transaction, so they only write to the database (counters, follow-ups, the outbox), which commits or rolls back
with the operation. They take `**extra`, so a signal can carry more later. Where each is sent and who listens:
docs/ARCHITECTURE.md, "Events".

This module imports nothing from the portal, so any module may import it.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

participant_joined = _signals.signal("participant-joined", doc=(
    "accounts.operations.join_programme, per new role: user, participant."))
participant_left = _signals.signal("participant-left", doc=(
    "leaving.operations.leave, after matches ended and requests closed: user, participants, reason (the key), "
    "reason_text (in words), feedback, ended (the matches that ended), actor."))
answers_saved = _signals.signal("answers-saved", doc=(
    "questionnaire.operations.save_answers: user, complete (every required question answered)."))
questions_changed = _signals.signal("questions-changed", doc=(
    "questionnaire.editing, when a question is added, changed, archived or restored: question, actor."))
vocabulary_changed = _signals.signal("vocabulary-changed", doc=(
    "skills.add_skill and skills.add_aliases; the sender is the Skill: aliases (those added), actor."))
match_created = _signals.signal("match-created", doc=(
    "pairing.operations.create_match (approvals, mentee-led requests, the console, published drafts): match, "
    "made_by, actor."))
match_ended = _signals.signal("match-ended", doc=(
    "pairing.operations.end_match (an admin unpairs) and leaving.operations.leave (one of the pair left): match, "
    "reason, actor."))
requests_changed = _signals.signal("requests-changed", doc=(
    "pairing.operations when a request is sent, answered, expires or is closed: requests (those changed)."))
session_booked = _signals.signal("session-booked", doc="meetings.booking.book: meeting, actor.")
session_moved = _signals.signal("session-moved", doc="meetings.booking.reschedule: meeting (at its new time), actor.")
session_cancelled = _signals.signal("session-cancelled", doc=(
    "meetings.booking.cancel (by hand, or for a match that ended): meeting, actor."))
feedback_given = _signals.signal("feedback-given", doc=(
    "meetings.follow_through.save_feedback, first time or changed: feedback, meeting, user."))
survey_answered = _signals.signal("survey-answered", doc=(
    "surveys.operations.save_response, first time or changed: survey, response, user, role, match (the one pair the "
    "answer is about; None for none or several)."))
survey_sent = _signals.signal("survey-sent", doc=(
    "surveys.schedule.send_survey, once everyone taking part has been emailed: survey."))
invitations_sent = _signals.signal("invitations-sent", doc=(
    "launch.sending, after each batch of a wave's invitations is stored: wave, invited (how many in the batch)."))
calendar_broken = _signals.signal("calendar-broken", doc=(
    "calendars.connections.mark_broken, once per break; the sender is the User: connection, problem."))
session_sync_failed = _signals.signal("session-sync-failed", doc=(
    "meetings.sync.sync, when a session could not be written to the organiser's calendar and is not retried: "
    "meeting, error (in words)."))
