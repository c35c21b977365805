"""Microsoft Graph calendar calls: busy time (getSchedule), create with transactionId, reschedule, cancel.

Errors: 429, 500, 502, 503 and 504 -> Throttled for the job queue to retry (after Retry-After when Graph sends it,
else after an exponential backoff); 401 -> ReauthRequired; no answer -> Unreachable; anything else -> RequestFailed
with the HTTP status.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from calendar_sync.classify import BUSY, TENTATIVE, Occurrence
from calendar_sync.errors import ReauthRequired, RequestFailed, Throttled, Unreachable
from calendar_sync.invites import description
from calendar_sync.model import Busy, Meeting
from calendar_sync.occurrences import merge
from calendar_sync.zones import resolve

GRAPH = "https://graph.microsoft.com/v1.0"
MAX_WINDOW = timedelta(days=60)  # getSchedule takes under 62 days per call
# freeBusyStatus -> what it does to availability. "workingElsewhere" is available for a video call;
# "unknown" is treated as busy because guessing free is the failure people complain about.
STATUS_KINDS = {"free": None, "workingElsewhere": None, "tentative": TENTATIVE, "busy": BUSY, "oof": BUSY,
                "unknown": BUSY}
BACKOFF_BASE, BACKOFF_CAP = 5.0, 300.0
# Answers that say "not now" rather than "no": Graph's gateways give 503 and 504 without Retry-After at times.
TRANSIENT = frozenset({429, 500, 502, 503, 504})


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number `attempt` (0-based) when the server gave no Retry-After."""
    return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(attempt, 0))


def _graph_time(moment: datetime, zone: str = "UTC") -> dict:
    local = moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return {"dateTime": local.isoformat(timespec="seconds"), "timeZone": zone}


def _parse_graph_time(value: dict) -> datetime:
    """A Graph dateTimeTimeZone ("2026-03-16T09:00:00.0000000", "UTC") -> aware datetime."""
    text = value["dateTime"]
    if "." in text:  # seven fractional digits are more than fromisoformat takes
        head, frac = text.split(".", 1)
        text = f"{head}.{frac[:6]}"
    zone = resolve(value.get("timeZone") or "UTC")
    if zone is None:
        raise RequestFailed("Microsoft Graph answered in a time zone we do not know.", detail=str(value))
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


class GraphCalendar:
    """One person's Outlook calendar through Graph.

    `token` is an access token, or a callable giving a fresh one (`GraphAuth.token_provider(account_id)`): called
    before each request, and once more with force_refresh=True if Graph answers 401 (a token revoked early).
    """

    def __init__(self, token: str | Callable[..., str], *, user: str = "me", base_url: str = GRAPH,
                 session: requests.Session | None = None, timeout: float = 20):
        self.token = token
        self.base = f"{base_url.rstrip('/')}/{'me' if user == 'me' else 'users/' + user}"
        self.session = session or requests.Session()
        self.timeout = timeout

    def _request(self, method: str, path: str, *, attempt: int = 0, json: dict | None = None,
                 headers: dict | None = None) -> requests.Response:
        response = self._send(method, path, self.token() if callable(self.token) else self.token, json, headers)
        if response.status_code == 401 and callable(self.token):
            response = self._send(method, path, self.token(force_refresh=True), json, headers)
        if response.status_code in TRANSIENT:
            header = response.headers.get("Retry-After", "")
            if header.strip().isdigit():
                raise Throttled(int(header), detail=response.text[:300])
            raise Throttled(backoff(attempt), from_server=False, detail=response.text[:300])
        if response.status_code == 401:
            raise ReauthRequired(detail=response.text[:300])
        if response.status_code >= 400:
            raise RequestFailed(f"Microsoft Graph refused the request ({response.status_code}).",
                                status=response.status_code, detail=response.text[:300])
        return response

    def _send(self, method: str, path: str, token: str, json: dict | None, headers: dict | None):
        try:
            response = self.session.request(method, f"{self.base}{path}", json=json, timeout=self.timeout,
                                            headers={"Authorization": f"Bearer {token}", **(headers or {})})
        except requests.RequestException as exc:
            raise Unreachable("Microsoft Graph could not be reached.", detail=str(exc)[:300]) from exc
        return response

    def busy(self, address: str, start: datetime, end: datetime, *, attempt: int = 0) -> Busy:
        """Busy and tentative time of one mailbox in [start, end), from getSchedule (in windows under 62 days)."""
        found: list[Occurrence] = []
        lo = start
        while lo < end:
            hi = min(end, lo + MAX_WINDOW)
            found += self._schedule(address, lo, hi, attempt)
            lo = hi
        return merge(found, start, end)

    def _schedule(self, address: str, start: datetime, end: datetime, attempt: int) -> list[Occurrence]:
        body = {"schedules": [address], "startTime": _graph_time(start), "endTime": _graph_time(end),
                "availabilityViewInterval": 15}
        answer = self._request("POST", "/calendar/getSchedule", json=body, attempt=attempt,
                               headers={"Prefer": 'outlook.timezone="UTC"'}).json()
        found = []
        for schedule in answer.get("value", []):
            if "error" in schedule:
                raise RequestFailed("Microsoft Graph could not read that calendar.",
                                    detail=str(schedule["error"])[:300])
            for item in schedule.get("scheduleItems", []):
                kind = STATUS_KINDS.get(item.get("status"), BUSY)
                if kind is not None:
                    found.append(Occurrence(_parse_graph_time(item["start"]).timestamp(),
                                            _parse_graph_time(item["end"]).timestamp(), kind))
        return found

    def create(self, meeting: Meeting, *, with_attendees: bool = False, online: str | None = None,
               attempt: int = 0) -> str:
        """Create the meeting; returns the Graph event id. A retry with the same meeting returns the same event.

        `with_attendees`: Outlook then emails its own invitations; the portal emails invites itself, so by default
        the event only goes into this person's calendar. `online`: an onlineMeetingProvider such as "teamsForBusiness".
        """
        return self.create_event(meeting, with_attendees=with_attendees, online=online, attempt=attempt)["id"]

    def create_event(self, meeting: Meeting, *, with_attendees: bool = False, online: str | None = None,
                     attempt: int = 0) -> dict:
        """Create the meeting as `create` does; returns the event as Graph answers it (`id`, `iCalUId`, ...).

        Graph ignores any UID we send: `iCalUId` is Exchange's own, and it is the UID Outlook's invitations carry.
        """
        body = self._event_body(meeting, None)
        body["transactionId"] = meeting.uid  # Graph returns the existing event for a repeated transactionId
        if with_attendees:
            body["attendees"] = [{"emailAddress": {"address": p.email, "name": p.name}, "type": "required"}
                                 for p in meeting.attendees]
        if online:
            body["isOnlineMeeting"], body["onlineMeetingProvider"] = True, online
        return self._request("POST", "/events", json=body, attempt=attempt).json()

    def reschedule(self, event_id: str, meeting: Meeting, *, previous: Meeting | None = None,
                   attempt: int = 0) -> None:
        """PATCH what changed since `previous` (start and end always)."""
        self._request("PATCH", f"/events/{event_id}", json=self._event_body(meeting, previous), attempt=attempt)

    def move(self, event_id: str, meeting: Meeting, *, attempt: int = 0) -> None:
        """PATCH only start and end: subject, place and body stay as the event was created with them."""
        self.reschedule(event_id, meeting, previous=meeting, attempt=attempt)

    def cancel(self, event_id: str, comment: str = "", *, attempt: int = 0) -> None:
        """Cancel an event this person organises (Outlook tells attendees, with the comment)."""
        self._request("POST", f"/events/{event_id}/cancel", json={"comment": comment}, attempt=attempt)

    def delete(self, event_id: str, *, attempt: int = 0) -> bool:
        """Delete the event; False if it was already gone."""
        try:
            self._request("DELETE", f"/events/{event_id}", attempt=attempt)
        except RequestFailed as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def event(self, event_id: str, *, attempt: int = 0) -> dict:
        """The event as Graph returns it."""
        return self._request("GET", f"/events/{event_id}", attempt=attempt).json()

    @staticmethod
    def _event_body(meeting: Meeting, previous: Meeting | None) -> dict:
        body = {"start": _graph_time(meeting.start, meeting.zone), "end": _graph_time(meeting.end, meeting.zone)}
        fields: Sequence[tuple[str, Callable[[Meeting], object], Callable[[Meeting], object]]] = (
            ("subject", lambda m: m.summary, lambda m: m.summary),
            ("location", lambda m: m.location, lambda m: {"displayName": m.location}),
            ("body", description, lambda m: {"contentType": "HTML", "content": _html(m)}),
        )
        for name, key, value in fields:
            if previous is None or key(previous) != key(meeting):
                body[name] = value(meeting)
        return body


def _html(meeting: Meeting) -> str:
    """The invite's description as HTML, links clickable."""
    lines = [html.escape(line) for line in meeting.description.strip().splitlines()]
    for label, url in (("Agenda", meeting.agenda_url), ("Feedback", meeting.feedback_url)):
        if url:
            lines.append(f'{label}: <a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>')
    return "<br>".join(lines)

