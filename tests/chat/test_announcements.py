"""Announcements reach Slack and Microsoft Teams (a real HTTPS stand-in checks the documented payload shapes), once per
occasion and channel, and wait with backoff while a channel is down (5xx, 429 with Retry-After, refused connections)."""
from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine

from portal.chat import addresses, announcements, tasks
from portal.models import ChatAnnouncement, utcnow
from tests.chat.conftest import LAUNCH
from tests.conftest import free_port

ON_LAUNCH = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def launch_day():
    with time_machine.travel(ON_LAUNCH, tick=True):
        yield


def stored(channels, app) -> dict[str, int]:
    """Store today's posts: {channel: id}."""
    with app.test_request_context():
        ids = announcements.store_due(channels, LAUNCH)
    return {ChatAnnouncement.get_by_id(i).channel: i for i in ids}


def deliver(app, announcement_id):
    with app.test_request_context():
        return announcements.deliver(announcement_id)


def test_the_launch_is_posted_to_slack_and_teams_in_their_documented_shapes(app, channels, standin, launch_day):
    with app.test_request_context():
        tasks.announce_due()

    assert standin.refused == []
    posted = {channel: body for channel, _, body in standin.posts}
    assert set(posted) == {"slack", "teams"}
    slack = posted["slack"]
    assert [block["type"] for block in slack["blocks"]] == ["header", "section", "actions"]
    assert slack["blocks"][0]["text"]["text"] == f"{channels.name}: registration is open"
    assert slack["blocks"][2]["elements"][0]["url"] == "http://localhost/register"
    assert "http://localhost/register" in slack["text"] and "4 January 2027" in slack["text"]
    (attachment,) = posted["teams"]["attachments"]
    card = attachment["content"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["type"] == "AdaptiveCard" and card["body"][0]["text"] == f"{channels.name}: registration is open"
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Sign up", "url": "http://localhost/register"}]
    rows = list(ChatAnnouncement.select().order_by(ChatAnnouncement.channel))
    assert [(r.channel, r.occasion, r.status, r.attempts) for r in rows] == [
        ("slack", "launch", "sent", 1), ("teams", "launch", "sent", 1)]


def test_the_same_occasion_is_never_posted_twice(app, channels, standin, launch_day):
    with app.test_request_context():
        tasks.announce_due()
        tasks.announce_due()
    with time_machine.travel(ON_LAUNCH + dt.timedelta(days=1), tick=True), app.test_request_context():
        tasks.announce_due()
    for announcement_id in [r.id for r in ChatAnnouncement.select()]:
        assert deliver(app, announcement_id) == "skipped"

    assert sorted(channel for channel, _, _ in standin.posts) == ["slack", "teams"]
    assert ChatAnnouncement.select().count() == 2


def test_nothing_is_stored_without_a_channel(app, dated, launch_day):
    with app.test_request_context():
        assert announcements.store_due(dated, LAUNCH) == []


def test_a_server_error_waits_with_backoff_and_the_next_attempt_posts(app, channels, standin, launch_day):
    ids = stored(channels, app)
    standin.answer_next(500)

    with pytest.raises(announcements.RetryLater) as later:
        deliver(app, ids["slack"])

    assert later.value.delay == announcements.backoff(1) == 60
    row = ChatAnnouncement.get_by_id(ids["slack"])
    assert (row.status, row.attempts) == ("queued", 1) and "(500)" in row.last_error
    assert row.next_attempt_at > utcnow() + dt.timedelta(seconds=50)
    assert deliver(app, ids["slack"]) == "sent"
    assert [channel for channel, _, _ in standin.posts] == ["slack"]


def test_a_throttled_channel_is_tried_again_after_its_retry_after(app, channels, standin, launch_day):
    ids = stored(channels, app)
    standin.answer_next(429, {"Retry-After": "7"})

    with pytest.raises(announcements.RetryLater) as later:
        deliver(app, ids["teams"])

    assert later.value.delay == 7
    assert "429" in ChatAnnouncement.get_by_id(ids["teams"]).last_error
    assert deliver(app, ids["teams"]) == "sent"


def test_a_refused_connection_is_retried_and_the_address_stays_out_of_logs_and_errors(app, dated, launch_day, caplog):
    closed = f"https://127.0.0.1:{free_port()}/services/T0/B0/secretpartnobodyhears"
    with app.app_context():
        addresses.save(dated, {"slack": closed}, None)
    ids = stored(dated, app)

    with caplog.at_level(logging.DEBUG), pytest.raises(announcements.RetryLater):
        deliver(app, ids["slack"])

    row = ChatAnnouncement.get_by_id(ids["slack"])
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error == "The channel's server refused the connection."
    assert "secretpartnobodyhears" not in caplog.text


def test_the_job_hands_a_down_channel_back_to_the_queue_without_failing_the_caller(app, channels, standin, launch_day):
    standin.answer_next(503, count=2)
    with app.test_request_context():
        tasks.announce_due()

    states = {r.channel: (r.status, r.attempts) for r in ChatAnnouncement.select()}
    assert states == {"slack": ("queued", 1), "teams": ("queued", 1)}
    assert standin.posts == []


def test_a_refused_post_fails_at_once_and_a_channel_down_too_long_is_given_up(app, channels, standin, launch_day):
    ids = stored(channels, app)
    standin.answer_next(404)
    assert deliver(app, ids["slack"]) == "failed"
    assert "(404)" in ChatAnnouncement.get_by_id(ids["slack"]).last_error

    ChatAnnouncement.update(attempts=announcements.MAX_ATTEMPTS - 1).where(
        ChatAnnouncement.id == ids["teams"]).execute()
    standin.answer_next(500)
    assert deliver(app, ids["teams"]) == "failed"
    assert deliver(app, ids["teams"]) == "skipped"
    assert standin.posts == []


def test_posts_whose_job_was_lost_are_taken_up_again(app, channels, standin, launch_day):
    ids = stored(channels, app)
    assert announcements.lost() == []
    later = utcnow() + announcements.LOST_AFTER + dt.timedelta(minutes=1)
    assert sorted(announcements.lost(later)) == sorted(ids.values())

    # A worker that stopped mid-post leaves its claim; it is taken up once the claim is old.
    ChatAnnouncement.update(status="sending", claimed_at=utcnow()).where(ChatAnnouncement.id == ids["slack"]).execute()
    assert deliver(app, ids["slack"]) == "skipped"
    assert ids["slack"] not in announcements.lost(utcnow() + dt.timedelta(minutes=5))
    assert ids["slack"] in announcements.lost(later)
    with time_machine.travel(ON_LAUNCH + announcements.LOST_AFTER + dt.timedelta(minutes=1), tick=True):
        assert deliver(app, ids["slack"]) == "sent"
    assert [channel for channel, _, _ in standin.posts] == ["slack"]
