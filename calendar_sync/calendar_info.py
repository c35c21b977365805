"""The calendars of an account as the portal stores them, and which of them take sessions and count as busy.

Plain data, apart from the CalDAV client (caldav_source), so a page that only shows or chooses calendars does not
load the client and its HTTP stack.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CalendarInfo:
    """A calendar in the account: its URL (what the portal stores), display name, whether it holds events (VEVENT;
    a task list does not), whether this account may write to it (a subscribed holiday calendar may not), and whether
    the server names it the account's default calendar (RFC 6638)."""

    url: str
    name: str
    events: bool = True
    writable: bool = True
    default: bool = False

    @property
    def takes_sessions(self) -> bool:
        return self.events and self.writable


def session_calendar(calendars: list[CalendarInfo]) -> CalendarInfo | None:
    """Where sessions go unless the person chooses: the server's default calendar if it takes them, else the first
    that holds events and may be written; None when there is none."""
    fit = [info for info in calendars if info.takes_sessions]
    return next((info for info in fit if info.default), fit[0] if fit else None)


def busy_calendars(calendars: list[CalendarInfo]) -> list[CalendarInfo]:
    """Which calendars count as busy unless the person chooses: their own event calendars (those they may write),
    not subscriptions such as a holiday calendar, whose all-day events would block whole days."""
    return [info for info in calendars if info.takes_sessions]
