"""What the dashboard does when something happens elsewhere: its figures and the launch funnel are counted again."""
from __future__ import annotations

from portal import counters, events


@events.participant_joined.connect
@events.participant_left.connect
@events.answers_saved.connect
@events.session_booked.connect
@events.session_moved.connect
@events.session_cancelled.connect
@events.feedback_given.connect
@events.survey_answered.connect
@events.survey_sent.connect
@events.invitations_sent.connect
# Requests and matches made or ended already move the load counter, which the kept figures are keyed on too
# (portal/kept): one statement fewer on every request and approval.
def on_counted_change(program, **extra) -> None:
    """People, answers, sessions, feedback, surveys or invitations changed: the next view counts them again."""
    counters.bump(counters.reporting_key(program))
