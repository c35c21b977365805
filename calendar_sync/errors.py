"""Errors the calendar library raises: one base class, each with a message fit to show the person connecting."""
from __future__ import annotations


class CalendarError(Exception):
    """Something about a calendar connection went wrong; `message` says what, for a person to read."""

    message = "The calendar could not be reached."

    def __init__(self, message: str | None = None, *, detail: str = ""):
        self.message = message or self.message
        self.detail = detail  # for logs: what the server or library said
        super().__init__(self.message if not detail else f"{self.message} ({detail})")


class AuthFailed(CalendarError):
    message = "The calendar server refused the user name or password."


class NotCalDAV(CalendarError):
    message = "That address answers, but it is not a CalDAV calendar server. Check the calendar URL."


class NoCalendar(CalendarError):
    message = "Signed in, but no calendar was found in this account."


class Unreachable(CalendarError):
    message = "The calendar server could not be reached. Check the address, or try again later."


class AddressNotAllowed(Unreachable):
    """The address is one the portal may not fetch (not public, not allowed by an admin). Shown to the person with
    the same message as any other server the portal could not reach, so it tells nothing about that address."""


class ReauthRequired(CalendarError):
    message = "The calendar connection has expired or was revoked. Please connect your calendar again."


class Throttled(CalendarError):
    """The provider asked us to slow down; retry after `retry_after` seconds."""

    message = "The calendar provider is busy; the request will be retried."

    def __init__(self, retry_after: float, *, from_server: bool = True, detail: str = ""):
        self.retry_after = float(retry_after)
        self.from_server = from_server  # False: no Retry-After header, the delay is our own back-off
        super().__init__(f"{self.message} Retry after {self.retry_after:g} s.", detail=detail)


class RequestFailed(CalendarError):
    """The provider answered with an error we have no better name for."""

    message = "The calendar provider refused the request."

    def __init__(self, message: str | None = None, *, status: int | None = None, detail: str = ""):
        self.status = status
        super().__init__(message, detail=detail)


class SecretMissing(CalendarError):
    message = "No encryption secret is configured for stored calendar credentials (set CALENDAR_SECRET)."


class CredentialUnreadable(CalendarError):
    message = "A stored calendar credential could not be decrypted; the person must connect the calendar again."
