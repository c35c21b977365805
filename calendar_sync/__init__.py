"""Calendar library for the portal's booking feature: busy time from CalDAV and Microsoft Graph, meeting offers,
iCalendar invites and feeds, and encrypted storage of calendar credentials. No Flask, no database: the portal calls
it and stores what it returns. See README.md in this folder.

Only the plain data and the errors are imported here; import the modules that talk to servers
(`caldav_source`, `graph`, `graph_auth`) where they are used, so the portal does not load them at start-up.
"""
from calendar_sync.errors import (
                                  AddressNotAllowed,
                                  AuthFailed,
                                  CalendarError,
                                  CredentialUnreadable,
                                  NoCalendar,
                                  NotCalDAV,
                                  ReauthRequired,
                                  RequestFailed,
                                  SecretMissing,
                                  Throttled,
                                  Unreachable,
)
from calendar_sync.model import CANCELLED, CONFIRMED, Busy, Interval, Meeting, Person, SlotRules, WorkingHours

__all__ = ["AddressNotAllowed", "AuthFailed", "Busy", "CANCELLED", "CONFIRMED", "CalendarError", "CredentialUnreadable", "Interval",
           "Meeting", "NoCalendar", "NotCalDAV", "Person", "ReauthRequired", "RequestFailed", "SecretMissing",
           "SlotRules", "Throttled", "Unreachable", "WorkingHours"]
