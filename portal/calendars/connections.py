"""Calendar connections: connect, disconnect, read busy time, write meetings, and notice when one stops working.

A connection that stops accepting its password or token is marked broken once: the person and the admins are
emailed, every page shows the person a banner, and busy time and writes skip it until they connect again (a
broken connection is never retried, so a changed password does not lock the account on the server).

The modules that talk to servers (caldav, MSAL, requests) are imported where they are used, so the portal does
not load them at start-up.
"""
from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from peewee import IntegrityError

from calendar_sync.addresses import AddressPolicy, parse_allow_list
from calendar_sync.errors import (
                                  AuthFailed,
                                  CalendarError,
                                  CredentialUnreadable,
                                  NoCalendar,
                                  ReauthRequired,
                                  RequestFailed,
)
from calendar_sync.model import CANCELLED, Busy, Meeting
from portal import audit, events, links, mail, settings
from portal.calendars import keys, microsoft
from portal.db import database
from portal.models import CalendarConnection, Program, User, utcnow
from portal.prepared import Prepared

KINDS = {"caldav": "CalDAV", "microsoft": "Microsoft 365"}
# Only the person can mend these (a new password, a new sign-in): the connection is broken until they do.
BROKEN_BY = (AuthFailed, ReauthRequired, CredentialUnreadable, NoCalendar)


class NotConfigured(CalendarError):
    message = "Microsoft 365 calendars are not set up in this portal at the moment."


# --- reads ------------------------------------------------------------------------------------------------------

def connection_of(user) -> CalendarConnection | None:
    """The person's calendar connection, working or broken, or None."""
    return CalendarConnection.get_or_none(CalendarConnection.user == user)


# Every full page asks for the banner: compiled once (portal/prepared.py).
_BROKEN = Prepared(lambda user: CalendarConnection.select().where(
    CalendarConnection.user == user, CalendarConnection.status == "broken").paginate(1, 1), 1)


def broken_connection_of(user) -> CalendarConnection | None:
    """The person's connection if it needs attention (for the banner)."""
    return _BROKEN.first(getattr(user, "id", user))


# One or both of a pair (an offer of times reads both): compiled once (portal/prepared.py).
_WORKING = Prepared(lambda first, second: CalendarConnection.select().where(
    CalendarConnection.user.in_([first, second]), CalendarConnection.status == "ok"), 2)


def _working(user) -> CalendarConnection | None:
    """The person's connection if it works, or None."""
    user_id = getattr(user, "id", user)
    return _WORKING.first(user_id, user_id)


# --- connecting -------------------------------------------------------------------------------------------------

def _timeout() -> float:
    return float(current_app.config["PORTAL"]["calendar"]["timeout_seconds"])


def _address_policy() -> AddressPolicy:
    """Public addresses, and the private servers an admin allowed (the lines that read; the form refuses others)."""
    program = Program.current()
    allowed = settings.get(program, "calendar_allowed_hosts") if program is not None else ""
    return parse_allow_list(allowed)[0]


def _verify() -> bool | str:
    """The certificate authorities a CalDAV server's certificate may come from: the system's, and those an admin
    added for private servers."""
    from calendar_sync import trust

    program = Program.current()
    return trust.verify(settings.get(program, "calendar_ca_bundle") if program is not None else "")


def _open_caldav(url: str, username: str, password: str):
    """Sign in to a CalDAV account under the address policy, the trusted authorities, the timeouts and the deadline."""
    from calendar_sync import caldav_source

    calendar = current_app.config["PORTAL"]["calendar"]
    return caldav_source.connect(url, username, password, timeout=_timeout(),
                                 deadline=float(calendar["deadline_seconds"]), policy=_address_policy(),
                                 verify=_verify())


NO_EVENT_CALENDAR = ("Signed in, but none of this account's calendars takes events the portal may add. Create a "
                     "calendar for events in your calendar app, then connect again.")


def connect_caldav(user: User, url: str, username: str, password: str) -> CalendarConnection:
    """Check a CalDAV account and store it (password encrypted); CalendarError with a message when it fails.

    Sessions go to the server's default calendar, else the first that holds events and may be written; the
    person's own event calendars count as busy (not read-only ones such as holidays), until they choose otherwise
    (`choosing.choose_calendars`). Only public addresses and those allowed in the settings are fetched; any server
    the portal cannot talk to is Unreachable with one message, whatever the reason.
    """
    from calendar_sync.calendar_info import busy_calendars, session_calendar

    account = _open_caldav(url, username, password)
    try:
        calendars = account.calendars()
    finally:
        account.close()
    chosen = session_calendar(calendars)
    if chosen is None:
        raise NoCalendar(NO_EVENT_CALENDAR)
    return _store(user, kind="caldav", url=url, username=username, calendar_url=chosen.url, account_id="",
                  secret=keys.encrypt(password), calendars=[dataclasses.asdict(info) for info in calendars],
                  busy_calendar_urls=[info.url for info in busy_calendars(calendars)])


def start_microsoft(redirect_uri: str, login_hint: str | None = None) -> tuple[str, dict]:
    """Begin connecting an Outlook calendar: (Microsoft's sign-in address, the flow to keep in the session)."""
    ms = microsoft.setup()
    if ms is None:
        raise NotConfigured()
    return microsoft.start(ms, redirect_uri, login_hint=login_hint)


def connect_microsoft(user: User, flow: dict, params) -> CalendarConnection:
    """Finish the sign-in Microsoft redirected back from and store the connection (token cache encrypted)."""
    ms = microsoft.setup()
    if ms is None:
        raise NotConfigured()
    auth = microsoft.graph_auth(ms)
    signed_in = auth.finish(flow, params)
    return _store(user, kind="microsoft", url=ms.authority, username=signed_in.username, calendar_url="",
                  account_id=signed_in.account_id, secret=keys.encrypt(auth.cache_state()), calendars=[],
                  busy_calendar_urls=[])


def _store(user: User, **fields) -> CalendarConnection:
    """Create or replace the person's connection, working from now on; audited (never with the secret)."""
    fields.update(status="ok", problem="", broken_at=None, checked_at=utcnow())
    for attempt in range(2):
        try:
            with database.atomic():
                connection = connection_of(user)
                replaced = connection.kind if connection else None
                if connection is None:
                    connection = CalendarConnection.create(user=user, **fields)
                else:
                    for name, value in fields.items():
                        setattr(connection, name, value)
                    connection.created_at = utcnow()
                    connection.save()
                audit.record(user, "calendar.connect", f"user:{user.id}", kind=fields["kind"],
                             account=fields["username"], calendar=fields["calendar_url"] or fields["url"],
                             replaced=replaced)
                return connection
        except IntegrityError:
            # Two connects at once: the other one created the row first; replace it.
            if attempt:
                raise
    raise AssertionError("unreachable")


def disconnect(user: User) -> bool:
    """Forget the person's connection and its stored secret; False if there was none."""
    with database.atomic():
        connection = connection_of(user)
        if connection is None:
            return False
        connection.delete_instance()
        audit.record(user, "calendar.disconnect", f"user:{user.id}", kind=connection.kind,
                     account=connection.username)
    return True


# --- health -----------------------------------------------------------------------------------------------------

def mark_broken(connection: CalendarConnection, problem: str) -> bool:
    """Mark the connection broken and email the person and the admins, once per break; False if already broken."""
    now = utcnow()
    # Conditional, so two workers noticing the same break at once send one set of emails.
    changed = (CalendarConnection
               .update(status="broken", broken_at=now, problem=problem)
               .where(CalendarConnection.id == connection.id, CalendarConnection.status == "ok")
               .execute())
    if not changed:
        return False
    connection.status, connection.broken_at, connection.problem = "broken", now, problem
    person = connection.user
    audit.record(None, "calendar.broken", f"user:{person.id}", kind=connection.kind, problem=problem)
    events.calendar_broken.send(person, connection=connection, problem=problem)
    context = {"problem": problem.strip().rstrip("."), "kind": KINDS.get(connection.kind, connection.kind),
               "connect_url": links.absolute_url("calendars.connect"), "person": person}
    stamp = f"{connection.id}:{now.isoformat()}"
    mail.send_template(person, "Your calendar connection needs attention", "calendar_broken", category="calendar",
                       dedupe_key=f"calendar-broken:{stamp}", **context)
    admins = User.select().where(User.is_admin, User.active, User.id != person.id)
    for admin in admins:
        mail.send_template(admin, f"A calendar connection needs attention: {person.name}", "calendar_broken_admin",
                           category="calendar", dedupe_key=f"calendar-broken-admin:{admin.id}:{stamp}",
                           people_url=links.absolute_url("people.show", user_id=person.id), **context)
    return True


def mark_ok(connection: CalendarConnection) -> None:
    """Note a successful check of this connection; one the caller holds as broken is working again (audited).

    A call that began before another worker marked the connection broken does not undo that mark: only a
    connection read as broken is restored.
    """
    now = utcnow()
    if connection.status == "broken":
        with database.atomic():
            CalendarConnection.update(status="ok", problem="", broken_at=None, checked_at=now).where(
                CalendarConnection.id == connection.id).execute()
            audit.record(None, "calendar.restored", f"user:{connection.user_id}", kind=connection.kind)
        connection.status, connection.problem, connection.broken_at = "ok", "", None
    else:
        CalendarConnection.update(checked_at=now).where(
            CalendarConnection.id == connection.id, CalendarConnection.status == "ok").execute()
    connection.checked_at = now


@contextlib.contextmanager
def caldav_account(connection: CalendarConnection):
    """The signed-in CalDAV account of a connection (a CaldavAccount), closed after; errors only the person can mend
    mark the connection broken and go on up."""
    try:
        account = _open_caldav(connection.url, connection.username, keys.open_secret(connection))
        try:
            yield account
        finally:
            account.close()
    except BROKEN_BY as error:
        mark_broken(connection, error.message)
        raise


@contextlib.contextmanager
def _calendar(connection: CalendarConnection):
    """The connected calendar (CaldavCalendar or GraphCalendar). Errors only the person can mend mark the
    connection broken and go on up; a Graph token refreshed on the way is stored again, whatever happened.

    CalDAV: sessions are written to the calendar chosen for them; busy time is read from those chosen as busy."""
    if connection.kind == "caldav":
        with caldav_account(connection) as account:
            yield account.calendar(connection.calendar_url or None,
                                   busy_from=connection.busy_calendar_urls or None)
        return
    try:
        from calendar_sync.graph import GraphCalendar

        ms = microsoft.setup()
        if ms is None:
            raise NotConfigured()
        auth = microsoft.graph_auth(ms, cache=keys.open_secret(connection))
        try:
            yield GraphCalendar(auth.token_provider(connection.account_id), base_url=ms.graph_url,
                                timeout=_timeout())
        finally:
            if auth.changed:  # asked before cache_state(), as MSAL wants
                _store_tokens(connection, auth.cache_state())
    except BROKEN_BY as error:
        mark_broken(connection, error.message)
        raise


def _store_tokens(connection: CalendarConnection, cache: str) -> None:
    connection.secret = keys.encrypt(cache)
    CalendarConnection.update(secret=connection.secret).where(CalendarConnection.id == connection.id).execute()


def graph_id(remote_id: str) -> str:
    """A Graph event id, or "" for a CalDAV address left from a calendar the person connected before."""
    return "" if not remote_id or "://" in remote_id else remote_id


# --- what the meetings feature calls ----------------------------------------------------------------------------

def busy(user, start: datetime, end: datetime, zone: str) -> Busy | None:
    """Busy time from the person's calendar in [start, end), DATE and floating times read in `zone`.

    None when they have no working connection (or it breaks now: marked, emailed). Unreachable, Throttled and
    other CalendarErrors go to the caller.
    """
    return busy_of(_working(user), start, end, zone)


def working_of(people) -> dict[int, CalendarConnection]:
    """The working connections of one or two people, by user id, in one statement."""
    return {connection.user_id: connection for connection in _WORKING.rows(people[0].id, people[-1].id)}


def busy_of(connection: CalendarConnection | None, start: datetime, end: datetime, zone: str) -> Busy | None:
    """`busy` for a working connection already read (None: no calendar to read)."""
    if connection is None:
        return None
    try:
        with _calendar(connection) as calendar:
            if connection.kind == "caldav":
                found = calendar.busy(start, end, zone)
            else:
                found = calendar.busy(connection.username, start, end)
    except (NotConfigured, *BROKEN_BY):
        return None
    mark_ok(connection)
    return found


@dataclass(frozen=True, slots=True)
class Written:
    """What a calendar write left: the remote id to keep ("" when nothing was written) and, for an Outlook event
    just created, the UID Exchange gave it (its iCalUId, which Outlook's own invitations carry)."""

    remote_id: str
    ical_uid: str = ""


def write_event(user, meeting: Meeting, remote_id: str = "", *, attendees: bool = False) -> Written:
    """Put the meeting in the organiser's calendar, or update it there; what to keep is in the Written.

    CalDAV: stored under the meeting's UID (a retry overwrites), the remote id is the event's address. Microsoft:
    created with the UID as transactionId when `remote_id` is empty (a retry gets the same event, and its iCalUId
    comes back), else its time PATCHed; the remote id is the Graph event id. An empty remote id when the person has
    no working connection (nothing written). Errors only the person can mend mark the connection broken and are
    raised, as are the rest.

    `attendees` (Microsoft creates only): the event is created with the meeting's attendees, so Outlook sends
    them its own invitation. CalDAV ignores it (the stored event names them either way; the portal emails invites).
    An Outlook update PATCHes the time only, so a body made for the attendees is never replaced by one person's.
    """
    connection = _working(user)
    if connection is None:
        return Written("")
    with _calendar(connection) as calendar:
        if connection.kind == "caldav":
            written = Written(calendar.put(meeting))
        elif graph_id(remote_id):
            calendar.move(remote_id, meeting)
            written = Written(remote_id)
        else:
            event = calendar.create_event(meeting, with_attendees=attendees)
            written = Written(event["id"], event.get("iCalUId", ""))
    mark_ok(connection)
    return written


def cancel_meeting(user, meeting: Meeting, remote_id: str) -> None:
    """Cancel the meeting in the organiser's calendar; pass `meeting.cancelled()`. Safe to repeat.

    CalDAV keeps the event marked cancelled (STATUS:CANCELLED, the SEQUENCE given). Microsoft cancels the event,
    or deletes it when Graph will not cancel it (an event without attendees is not a meeting to Graph); an event
    already gone counts as done. Nothing happens without a working connection.
    """
    if meeting.status != CANCELLED:
        raise ValueError("cancel_meeting takes meeting.cancelled(): status CANCELLED and SEQUENCE one higher")
    connection = _working(user)
    if connection is None:
        return
    with _calendar(connection) as calendar:
        if connection.kind == "caldav":
            calendar.cancel(meeting)
        elif graph_id(remote_id):
            try:
                calendar.cancel(remote_id)
            except RequestFailed as error:
                if error.status == 400:
                    calendar.delete(remote_id)
                elif error.status != 404:
                    raise
    mark_ok(connection)
