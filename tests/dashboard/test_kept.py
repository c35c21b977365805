"""Kept figures: a second view with nothing changed counts nothing again; a session booked, feedback given or a wave
of invitations shows at once; the clock passing the five-minute bucket counts sessions that began since."""
from __future__ import annotations

import datetime as dt

import time_machine
from lxml import html

from portal.meetings import booking, follow_through
from tests.dashboard.conftest import requested, session
from tests.meetings.conftest import NOW as MONDAY
from tests.meetings.conftest import calendar_secret, pair, within  # noqa: F401

START = dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)  # Wednesday, within the pair's working hours
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


def viewed(client, url: str = "/admin/dashboard") -> tuple[html.HtmlElement, list[str]]:
    """The page's tree and the statements it took."""
    response, sql = requested(client, url)
    return html.fromstring(response.get_data(as_text=True)), sql


def figure(tree, key: str) -> str:
    return tree.xpath(f'//article[@id="figure-{key}"]/h3')[0].text_content().strip()


def test_a_second_view_with_nothing_changed_counts_no_session_or_feedback_again(admin, client, pairs):
    for match in pairs(3, dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=40)):
        session(match, dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=30))
    client.login(admin.email)
    first, counted = viewed(client)
    second, kept = viewed(client)
    assert any('"meeting"' in sql for sql in counted) and any('"feedback"' in sql for sql in counted)
    assert not any('"meeting"' in sql or '"feedback"' in sql or '"wave_invitation"' in sql for sql in kept), kept
    assert len(kept) <= 12 < len(counted), (len(kept), len(counted))
    assert figure(second, "sessions") == figure(first, "sessions") == "3"
    assert second.xpath('//p[@id="figures-as-of"]')[0].text_content().startswith("Figures as of ")


def test_a_session_booked_and_feedback_given_show_on_the_next_view(admin, client, pair, within):  # noqa: F811
    match, mentor, mentee = pair
    with time_machine.travel(MONDAY, tick=True):
        client.login(admin.email)
        tree, _ = viewed(client)
        assert figure(tree, "not-booked") == "1" and figure(tree, "rating") == "–"
        with within():
            meeting = booking.book(match, mentor, START, START + HOUR, location_kind="virtual",
                                   location="https://meet.example.org/s")
        tree, _ = viewed(client)
        assert figure(tree, "not-booked") == "0"
    with time_machine.travel(START + 2 * HOUR, tick=True):
        with within():
            follow_through.save_feedback(meeting, mentee, rating=2, fit=4, went_well="", action_items="")
        tree, _ = viewed(client)
        assert figure(tree, "rating") == "2.0" and figure(tree, "sessions") == "1"


def test_the_clock_passing_the_bucket_counts_sessions_that_began_since(admin, client, pairs):
    opened = dt.datetime(2026, 12, 7, 8, 0)  # a bucket starts on the hour
    with time_machine.travel(opened.replace(tzinfo=dt.UTC) + MINUTE, tick=False) as clock:
        [match] = pairs(1, opened - dt.timedelta(days=10))
        session(match, opened + 3 * MINUTE)
        client.login(admin.email)
        tree, _ = viewed(client)
        assert figure(tree, "sessions") == "0"
        clock.move_to(opened.replace(tzinfo=dt.UTC) + 4 * MINUTE)
        tree, kept = viewed(client)
        assert figure(tree, "sessions") == "0"  # begun, but the figures are kept for the rest of the bucket
        assert not any('"meeting"' in sql for sql in kept)
        clock.move_to(opened.replace(tzinfo=dt.UTC) + 5 * MINUTE)
        tree, _ = viewed(client)
        assert figure(tree, "sessions") == "1"
