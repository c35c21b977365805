"""What happens around a session: action items the pair carries forward, private notes, and feedback that can flag
a pair for the programme team."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portal import audit, events
from portal.db import database
from portal.forms import NUL, NUL_MESSAGE
from portal.meetings.schedule import aware
from portal.models import ActionItem, Feedback, Match, Meeting, MeetingNote, User, utcnow
from portal.prepared import Prepared

EDIT_DAYS = 7  # feedback can be changed for a week after it was first sent
MAX_ITEM = 300
MAX_NOTE = 10000


class FollowThroughError(ValueError):
    """Input the page shows back to the person, with what they typed."""


# --- action items -----------------------------------------------------------------------------------------------


# The match page reads a pair's action items on every view: compiled once (portal/prepared.py).
_ITEMS_OF_MATCH = Prepared(lambda match: ActionItem.select().where(ActionItem.match == match)
                           .order_by(ActionItem.created_at, ActionItem.id), 1)


def items_of(match: Match) -> list[ActionItem]:
    """The pair's action items: open ones first (oldest first), then the ticked-off ones (latest first)."""
    items = _ITEMS_OF_MATCH.rows(match.id)
    open_ = [i for i in items if i.done_at is None]
    done = sorted((i for i in items if i.done_at is not None), key=lambda i: i.done_at, reverse=True)
    return open_ + done


def open_items(match: Match) -> list[ActionItem]:
    return [i for i in items_of(match) if i.done_at is None]


def _clean(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise FollowThroughError("Write the action item first.")
    if len(text) > MAX_ITEM:
        raise FollowThroughError(f"Keep an action item under {MAX_ITEM} characters.")
    if NUL in text:
        raise FollowThroughError(NUL_MESSAGE)
    return text


def add_item(meeting: Meeting, author: User, text: str) -> ActionItem:
    """A new open action item for the pair, noted at this session."""
    item = ActionItem.create(match=meeting.match_id, meeting=meeting, author=author, text=_clean(text))
    audit.record(author, "action_item.add", f"match:{meeting.match_id}", item=item.id)
    return item


def tick(item: ActionItem, user: User, done: bool) -> None:
    """Tick an action item off, or open it again."""
    ActionItem.update(done_at=utcnow() if done else None, done_by=user if done else None).where(
        ActionItem.id == item.id).execute()


def progress(match: Match) -> tuple[int, int]:
    """(done, all) action items of the pair."""
    items = items_of(match)
    return sum(1 for i in items if i.done_at is not None), len(items)


# --- private notes ----------------------------------------------------------------------------------------------


def note_of(meeting: Meeting, user: User) -> str:
    found = MeetingNote.get_or_none(MeetingNote.meeting == meeting, MeetingNote.user == user)
    return found.body if found else ""


def save_note(meeting: Meeting, user: User, body: str) -> None:
    """Keep the person's own notes on the session; nobody else ever reads them."""
    if len(body or "") > MAX_NOTE:
        raise FollowThroughError(f"Notes are limited to {MAX_NOTE:,} characters.")
    if NUL in (body or ""):
        raise FollowThroughError(NUL_MESSAGE)
    MeetingNote.insert(meeting=meeting, user=user, body=body or "", updated_at=utcnow()).on_conflict(
        conflict_target=[MeetingNote.meeting, MeetingNote.user],
        update={MeetingNote.body: body or "", MeetingNote.updated_at: utcnow()}).execute()


# --- feedback ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackWindow:
    """Whether the person can send or change feedback on a meeting now, and why not."""

    state: str  # open, too_early, cancelled, closed
    existing: Feedback | None
    edit_until: dt.datetime | None

    @property
    def open(self) -> bool:
        return self.state == "open"


def window(meeting: Meeting, person: User, now: dt.datetime | None = None) -> FeedbackWindow:
    now = now or dt.datetime.now(dt.UTC)
    existing = Feedback.get_or_none(Feedback.meeting == meeting, Feedback.user == person)
    until = aware(existing.created_at) + dt.timedelta(days=EDIT_DAYS) if existing else None
    if meeting.status == "cancelled":
        state = "cancelled"
    elif not meeting.is_past(now):
        state = "too_early"
    elif until is not None and now > until:
        state = "closed"
    else:
        state = "open"
    return FeedbackWindow(state, existing, until)


def lines(text: str | None) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def save_feedback(meeting: Meeting, person: User, *, rating: int, fit: int, went_well: str, action_items: str,
                  now: dt.datetime | None = None) -> Feedback:
    """Store the person's feedback (once per meeting, changeable for a week) and carry its action items onto the
    pair's list; follow-ups for low ratings react to `events.feedback_given`."""
    found = window(meeting, person, now)
    if not found.open:
        raise FollowThroughError({"too_early": "Feedback opens when the session starts.",
                                  "cancelled": "This session was cancelled, so there is nothing to rate.",
                                  "closed": f"Feedback can be changed for {EDIT_DAYS} days; this one is final now."}
                                 [found.state])
    items = lines(action_items)
    if any(len(i) > MAX_ITEM for i in items):
        raise FollowThroughError(f"Keep each action item under {MAX_ITEM} characters.")
    values = {"rating": rating, "fit": fit, "went_well": (went_well or "").strip(),
              "action_items": "\n".join(items), "updated_at": utcnow()}
    with database.atomic():
        if found.existing is None:
            feedback = Feedback.create(meeting=meeting, user=person, **values)
        else:
            Feedback.update(**values).where(Feedback.id == found.existing.id).execute()
            feedback = Feedback.get_by_id(found.existing.id)
        _carry_items(feedback, meeting, person, items)
        audit.record(person, "feedback.save", f"meeting:{meeting.id}", rating=rating, fit=fit)
    events.feedback_given.send(meeting.match.program, feedback=feedback, meeting=meeting, user=person)
    return feedback


def _carry_items(feedback: Feedback, meeting: Meeting, person: User, items: list[str]) -> None:
    """The feedback's action items on the pair's list: new lines added, removed lines dropped unless ticked off."""
    current = list(ActionItem.select().where(ActionItem.feedback == feedback))
    have = {i.text for i in current}
    for item in current:
        if item.text not in items and item.done_at is None:
            item.delete_instance()
    for text in items:
        if text not in have:
            ActionItem.create(match=meeting.match_id, meeting=meeting, feedback=feedback, author=person, text=text)
            have.add(text)

