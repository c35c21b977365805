"""A CalDAV account with several calendars (a task list, a read-only holiday calendar, Work and Private) against a
real Radicale: sensible defaults at connect, the person's choice of busy calendars and of the one sessions go to,
kept and used, and the list read again from the server."""
from __future__ import annotations

from datetime import timedelta

import caldav
import pytest

from portal import settings
from portal.calendars import connections
from portal.models import AuditLog, CalendarConnection
from tests.calendar_sync.conftest import several_calendars, radicale_with_subscriptions  # noqa: F401
from tests.calendar_sync.corpus import vcalendar
from tests.calendars.conftest import START, connection, in_app, meeting
from tests.page import Page


@pytest.fixture
def account(several_calendars, program):  # noqa: F811
    settings.set(program, "calendar_allowed_hosts", "127.0.0.1", None)
    return several_calendars


@pytest.fixture
def connected(mentor_client, mentor, account):
    response = mentor_client.submit("/calendar/connect", {"url": account.url, "username": account.username,
                                                          "password": account.password})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return connection(mentor)


def urls(account) -> dict[str, str]:
    return {"tasks": account.tasks, "holidays": account.holidays, "work": str(account.work.url),
            "private": str(account.private.url)}


def choose(client, busy: list[str], sessions: str | None):
    data = {"busy": busy}
    if sessions is not None:
        data["sessions"] = sessions
    response = client.submit("/calendar/calendars", data, page="/calendar/connect")
    return response, Page(response.get_data(as_text=True))


def busy_days(app, mentor) -> list[int]:
    with in_app(app):
        found = connections.busy(mentor, START, START + timedelta(days=7), "Europe/London")
    return [i.start.astimezone(START.tzinfo).day for i in found.intervals]


def put(calendar, uid: str, day: int, hour: int) -> None:
    calendar.add_event(vcalendar(f"""UID:{uid}
        DTSTART;TZID=Europe/London:203103{day:02d}T{hour:02d}0000
        DTEND;TZID=Europe/London:203103{day:02d}T{hour + 1:02d}0000"""), increase_seqno=False)


def test_connecting_picks_an_event_calendar_for_sessions_and_the_persons_own_as_busy(connected, account,
                                                                                     mentor_client):
    url = urls(account)
    # Not the task list nor the read-only holidays, whichever the server lists first.
    assert connected.calendar_url in (url["work"], url["private"])
    assert sorted(connected.busy_calendar_urls) == sorted([url["work"], url["private"]])
    assert {row["name"] for row in connected.calendars} == {"Tasks", "Holidays", "Work", "Private"}

    page = mentor_client.get("/calendar/connect")
    html = page.get_data(as_text=True)
    form = Page(html)
    assert "Calendars whose events make you busy" in html and "Holidays (read-only)" in html
    assert f'value="{url["tasks"]}"' not in html  # a task list is neither busy time nor a place for sessions
    assert set(form.checked["busy"]) == {url["work"], url["private"]}
    assert form.checked["sessions"] == [connected.calendar_url]
    assert html.count(f'value="{url["holidays"]}"') == 1  # offered as busy, never for sessions


def test_the_choice_is_kept_and_used_for_busy_time_and_for_sessions(app, connected, account, mentor, mentor_client):
    url = urls(account)
    put(account.work, "standup@test", 17, 10)
    put(account.private, "dentist@test", 19, 14)

    response, _ = choose(mentor_client, [url["work"], url["holidays"]], url["private"])

    assert response.status_code == 302 and response.headers["Location"].endswith("/calendar/connect#calendars")
    stored = connection(mentor)
    assert stored.calendar_url == url["private"]
    assert set(stored.busy_calendar_urls) == {url["work"], url["holidays"]}
    [entry] = AuditLog.select().where(AuditLog.action == "calendar.choose")
    assert entry.details["sessions"] == url["private"]
    assert busy_days(app, mentor) == [17, 18]  # the stand-up and the bank holiday; the dentist no longer counts

    with in_app(app):
        written = connections.write_event(mentor, meeting()).remote_id
    assert written.startswith(url["private"])
    assert account.private.get_event_by_uid(meeting().uid) is not None
    with pytest.raises(caldav.lib.error.NotFoundError):
        account.work.get_event_by_uid(meeting().uid)
    page = Page(mentor_client.get("/calendar/connect").get_data(as_text=True))
    assert set(page.checked["busy"]) == {url["work"], url["holidays"]}


@pytest.mark.parametrize(("busy", "sessions", "field", "says"), [
    ([], "private", "busy", "at least one calendar"),
    (["work"], None, "sessions", "Choose the calendar your sessions go to."),
    (["work"], "holidays", "sessions", "Not a valid choice"),
    (["tasks"], "work", "busy", "valid choice"),
])
def test_a_choice_that_does_not_fit_is_refused_and_what_was_ticked_is_kept(connected, account, mentor, mentor_client,
                                                                          busy, sessions, field, says):
    url = urls(account)
    before = (connected.calendar_url, connected.busy_calendar_urls)

    response, page = choose(mentor_client, [url[name] for name in busy], url[sessions] if sessions else None)

    assert response.status_code == 400
    assert says in page.errors[field]
    stored = connection(mentor)
    assert (stored.calendar_url, stored.busy_calendar_urls) == before
    if "work" in busy and field != "busy":
        assert page.checked["busy"] == [url["work"]]


def test_looking_again_lists_new_calendars_and_keeps_the_choice_that_still_applies(
        connected, account, mentor, mentor_client):
    url = urls(account)
    choose(mentor_client, [url["work"]], url["private"])
    principal = caldav.DAVClient(url=account.url, username=account.username, password=account.password).get_principal()
    team = principal.make_calendar(name="Team", cal_id="team")

    response = mentor_client.submit("/calendar/calendars/refresh", page="/calendar/connect")

    assert response.status_code == 302
    stored = connection(mentor)
    assert "Team" in {row["name"] for row in stored.calendars}
    assert (stored.calendar_url, stored.busy_calendar_urls) == (url["private"], [url["work"]])

    account.private.delete()  # the calendar sessions went to is gone: the default takes its place
    assert mentor_client.submit("/calendar/calendars/refresh", page="/calendar/connect").status_code == 302
    stored = connection(mentor)
    assert stored.calendar_url in (url["work"], str(team.url))
    assert "Private" not in {row["name"] for row in stored.calendars}


def test_a_connection_made_before_calendars_were_listed_keeps_its_calendar_until_the_person_looks(
        app, connected, account, mentor, mentor_client):
    url = urls(account)
    # As the migration leaves a connection of an earlier version: one calendar, no list, no choice.
    CalendarConnection.update(calendar_url=url["private"], calendars=[], busy_calendar_urls=[]).execute()
    put(account.work, "standup@test", 17, 10)
    put(account.private, "dentist@test", 19, 14)

    assert busy_days(app, mentor) == [19]
    html = mentor_client.get("/calendar/connect").get_data(as_text=True)
    assert "Look up my calendars" in html and "Calendars whose events make you busy" not in html

    assert mentor_client.submit("/calendar/calendars/refresh", page="/calendar/connect").status_code == 302
    stored = connection(mentor)
    assert (stored.calendar_url, stored.busy_calendar_urls) == (url["private"], [url["private"]])
    assert "Calendars whose events make you busy" in mentor_client.get("/calendar/connect").get_data(as_text=True)


def test_without_a_caldav_connection_choosing_explains_and_changes_nothing(mentor_client, mentor, db):
    response = mentor_client.submit("/calendar/calendars/refresh", page="/calendar/connect")
    assert response.status_code == 302
    assert "Connect a CalDAV calendar first." in mentor_client.get("/calendar/connect").get_data(as_text=True)
    response, _ = choose(mentor_client, ["https://dav.example/work/"], "https://dav.example/work/")
    assert response.status_code == 400 and connection(mentor) is None
