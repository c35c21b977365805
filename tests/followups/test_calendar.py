"""Calendar problems raise follow-ups where they happen: a connection that breaks (once per break) and a session that
could not be written to the organiser's calendar (once per version of it); both are withdrawn once mended."""
from __future__ import annotations

from portal.calendars import connections
from portal.followups import sweep
from portal.meetings import sync
from portal.models import CalendarConnection, FollowUp, Meeting
from tests.conftest import free_port
from tests.meetings.conftest import (  # noqa: F401
    _fresh_directory_cache, browser, caldav_account, frozen, loopback_calendar_servers, pair, radicale, within)
from tests.meetings.test_booking import book, offered
from tests.meetings.test_calendar_sync import connected  # noqa: F401
from tests.pairing.conftest import as_job  # noqa: F401


def flags(reason: str) -> list[FollowUp]:
    return list(FollowUp.select().where(FollowUp.reason == reason).order_by(FollowUp.id))


def test_a_broken_connection_is_flagged_once_per_break_and_withdrawn_when_it_works_again(pair, as_job, program):
    _, mentor, _ = pair
    CalendarConnection.create(user=mentor, kind="caldav", url="https://dav.example.org/", username="mia")
    with as_job():
        assert connections.mark_broken(connections.connection_of(mentor), "The server refused the password.")
        assert connections.mark_broken(connections.connection_of(mentor), "Refused again.") is False
    [flag] = flags("calendar_broken")
    assert (flag.user_id, flag.program_id) == (mentor.id, program.id)
    assert "Mia Mentor's calendar connection stopped working: The server refused the password." == flag.details
    sweep.sweep()
    assert len(flags("calendar_broken")) == 1  # still broken: it stays
    with as_job():
        connections.mark_ok(connections.connection_of(mentor))
    sweep.sweep()
    assert flags("calendar_broken") == []
    with as_job():
        assert connections.mark_broken(connections.connection_of(mentor), "Refused once more.")
    [again] = flags("calendar_broken")
    assert again.source != flag.source and "Refused once more." in again.details


def test_a_session_that_cannot_reach_the_calendar_is_flagged_once_and_withdrawn_once_synced(
        browser, pair, connected, frozen, as_job):
    match, mentor, _ = pair
    real = CalendarConnection.get()
    # The server moves away: the stored address now points at a closed port.
    closed = f"http://127.0.0.1:{free_port()}"
    CalendarConnection.update(url=closed + "/", calendar_url=real.calendar_url.replace(real.url.rstrip("/"), closed)
                              ).execute()
    mia = browser(mentor.email)
    assert book(mia, match, offered(mia, match)[0]).status_code == 302
    meeting = Meeting.get()
    assert meeting.sync_state == "waiting" and flags("calendar_sync") == []  # retried first: nothing to flag yet
    Meeting.update(sync_attempts=sync.MAX_ATTEMPTS - 1).execute()
    with as_job():
        sync.sync(meeting.id)
        sync.sync(meeting.id)  # tried by hand once more, failing the same way
    assert Meeting.get().sync_state == "failed"
    [flag] = flags("calendar_sync")
    assert (flag.source, flag.match_id, flag.user_id) == (f"calendar_sync:{meeting.id}:0", match.id, mentor.id)
    assert "Session 1 of Mia Mentor and Leo Mentee did not reach Mia Mentor's calendar" in flag.details
    CalendarConnection.update(url=real.url, calendar_url=real.calendar_url).execute()
    with as_job():
        sync.sync(meeting.id)
    assert Meeting.get().sync_state == "synced"
    sweep.sweep()
    assert flags("calendar_sync") == []
