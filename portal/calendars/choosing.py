"""Which of a CalDAV account's calendars count as busy and which one receives sessions: the person's choice, and
the list of calendars read again from the server when they ask (new calendars, renamed ones)."""
from __future__ import annotations

import dataclasses

from calendar_sync.calendar_info import CalendarInfo, busy_calendars, session_calendar
from calendar_sync.errors import NoCalendar
from portal import audit
from portal.calendars import connections
from portal.db import database
from portal.models import CalendarConnection, User


class ChoiceRefused(ValueError):
    """A choice that names a calendar the account does not have, or one that cannot take what it is chosen for."""


def listed(connection: CalendarConnection) -> list[CalendarInfo]:
    """The account's calendars as the server last listed them (none for a connection made before they were kept)."""
    return [CalendarInfo(**row) for row in connection.calendars or []]


def busy_urls(connection: CalendarConnection) -> list[str]:
    """The calendars whose events count as busy; the one receiving sessions when none were chosen."""
    return list(connection.busy_calendar_urls or ([connection.calendar_url] if connection.calendar_url else []))


def choose_calendars(user: User, busy: list[str], sessions: str) -> CalendarConnection:
    """Keep the person's choice of busy calendars and of the calendar that receives sessions; audited."""
    with database.atomic():
        connection = _caldav_connection_of(user)
        calendars = {info.url: info for info in listed(connection)}
        if not busy:
            raise ChoiceRefused("Choose at least one calendar whose events make you busy.")
        if any(url not in calendars or not calendars[url].events for url in busy):
            raise ChoiceRefused("Choose calendars of this account that hold events.")
        if sessions not in calendars or not calendars[sessions].takes_sessions:
            raise ChoiceRefused("Choose a calendar of this account that holds events and that you may add to.")
        ordered = [url for url in calendars if url in set(busy)]  # the server's order, each once
        changed = (ordered, sessions) != (busy_urls(connection), connection.calendar_url)
        CalendarConnection.update(busy_calendar_urls=ordered, calendar_url=sessions).where(
            CalendarConnection.id == connection.id).execute()
        if changed:
            audit.record(user, "calendar.choose", f"user:{user.id}", sessions=sessions, busy=ordered)
    return CalendarConnection.get_by_id(connection.id)


def refresh_calendars(user: User) -> CalendarConnection:
    """Read the account's calendars from the server again, keeping the choices that still apply.

    A calendar gone from the account drops out of the choice; if the one receiving sessions is gone, or none of
    the busy ones is left, the defaults of a new connection apply to that part. CalendarError when the server
    cannot be asked (a broken password also marks the connection broken).
    """
    connection = _caldav_connection_of(user)
    with connections.caldav_account(connection) as account:
        calendars = account.calendars()
    by_url = {info.url: info for info in calendars}
    previous = busy_urls(connection)
    kept_busy = [url for url in by_url if url in set(previous) and by_url[url].events]
    busy = kept_busy or [info.url for info in busy_calendars(calendars)]
    current = by_url.get(connection.calendar_url)
    fallback = session_calendar(calendars)
    sessions = connection.calendar_url if current is not None and current.takes_sessions else (
        fallback.url if fallback is not None else None)
    if sessions is None:
        raise NoCalendar(connections.NO_EVENT_CALENDAR)
    with database.atomic():
        CalendarConnection.update(calendars=[dataclasses.asdict(info) for info in calendars],
                                  busy_calendar_urls=busy, calendar_url=sessions).where(
            CalendarConnection.id == connection.id).execute()
        audit.record(user, "calendar.refresh", f"user:{user.id}", calendars=len(calendars), sessions=sessions,
                     busy=busy)
    return CalendarConnection.get_by_id(connection.id)


def _caldav_connection_of(user: User) -> CalendarConnection:
    connection = connections.connection_of(user)
    if connection is None or connection.kind != "caldav":
        raise ChoiceRefused("Connect a CalDAV calendar first.")
    return connection
