"""The CalDAV wrapper against a real Radicale server: connection errors, busy time, writing meetings by UID."""
from __future__ import annotations

import http.server
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from caldav.lib import error as dav_error
from icalendar import Calendar

from calendar_sync import caldav_source
from calendar_sync.availability import free_slots
from calendar_sync.errors import AuthFailed, CalendarError, NoCalendar, NotCalDAV, Unreachable
from calendar_sync.model import Meeting, Person, SlotRules, WorkingHours
from tests.calendar_sync import peers
from tests.calendar_sync.corpus import vcalendar

LONDON, LA = ZoneInfo("Europe/London"), ZoneInfo("America/Los_Angeles")
START = datetime(2026, 3, 16, tzinfo=LONDON)  # Monday; London's clocks go forward on 29 March
END = START + timedelta(weeks=4)


@pytest.fixture
def calendar(caldav_account):
    """The test account's calendar, through the wrapper."""
    account = caldav_source.connect(caldav_account.url, caldav_account.username, caldav_account.password,
                                    policy=peers.LOOPBACK)
    yield account.calendar()
    account.close()


def put_raw(caldav_account, *events: str) -> None:
    """Store an object as another calendar client would."""
    caldav_account.calendar.add_event(vcalendar(*events), increase_seqno=False)


def busy_both_ways(calendar, zone="Europe/London", start=START, end=END):
    """Busy time read the default way and with caldav's expand=True: they must agree."""
    fast = calendar.busy(start, end, zone)
    expanded = calendar.busy(start, end, zone, expand=True)
    assert fast == expanded
    return fast


@pytest.fixture(params=["html-everywhere", "no-webdav"])
def web_server(request):
    handler = peers.WebPage if request.param == "html-everywhere" else http.server.SimpleHTTPRequestHandler
    with peers.web_server(handler) as url:
        yield url


def test_connect_lists_the_calendars(caldav_account):
    account = caldav_source.connect(caldav_account.url, caldav_account.username, caldav_account.password,
                                    policy=peers.LOOPBACK)
    [info] = account.calendars()
    assert info.name == "Work" and info.url.endswith(f"/{caldav_account.username}/work/")
    assert account.calendar(info.url).url == info.url


def test_a_wrong_password_is_auth_failed(caldav_account):
    with pytest.raises(AuthFailed) as caught:
        caldav_source.connect(caldav_account.url, caldav_account.username, "not the password",
                              policy=peers.LOOPBACK)
    assert "password" in caught.value.message


@pytest.mark.parametrize(("status", "reason", "says"), [
    (401, "Unauthorized", "password"), (403, "Forbidden", "does not let this account"),
    (None, "Unauthorized", "password"), (None, "Forbidden", "does not let this account"),
])
def test_a_refusal_is_told_by_its_status_not_by_digits_in_the_servers_address(status, reason, says):
    """A server on port 40309 once turned a wrong password into "this account may not use that calendar"."""
    refused = dav_error.AuthorizationError(url="http://127.0.0.1:40309/", reason=reason, status=status)
    with pytest.raises(AuthFailed) as caught, caldav_source._translated("read the calendars"):
        raise refused
    assert says in caught.value.message


def test_a_web_server_that_is_not_caldav_is_not_caldav(web_server):
    with pytest.raises(NotCalDAV) as caught:
        caldav_source.connect(web_server, "someone", "secret", policy=peers.LOOPBACK)
    assert "not a CalDAV" in caught.value.message


def test_nothing_listening_is_unreachable(free_tcp_port):
    with pytest.raises(Unreachable):
        caldav_source.connect(f"http://127.0.0.1:{free_tcp_port}/", "someone", "secret", timeout=3,
                              policy=peers.LOOPBACK)


def test_an_account_without_calendars_is_no_calendar(radicale):
    name, password = radicale.add_user("empty")
    with pytest.raises(NoCalendar):
        caldav_source.connect(radicale.url, name, password, policy=peers.LOOPBACK)


def test_each_error_is_a_calendar_error_with_a_message():
    for kind in (AuthFailed, NotCalDAV, NoCalendar, Unreachable):
        error = kind()
        assert isinstance(error, CalendarError) and error.message and str(error) == error.message


def test_a_weekly_event_blocks_every_occurrence_in_four_weeks(caldav_account, calendar):
    put_raw(caldav_account, """UID:weekly@test
        DTSTART;TZID=Europe/London:20260302T100000
        DTEND;TZID=Europe/London:20260302T110000
        RRULE:FREQ=WEEKLY""")
    busy = busy_both_ways(calendar)
    assert [(i.start, i.end - i.start) for i in busy.intervals] == [
        (datetime(2026, 3, 16, 10, tzinfo=LONDON) + timedelta(weeks=w), timedelta(hours=1)) for w in range(4)]


def test_transparent_does_not_block_and_tentative_blocks_unless_configured(caldav_account, calendar):
    put_raw(caldav_account, """UID:free@test
        DTSTART;TZID=Europe/London:20260317T090000
        DTEND;TZID=Europe/London:20260317T170000
        TRANSP:TRANSPARENT""")
    put_raw(caldav_account, """UID:maybe@test
        DTSTART;TZID=Europe/London:20260318T090000
        DTEND;TZID=Europe/London:20260318T170000
        STATUS:TENTATIVE""")
    busy = busy_both_ways(calendar)
    assert busy.intervals == ()
    assert [(i.start, i.end) for i in busy.tentative] == [(datetime(2026, 3, 18, 9, tzinfo=LONDON),
                                                           datetime(2026, 3, 18, 17, tzinfo=LONDON))]
    hours = [WorkingHours("Europe/London")]
    default = SlotRules(min_notice=timedelta(0), horizon_days=3, per_day=None)
    lenient = SlotRules(min_notice=timedelta(0), horizon_days=3, per_day=None, tentative_blocks=False)
    days = lambda slots: sorted({s.start.date() for s in slots})  # noqa: E731
    now = datetime(2026, 3, 17, tzinfo=LONDON)
    assert days(free_slots([busy], hours, default, now)) == [datetime(2026, 3, 17).date(),
                                                             datetime(2026, 3, 19).date()]
    assert datetime(2026, 3, 18).date() in days(free_slots([busy], hours, lenient, now))


def test_an_all_day_event_blocks_that_day_in_los_angeles_time(caldav_account, calendar):
    put_raw(caldav_account, """UID:away@test
        DTSTART;VALUE=DATE:20260318
        DTEND;VALUE=DATE:20260319""")
    start = datetime(2026, 3, 16, tzinfo=LA)
    busy = busy_both_ways(calendar, zone="America/Los_Angeles", start=start, end=start + timedelta(weeks=4))
    [day] = busy.intervals
    assert (day.start, day.end) == (datetime(2026, 3, 18, tzinfo=LA), datetime(2026, 3, 19, tzinfo=LA))
    # Not from 17:00 the evening before, which reading the date as UTC (the free-busy REPORT) gives.
    assert day.start.astimezone(LA).hour == 0


def test_a_cancelled_occurrence_does_not_block(caldav_account, calendar):
    put_raw(caldav_account, """UID:series@test
        DTSTART;TZID=Europe/London:20260316T150000
        DTEND;TZID=Europe/London:20260316T160000
        RRULE:FREQ=WEEKLY;COUNT=4""", """UID:series@test
        RECURRENCE-ID;TZID=Europe/London:20260323T150000
        DTSTART;TZID=Europe/London:20260323T150000
        DTEND;TZID=Europe/London:20260323T160000
        STATUS:CANCELLED""")
    busy = busy_both_ways(calendar)
    assert [i.start.day for i in busy.intervals] == [16, 30, 6]


@pytest.mark.parametrize("first", ["20260323T090000", "20261019T090000"])  # clocks change 29 March / 25 October
def test_a_weekly_nine_oclock_stays_at_nine_across_the_clock_change(caldav_account, calendar, first):
    put_raw(caldav_account, f"""UID:standup@test
        DTSTART;TZID=Europe/London:{first}
        DTEND;TZID=Europe/London:{first[:9]}093000
        RRULE:FREQ=WEEKLY""")
    start = datetime.strptime(first[:8], "%Y%m%d").replace(tzinfo=LONDON)
    busy = busy_both_ways(calendar, start=start, end=start + timedelta(weeks=2))
    assert [(i.start.astimezone(LONDON).hour, i.start.astimezone(LONDON).minute) for i in busy.intervals] == [
        (9, 0), (9, 0)]
    # ... which is a different UTC hour on either side of the change
    assert busy.intervals[0].start.astimezone(LONDON).utcoffset() != busy.intervals[1].start.astimezone(
        LONDON).utcoffset()
    assert busy.intervals[0].start.hour != busy.intervals[1].start.hour  # intervals come back in UTC


def meeting(sequence: int = 0, **changes) -> Meeting:
    fields = dict(uid="meeting-42@portal.example", summary="Mentoring: Ada & Bo",
                  start=datetime(2026, 3, 20, 14, tzinfo=LONDON), end=datetime(2026, 3, 20, 15, tzinfo=LONDON),
                  zone="Europe/London", organizer=Person("portal@portal.example", "Mentoring portal"),
                  attendees=(Person("ada@example.org", "Ada"), Person("bo@example.org", "Bo")), sequence=sequence,
                  location="https://meet.example/abc", agenda_url="https://portal.example/meetings/42/agenda",
                  feedback_url="https://portal.example/meetings/42/feedback")
    fields.update(changes)
    return Meeting(**fields)


def stored(caldav_account) -> list[Calendar]:
    return [Calendar.from_ical(obj.data) for obj in caldav_account.calendar.get_events()]


def test_putting_the_same_uid_twice_stores_one_event_with_our_sequence(caldav_account, calendar):
    first = meeting(sequence=3)
    url = calendar.put(first)
    assert calendar.put(first) == url  # a retried job
    [event] = [c.events[0] for c in stored(caldav_account)]
    assert event["UID"] == first.uid and event["SEQUENCE"] == 3

    later = first.rescheduled(datetime(2026, 3, 21, 10, tzinfo=LONDON), datetime(2026, 3, 21, 11, tzinfo=LONDON))
    calendar.put(later)
    [event] = [c.events[0] for c in stored(caldav_account)]
    assert event["SEQUENCE"] == 4  # what we set, not 5: caldav was told not to count
    assert event.start == datetime(2026, 3, 21, 10, tzinfo=LONDON)
    assert [i.start for i in calendar.busy(START, END, "Europe/London").intervals] == [later.start]


def test_put_updates_an_event_another_client_stored_under_another_name(caldav_account, calendar):
    first = meeting(sequence=1)
    client = caldav_account.calendar.client
    from calendar_sync import invites

    client.put(f"{caldav_account.calendar.url}other-name.ics", invites.stored_event(first),
               {"Content-Type": "text/calendar"})
    calendar.put(first.rescheduled(first.start + timedelta(hours=1), first.end + timedelta(hours=1)))
    events = [c.events[0] for c in stored(caldav_account)]
    assert len(events) == 1 and events[0]["SEQUENCE"] == 2


def test_cancel_keeps_a_cancelled_event_that_no_longer_blocks_and_delete_removes_it(caldav_account, calendar):
    booked = meeting(sequence=0)
    calendar.put(booked)
    assert calendar.busy(START, END, "Europe/London").intervals
    calendar.cancel(booked.cancelled())
    [event] = [c.events[0] for c in stored(caldav_account)]
    assert (event["STATUS"], event["SEQUENCE"]) == ("CANCELLED", 1)
    assert calendar.busy(START, END, "Europe/London").intervals == ()
    assert calendar.delete(booked.uid) is True
    assert calendar.get(booked.uid) is None and stored(caldav_account) == []
    assert calendar.delete(booked.uid) is False
