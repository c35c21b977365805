"""A CalDAV calendar (caldav 3): connect and check, list calendars, read busy time, write meetings by UID.

Every failure comes out as a CalendarError subclass with a message for the person connecting: AuthFailed,
NotCalDAV, NoCalendar, Unreachable (or RequestFailed for anything else the server refuses).

The address comes from the person connecting, so every request goes through `guarded_http`: only public addresses
and what the AddressPolicy allows, within a deadline. Whatever keeps the portal from a server (an address refused,
nothing listening, a timeout, a TLS failure) reads the same, NOT_REACHED, so the messages tell nobody which
addresses or ports answer; the details go to `detail`, for logs.
"""
from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import caldav
from caldav.elements import cdav, dav
from caldav.elements.base import BaseElement
from caldav.lib import error as dav_error
from caldav.lib.namespace import ns

from calendar_sync import guarded_http, invites
from calendar_sync.addresses import AddressPolicy
from calendar_sync.calendar_info import CalendarInfo, session_calendar
from calendar_sync.errors import (
                                  AddressNotAllowed,
                                  AuthFailed,
                                  CalendarError,
                                  NoCalendar,
                                  NotCalDAV,
                                  RequestFailed,
                                  Unreachable,
)
from calendar_sync.model import CANCELLED, Busy, Meeting
from calendar_sync.occurrences import busy_from_ics, component_occurrence, merge

# Servers drop all-day and floating events from narrow time-range queries; ask for a day more each side.
QUERY_SLACK = timedelta(days=1)

NOT_REACHED = ("The portal could not reach a calendar server at that address. Check the address, or try again "
               "later; a server on a private network must first be allowed by the programme team.")


class _ScheduleDefaultCalendarURL(BaseElement):
    tag = ns("C", "schedule-default-calendar-URL")


# Privileges that let this account put an event in a calendar (RFC 3744 section 3.12: write covers write-content).
WRITE_PRIVILEGES = {ns("D", "all"), ns("D", "write"), ns("D", "write-content")}


def _forbidden(exc: dav_error.AuthorizationError) -> bool:
    """403 (the account may not use that calendar) rather than 401 (a wrong name or password)."""
    # By the status or the reason phrase, never by the message: it holds the URL, whose port may read 403.
    status = getattr(exc, "status", None)
    if status is not None:
        return status == 403
    return str(getattr(exc, "reason", "")).strip().lower() == "forbidden"


@contextlib.contextmanager
def _translated(action: str):
    """Turn caldav and HTTP exceptions into CalendarError subclasses."""
    try:
        yield
    except CalendarError:
        raise
    except dav_error.AuthorizationError as exc:
        if _forbidden(exc):
            raise AuthFailed("The calendar server does not let this account use that calendar.",
                             detail=str(exc)[:300]) from exc
        raise AuthFailed(detail=str(exc)[:300]) from exc
    except dav_error.DAVError as exc:
        raise RequestFailed(f"The calendar server refused to {action}.", detail=str(exc)[:300]) from exc
    except OSError as exc:  # niquests' ConnectionError, Timeout and SSLError are OSErrors, as are socket errors
        raise _not_reached(exc) from exc


def _not_reached(exc: BaseException) -> Unreachable:
    """The one message for a server the portal could not talk to; AddressNotAllowed when the policy said no."""
    detail = f"{type(exc).__name__}: {exc}"[:300]
    if _refused(exc):
        return AddressNotAllowed(NOT_REACHED, detail=detail)
    return Unreachable(NOT_REACHED, detail=detail)


def _refused(exc: BaseException | None) -> bool:
    """Whether an AddressRefused lies behind what the HTTP stack raised."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, guarded_http.AddressRefused):
            return True
        seen.add(id(exc))
        if any(isinstance(arg, guarded_http.AddressRefused) for arg in getattr(exc, "args", ())):
            return True
        reason = getattr(exc, "reason", None)  # urllib3's wrapped error; an SSLError's reason is a string
        exc = exc.__cause__ or exc.__context__ or (reason if isinstance(reason, BaseException) else None)
    return False


def connect(url: str, username: str, password: str, *, timeout: float = 15, deadline: float = 60,
            verify: bool | str = True, policy: AddressPolicy | None = None) -> CaldavAccount:
    """Sign in and check that this is a CalDAV account with at least one calendar.

    Only public addresses are fetched, and those `policy` allows (an AddressPolicy; default: public only), on the
    first request, every redirect and every address the server names. `timeout` bounds each connect and each read,
    `deadline` the whole life of the account (this check, or the reads and writes of one job).

    Raises AuthFailed (wrong user name or password), NotCalDAV (the URL answers but speaks no CalDAV),
    NoCalendar (signed in, no calendar) or Unreachable (refused address, nothing answers, too slow, TLS fails:
    all with the NOT_REACHED message; AddressNotAllowed when the policy refused).
    """
    with _translated("sign in"):
        client = caldav.DAVClient(url=url, username=username, password=password, timeout=timeout,
                                  ssl_verify_cert=verify, enable_rfc6764=False)
        client.session.close()
        client.session = guarded_http.session(policy, timeout=timeout, deadline=deadline)
    try:
        return _checked(client)
    except BaseException:
        client.close()
        raise


def _checked(client: caldav.DAVClient) -> CaldavAccount:
    """The signed-in account, once the server has shown it speaks CalDAV and has a calendar."""
    try:
        with _translated("sign in"):
            principal = client.get_principal()
    except (AuthFailed, Unreachable):
        raise
    except Exception as exc:  # noqa: BLE001 - a non-CalDAV server fails in many ways: HTML, 405, 501, bad XML
        detail = (exc.detail if isinstance(exc, CalendarError) else str(exc))[:300]
        if not _speaks_caldav(client):
            raise NotCalDAV(detail=detail) from exc
        raise RequestFailed("The calendar server could not tell who this account is.", detail=detail) from exc
    account = CaldavAccount(client, principal)
    try:
        found = account.calendars()
    except RequestFailed:
        found = []
    if not found:
        # A web page that answers 200 to anything also "has no calendars": tell the two apart.
        if not _speaks_caldav(client):
            raise NotCalDAV(detail="no calendar-access in the DAV header")
        raise NoCalendar()
    return account


def _speaks_caldav(client: caldav.DAVClient) -> bool:
    """OPTIONS says 'calendar-access' in its DAV header on every CalDAV server (RFC 4791 section 5.1).

    Unreachable (the NOT_REACHED message) when the server cannot be asked: a server that went silent, or an
    address the policy refuses, is not "not CalDAV".
    """
    try:
        return bool(client.check_cdav_support())
    except OSError as exc:
        raise _not_reached(exc) from exc
    except Exception:  # noqa: BLE001 - whatever else breaks here, the answer is "no"
        return False


class CaldavAccount:
    """A signed-in CalDAV account."""

    def __init__(self, client: caldav.DAVClient, principal):
        self.client = client
        self.principal = principal

    def calendars(self) -> list[CalendarInfo]:
        """The account's calendars, in the server's order, each with what it holds and whether it may be written."""
        with _translated("list the calendars"):
            found = self.principal.get_calendars()
            default = self._default_calendar_url()
            return [self._info(cal, default) for cal in found]

    @staticmethod
    def _info(cal, default: str) -> CalendarInfo:
        props = cal.get_properties([dav.DisplayName(), cdav.SupportedCalendarComponentSet(),
                                    dav.CurrentUserPrivilegeSet()], parse_props=False)
        name = props.get(dav.DisplayName.tag)
        name = (name.text if name is not None else "") or str(cal.url).rstrip("/").rsplit("/", 1)[-1]
        components = props.get(cdav.SupportedCalendarComponentSet.tag)
        # Absent: the server takes every kind (RFC 4791 section 5.2.3).
        events = components is None or any(comp.get("name", "").upper() == "VEVENT" for comp in components)
        privileges = props.get(dav.CurrentUserPrivilegeSet.tag)
        # Absent: the server does not say, and a write will tell; present, it must grant a write.
        writable = privileges is None or any(grant.tag in WRITE_PRIVILEGES for grant in privileges.iter())
        return CalendarInfo(str(cal.url), name.strip(), events, writable, _same_url(str(cal.url), default))

    def _default_calendar_url(self) -> str:
        """The calendar the server names the account's default (RFC 6638 schedule-default-calendar-URL), or ""."""
        try:
            inbox = self.principal.get_properties([cdav.ScheduleInboxURL()], parse_props=False)
            href = inbox.get(cdav.ScheduleInboxURL.tag)
            href = href.findtext(dav.Href.tag) if href is not None else None
            if not href:
                return ""  # a server without scheduling (Radicale) names none
            inbox_url = self.client.url.join(href)
            props = self.client.calendar(url=inbox_url).get_properties([_ScheduleDefaultCalendarURL()],
                                                                       parse_props=False)
            default = props.get(_ScheduleDefaultCalendarURL.tag)
            href = default.findtext(dav.Href.tag) if default is not None else None
            return str(self.client.url.join(href)) if href else ""
        except (dav_error.DAVError, ValueError, KeyError, AttributeError):
            return ""  # no default known: the first calendar that fits is chosen instead

    def calendar(self, url: str | None = None, *, busy_from: list[str] | None = None) -> CaldavCalendar:
        """One calendar by URL (from `calendars()`), or the first that takes sessions; its busy time is read from
        the calendars `busy_from` names (default: itself)."""
        with _translated("open the calendar"):
            if url:
                chosen = self.client.calendar(url=url)
            else:
                info = session_calendar(self.calendars())
                if info is None:
                    raise NoCalendar()
                chosen = self.client.calendar(url=info.url)
            others = [self.client.calendar(url=other) for other in busy_from] if busy_from is not None else None
        return CaldavCalendar(chosen, busy_from=others)

    def close(self) -> None:
        self.client.close()


def _same_url(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a.rstrip("/") == b.rstrip("/")


class CaldavCalendar:
    """One calendar collection: meetings out, busy time in (from `busy_from`, the calendars that count as busy;
    default: this one)."""

    def __init__(self, calendar, *, busy_from: list | None = None):
        self.calendar = calendar
        self.busy_from = [calendar] if busy_from is None else list(busy_from)

    @property
    def url(self) -> str:
        return str(self.calendar.url)

    def busy(self, start: datetime, end: datetime, zone: str, *, expand: bool = False) -> Busy:
        """Busy and tentative time in [start, end), DATE and floating times read in `zone` (the owner's).

        The default fetches the raw calendar objects (query widened by a day) and reads them with the fast reader.
        `expand=True` asks caldav to expand on the client (search with expand, bounds in the owner's zone) and
        classifies each occurrence: the same answer, slower on big calendars; kept as a cross-check.
        """
        owner = ZoneInfo(zone)
        lo, hi = start.astimezone(owner), end.astimezone(owner)
        with _translated("search the calendar"):
            if expand:
                found = [obj for cal in self.busy_from for obj in cal.search(event=True, start=lo, end=hi,
                                                                               expand=True)]
                occurrences = [component_occurrence(obj.icalendar_component, owner) for obj in found]
                return merge([o for o in occurrences if o is not None], start, end)
            # post_filter=False: caldav's own filter would parse every object with icalendar, 50x our cost.
            texts = [obj.data for cal in self.busy_from
                     for obj in cal.search(event=True, start=lo - QUERY_SLACK, end=hi + QUERY_SLACK,
                                           post_filter=False)]
        return busy_from_ics(texts, zone, start, end)

    def put(self, meeting: Meeting) -> str:
        """Store the meeting under its UID, SEQUENCE as given: a retry overwrites, never duplicates. -> its URL."""
        ics = invites.stored_event(meeting)
        with _translated("save the event"):
            try:
                saved = self.calendar.add_event(ics, increase_seqno=False)
            except dav_error.UidConflictError:
                # The UID lives under another name (another client created it): update that object.
                saved = self.calendar.get_event_by_uid(meeting.uid)
                saved.data = ics
                saved.save(increase_seqno=False)
        return str(saved.url)

    def cancel(self, meeting: Meeting) -> str:
        """Keep the meeting in the calendar marked cancelled (pass `meeting.cancelled()`)."""
        if meeting.status != CANCELLED:
            raise ValueError("cancel() takes meeting.cancelled(): status CANCELLED and SEQUENCE one higher")
        return self.put(meeting)

    def delete(self, uid: str) -> bool:
        """Remove the event with this UID; False if there was none."""
        with _translated("delete the event"):
            try:
                self.calendar.get_event_by_uid(uid).delete()
            except dav_error.NotFoundError:
                return False
        return True

    def get(self, uid: str) -> str | None:
        """The stored iCalendar text of the event with this UID, or None."""
        with _translated("read the event"):
            try:
                return self.calendar.get_event_by_uid(uid).data
            except dav_error.NotFoundError:
                return None
