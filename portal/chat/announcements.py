"""Announcing to the chat channels: store each occasion's post once per channel, then post it from a job that claims
it first, so a post is never sent twice, and keeps it for later while the channel is down."""
from __future__ import annotations

import datetime as dt
import logging

from peewee import IntegrityError

from portal import audit
from portal.chat import addresses, messages, occasions, webhooks
from portal.db import database
from portal.models import ChatAnnouncement, Program, utcnow
from portal.programme.operations import dates_of

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10  # about a day of backoff before a post is given up
LONGEST_DELAY = 3600.0
# A post whose job was lost (a worker stopped, a queue emptied) is taken up again after this long.
LOST_AFTER = dt.timedelta(minutes=10)
TEST_TIMEOUT_SECONDS = 5.0


class RetryLater(Exception):
    """The channel is down: the job runs again after `delay` seconds."""

    def __init__(self, delay: float, reason: str):
        super().__init__(f"{reason} Trying again in {delay:g} s.")
        self.delay = delay


def backoff(attempts: int) -> float:
    return min(LONGEST_DELAY, 30.0 * 2 ** attempts)


def store_due(program: Program, today: dt.date) -> list[int]:
    """Store a post for each occasion due today in each configured channel, unless there is one already; the ids of
    the new ones."""
    channels = addresses.configured(program)
    created = []
    for occasion in occasions.due(dates_of(program), today):
        message = messages.compose(program, occasion.key)
        for channel in channels:
            try:
                with database.atomic():
                    row = ChatAnnouncement.create(program=program, channel=channel, occasion=occasion.key,
                                                  text=message.text, link=message.link)
            except IntegrityError:
                continue  # announced already, or being announced
            created.append(row.id)
    return created


def lost(now: dt.datetime | None = None) -> list[int]:
    """Posts waiting longer than they should: queued with no job heard of, or claimed by a worker that stopped."""
    cutoff = (now or utcnow()) - LOST_AFTER
    waiting = (ChatAnnouncement.status == "queued") & (
        (ChatAnnouncement.next_attempt_at.is_null() & (ChatAnnouncement.created_at < cutoff))
        | (ChatAnnouncement.next_attempt_at < cutoff))
    stalled = (ChatAnnouncement.status == "sending") & (ChatAnnouncement.claimed_at < cutoff)
    return [row.id for row in ChatAnnouncement.select(ChatAnnouncement.id).where(waiting | stalled)]


def _claim(announcement_id: int, now: dt.datetime) -> bool:
    """Take the post for this attempt: one compare-and-set, so two workers never both post it."""
    return bool(ChatAnnouncement.update(status="sending", claimed_at=now).where(
        ChatAnnouncement.id == announcement_id,
        (ChatAnnouncement.status == "queued")
        | ((ChatAnnouncement.status == "sending") & (ChatAnnouncement.claimed_at < now - LOST_AFTER)),
    ).execute())


def _finish(row: ChatAnnouncement, **fields) -> None:
    ChatAnnouncement.update(**fields).where(ChatAnnouncement.id == row.id).execute()


def deliver(announcement_id: int) -> str:
    """Post a stored announcement: its status afterwards (sent, failed, or nothing to do); RetryLater while the
    channel is down."""
    now = utcnow()
    row = ChatAnnouncement.get_or_none(ChatAnnouncement.id == announcement_id)
    if row is None or not _claim(announcement_id, now):
        return "skipped"
    program = row.program
    url = addresses.url_of(program, row.channel)
    if not url:
        _finish(row, status="failed", last_error="No webhook address is set for this channel.")
        return "failed"
    message = messages.compose(program, row.occasion)
    message = webhooks.Message(message.title, row.text, row.link, message.link_label)
    attempts = row.attempts + 1
    try:
        webhooks.post(url, webhooks.payload(row.channel, message))
    except webhooks.ChannelRefused as refused:
        _finish(row, status="failed", attempts=attempts, last_error=str(refused))
        log.warning("Chat announcement %s to %s refused: %s", row.id, row.channel, refused)
        return "failed"
    except webhooks.ChannelDown as down:
        if attempts >= MAX_ATTEMPTS:
            _finish(row, status="failed", attempts=attempts, last_error=down.reason)
            log.warning("Chat announcement %s to %s given up: %s", row.id, row.channel, down.reason)
            return "failed"
        delay = down.retry_after if down.retry_after is not None else backoff(attempts)
        _finish(row, status="queued", attempts=attempts, last_error=down.reason,
                next_attempt_at=utcnow() + dt.timedelta(seconds=delay))
        log.info("Chat announcement %s to %s waits: %s", row.id, row.channel, down.reason)
        raise RetryLater(delay, down.reason) from None
    _finish(row, status="sent", attempts=attempts, last_error="", sent_at=utcnow())
    with database.atomic():
        audit.record(None, "chat.announced", f"programme:{program.id}", channel=row.channel, occasion=row.occasion)
    return "sent"


def send_test(program: Program, channel: str) -> tuple[bool, str]:
    """Post a test message now, once, with a short deadline: whether it went and what to tell the admin."""
    label = webhooks.CHANNELS[channel]
    url = addresses.url_of(program, channel)
    if not url:
        return False, f"No {label} webhook address is set."
    try:
        webhooks.post(url, webhooks.payload(channel, messages.test(program)), timeout=TEST_TIMEOUT_SECONDS)
    except (webhooks.ChannelDown, webhooks.ChannelRefused) as error:
        return False, f"{label}: the test message was not posted. {error}"
    return True, f"{label}: the test message was posted."


def recent(program: Program) -> list[ChatAnnouncement]:
    """The programme's announcements, newest first: at most one per occasion and channel, so a handful."""
    return list(ChatAnnouncement.select().where(ChatAnnouncement.program == program)
                .order_by(ChatAnnouncement.created_at.desc(), ChatAnnouncement.id.desc()))
