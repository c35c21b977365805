"""An account with several calendars (a task list, a read-only holiday calendar, two of the person's own): what
each holds and allows, which one sessions go to by default, and busy time read from the ones chosen."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from calendar_sync import caldav_source
from calendar_sync.calendar_info import CalendarInfo, busy_calendars, session_calendar
from calendar_sync.model import Meeting, Person
from tests.calendar_sync import peers
from tests.calendar_sync.corpus import vcalendar

LONDON = ZoneInfo("Europe/London")
START = datetime(2031, 3, 17, tzinfo=LONDON)  # a Monday


def sign_in(account):
    return caldav_source.connect(account.url, account.username, account.password, policy=peers.LOOPBACK)


def test_each_calendar_says_whether_it_holds_events_and_may_be_written(several_calendars):
    account = sign_in(several_calendars)
    try:
        found = {info.name: info for info in account.calendars()}
    finally:
        account.close()
    assert set(found) == {"Tasks", "Holidays", "Work", "Private"}
    assert (found["Tasks"].events, found["Tasks"].writable) == (False, True)
    assert (found["Holidays"].events, found["Holidays"].writable) == (True, False)
    assert found["Holidays"].url == several_calendars.holidays
    assert all(found[name].takes_sessions for name in ("Work", "Private"))
    assert not any(info.default for info in found.values())  # Radicale has no scheduling, so names no default


def test_sessions_go_to_the_servers_default_else_the_first_calendar_that_takes_them():
    tasks = CalendarInfo("https://dav.example/tasks/", "Tasks", events=False)
    holidays = CalendarInfo("https://dav.example/holidays/", "Holidays", writable=False)
    work = CalendarInfo("https://dav.example/work/", "Work")
    home = CalendarInfo("https://dav.example/home/", "Home", default=True)
    assert session_calendar([tasks, holidays, work]) == work
    assert session_calendar([tasks, holidays, work, home]) == home
    read_only_default = CalendarInfo("https://dav.example/shared/", "Shared", writable=False, default=True)
    assert session_calendar([read_only_default, work]) == work
    assert session_calendar([tasks, holidays]) is None
    assert busy_calendars([tasks, holidays, work, home]) == [work, home]


def test_without_a_choice_the_account_writes_to_an_event_calendar_not_the_first_listed(several_calendars):
    account = sign_in(several_calendars)
    try:
        calendar = account.calendar()
        assert calendar.url.rstrip("/").rsplit("/", 1)[-1] in {"work", "private"}
    finally:
        account.close()


def test_busy_time_comes_from_every_calendar_chosen_and_only_those(several_calendars):
    several_calendars.work.add_event(vcalendar("""UID:standup@test
        DTSTART;TZID=Europe/London:20310317T100000
        DTEND;TZID=Europe/London:20310317T103000"""), increase_seqno=False)
    several_calendars.private.add_event(vcalendar("""UID:dentist@test
        DTSTART;TZID=Europe/London:20310319T140000
        DTEND;TZID=Europe/London:20310319T150000"""), increase_seqno=False)
    work, private = str(several_calendars.work.url), str(several_calendars.private.url)
    account = sign_in(several_calendars)
    try:
        both = account.calendar(work, busy_from=[work, private])
        busy = both.busy(START, START + timedelta(days=7), "Europe/London")
        assert busy == both.busy(START, START + timedelta(days=7), "Europe/London", expand=True)
        assert [(i.start.astimezone(LONDON).day, i.start.astimezone(LONDON).hour) for i in busy.intervals] == [
            (17, 10), (19, 14)]

        with_holidays = account.calendar(work, busy_from=[work, several_calendars.holidays])
        days = [i.start.astimezone(LONDON).day for i in
                with_holidays.busy(START, START + timedelta(days=7), "Europe/London").intervals]
        assert days == [17, 18]  # the stand-up, and the bank holiday all day

        alone = account.calendar(private)
        assert [i.start.astimezone(LONDON).day for i in
                alone.busy(START, START + timedelta(days=7), "Europe/London").intervals] == [19]

        meeting = Meeting(uid="session@portal.test", summary="Session", start=START + timedelta(days=2, hours=9),
                          end=START + timedelta(days=2, hours=10), zone="Europe/London",
                          organizer=Person("mentor@example.org", "Mina"))
        both.put(meeting)
        assert both.get(meeting.uid) is not None and alone.get(meeting.uid) is None  # written to Work only
    finally:
        account.close()
