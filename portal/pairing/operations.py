"""Pairing writes: shortlist, request, approve, decline, expire, match. Capacity is checked under a lock."""
from __future__ import annotations

import datetime as dt
import logging

from peewee import fn

from portal import access, audit, events, links, mail, settings
from portal.db import database, is_postgres, write_lock
from portal.models import Match, MatchRequest, Participant, Program, Shortlist, User, utcnow
from portal.prepared import Prepared
from portal.programme import operations as programme


log = logging.getLogger(__name__)


class PairingError(Exception):
    """A message for the person who tried."""


class MentorFull(PairingError):
    pass


class NotAMentor(PairingError):
    """The person chosen is no mentor mentees may ask in this programme (or no one at all)."""


# --- reads used by the writes ------------------------------------------------------------------------------------


# A mentor's profile page reads both: compiled once (portal/prepared.py).
_MENTOR_WITH_USER = Prepared(lambda program, user: Participant.taking_part(program, "mentor").select(
    Participant, User).join(User).where(Participant.user == user).limit(1), 2)
_ACTIVE_MATCH_OF_MENTEE = Prepared(lambda program, mentee: Match.active().where(
    Match.program == program, Match.mentee == mentee).limit(1), 2)


def mentor_with_user(program: Program, user_id: int) -> Participant | None:
    """A mentor taking part, with their account, in one statement."""
    return _MENTOR_WITH_USER.first(program.id, user_id)


_AVAILABLE_MENTOR = Prepared(lambda program, user: Participant.taking_part(program, "mentor").join(User).where(
    Participant.user == user, Participant.questionnaire_completed_at.is_null(False), User.active).limit(1), 2)


def available_mentor(program: Program, user) -> Participant | None:
    """A mentor mentees may ask: taking part, questionnaire finished, account active (as the directory shows)."""
    return _AVAILABLE_MENTOR.first(program.id, getattr(user, "id", user))


def active_match_of_mentee(program: Program, mentee) -> Match | None:
    return _ACTIVE_MATCH_OF_MENTEE.first(program.id, getattr(mentee, "id", mentee))


_PENDING_REQUEST_OF = Prepared(lambda program, mentee: MatchRequest.pending(program, mentee=mentee).limit(1), 2)


def pending_request_of(program: Program, mentee) -> MatchRequest | None:
    return _PENDING_REQUEST_OF.first(program.id, getattr(mentee, "id", mentee))


# Read by every directory page and shortlist change: compiled once (portal/prepared.py).
_SHORTLIST = Prepared(lambda program, mentee: (
    Shortlist.select(Shortlist, User)
    .join(User, on=(Shortlist.mentor == User.id))
    .where(Shortlist.program == program, Shortlist.mentee == mentee)
    .order_by(Shortlist.position, Shortlist.id)
), 2)


def shortlist_of(program: Program, mentee) -> list[Shortlist]:
    return _SHORTLIST.rows(program.id, getattr(mentee, "id", mentee))


def matched_count(program: Program, mentor) -> int:
    return Match.active().where(Match.program == program, Match.mentor == mentor).count()


def asked_before(program: Program, mentee) -> set[int]:
    """Mentors this mentee already asked (whatever the answer): a request never goes to them twice."""
    query = MatchRequest.select(MatchRequest.mentor).where(
        MatchRequest.program == program, MatchRequest.mentee == mentee
    )
    return {r.mentor_id for r in query}


# --- shortlist ---------------------------------------------------------------------------------------------------


def _require_mentee(program: Program, mentee) -> Participant:
    row = access.row_in_role(program, mentee, "mentee")
    if row is None:
        raise PairingError("Only mentees in this programme have a shortlist.")
    return row


def _lock_mentee(row: Participant | None) -> None:
    """Inside write_lock(): on PostgreSQL also lock the mentee's row, so their checks and writes take turns (two
    tabs, a double click). SQLite's IMMEDIATE transaction already holds the database's write lock."""
    if row is not None and is_postgres():
        list(Participant.select(Participant.id).where(Participant.id == row.id).for_update())


def add_to_shortlist(program: Program, mentee: User, mentor) -> Shortlist:
    """Put a mentor (a user or an id) at the end of the mentee's shortlist."""
    mentee_row = _require_mentee(program, mentee)
    mentor_id = getattr(mentor, "id", mentor)
    if mentor_id == mentee.id:
        raise PairingError("You cannot be your own mentor.")
    if available_mentor(program, mentor_id) is None:
        raise NotAMentor("That person is not a mentor in this programme.")
    limit = settings.get(program, "shortlist_size")
    with write_lock():
        _lock_mentee(mentee_row)
        entries = shortlist_of(program, mentee)
        if any(e.mentor_id == mentor_id for e in entries):
            return next(e for e in entries if e.mentor_id == mentor_id)
        if len(entries) >= limit:
            raise PairingError(
                f"Your shortlist holds {limit} mentor{'s' if limit != 1 else ''}. Remove one to add another."
            )
        position = max((e.position for e in entries), default=-1) + 1
        return Shortlist.create(program=program, mentee=mentee, mentor=mentor_id, position=position)


def remove_from_shortlist(program: Program, mentee: User, mentor_id: int) -> None:
    Shortlist.delete().where(
        Shortlist.program == program, Shortlist.mentee == mentee, Shortlist.mentor == mentor_id
    ).execute()


def move_in_shortlist(program: Program, mentee: User, mentor_id: int, direction: int) -> None:
    """Swap a favourite with its neighbour above (-1) or below (+1)."""
    with write_lock():
        _lock_mentee(access.row_in_role(program, mentee, "mentee"))
        entries = shortlist_of(program, mentee)
        index = next((i for i, e in enumerate(entries) if e.mentor_id == mentor_id), None)
        if index is None or not 0 <= index + direction < len(entries):
            return
        entries[index], entries[index + direction] = entries[index + direction], entries[index]
        for position, entry in enumerate(entries):
            if entry.position != position:
                Shortlist.update(position=position).where(Shortlist.id == entry.id).execute()


# --- requests ----------------------------------------------------------------------------------------------------


def can_request(program: Program) -> str | None:
    """Why requests cannot be sent now, or None when they can."""
    if settings.get(program, "pairing_mode") == "admin":
        return "In this programme the programme team pairs everyone; your shortlist tells them who you would like."
    if not programme.is_open(program, "pairing"):
        return f"Requests open with the pairing window on {program.pairing_opens:%-d %B}."
    return None


def next_mentor(program: Program, mentee: User, shortlist: list[Shortlist] | None = None) -> User | None:
    """The first shortlisted mentor not asked before who still has room (`shortlist`: the entries, if read)."""
    asked = asked_before(program, mentee)
    for entry in shortlist if shortlist is not None else shortlist_of(program, mentee):
        if entry.mentor_id in asked:
            continue
        row = available_mentor(program, entry.mentor_id)
        if row is None or matched_count(program, entry.mentor_id) >= (row.capacity or 1):
            continue
        return entry.mentor
    return None


def send_request(program: Program, mentee: User, message: str = "") -> MatchRequest | None:
    """Ask the next mentor on the shortlist; in mentee-led mode the request is the match.

    Returns None when the shortlist has run out (the mentee is then offered alternatives).
    """
    reason = can_request(program)
    if reason:
        raise PairingError(reason)
    mentee_row = _require_mentee(program, mentee)
    if mentee_row.questionnaire_completed_at is None:
        raise PairingError("Finish your questionnaire first: mentors decide with your answers in front of them.")
    days = settings.get(program, "request_expiry_days")
    # Checked and written under the write lock (the mentee's row locked on PostgreSQL, as create_match does): a
    # double-clicked button must not send two requests, nor a request slip in beside an admin's pairing.
    with write_lock():
        _lock_mentee(mentee_row)
        if active_match_of_mentee(program, mentee):
            raise PairingError("You already have a mentor.")
        if pending_request_of(program, mentee):
            raise PairingError("You already have a request waiting for an answer.")
        entries = shortlist_of(program, mentee)
        if not entries:
            raise PairingError("Add at least one mentor to your shortlist first.")
        mentor = next_mentor(program, mentee, entries)
        if mentor is not None:
            request = MatchRequest.create(
                program=program, mentee=mentee, mentor=mentor, message=message.strip(),
                expires_at=utcnow() + dt.timedelta(days=days),
            )
            audit.record(mentee, "request.send", f"request:{request.id}", mentor=mentor.id)
            events.requests_changed.send(program, requests=[request])
    if mentor is None:
        _note_shortlist_exhausted(program, mentee)
        return None
    if settings.get(program, "pairing_mode") == "mentee":
        try:
            approve_request(request, mentor, automatic=True)
        except MentorFull:
            # Filled up a moment ago: approve_request already passed the request on.
            pass
        return (
            MatchRequest.select()
            .where(MatchRequest.program == program, MatchRequest.mentee == mentee)
            .order_by(MatchRequest.id.desc())
            .first()
        )
    _email_request(request)
    return request


def _email_request(request: MatchRequest) -> None:
    mentor, mentee = request.mentor, request.mentee
    mail.send_template(
        mentor, f"{mentee.name} would like you as their mentor", "request_received", category="pairing",
        dedupe_key=f"request:{request.id}:received", request=request, mentee=mentee,
        inbox_url=links.absolute_url("pairing.inbox"),
        profile_url=links.absolute_url("people.show", user_id=mentee.id),
    )


def _note_shortlist_exhausted(program: Program, mentee: User) -> None:
    """Tell the mentee once per shortlist that it ran out; they appear in the admins' list to pair."""
    asked = len(asked_before(program, mentee))
    mail.send_template(
        mentee, "Let's find you another mentor", "shortlist_exhausted", category="pairing",
        dedupe_key=f"exhausted:{program.id}:{mentee.id}:{asked}",
        directory_url=links.absolute_url("pairing.directory"),
    )


def _close(request: MatchRequest, status: str, reason: str = "") -> None:
    closed = MatchRequest.update(status=status, reason=reason, decided_at=utcnow()).where(
        MatchRequest.id == request.id, MatchRequest.status == "pending"
    ).execute()
    if closed:
        events.requests_changed.send(request.program, requests=[request])


def _pass_on(program: Program, mentee: User) -> MatchRequest | None:
    """After a decline or expiry, the request moves to the next favourite at once."""
    if settings.get(program, "pairing_mode") == "admin" or not programme.is_open(program, "pairing"):
        return None
    try:
        return send_request(program, mentee)
    except PairingError:
        return None


def decline_request(request: MatchRequest, mentor: User, reason: str = "") -> MatchRequest | None:
    """The mentor says no (the reason stays private); returns the request passed on, if any."""
    if request.mentor_id != mentor.id:
        raise PairingError("This request was not sent to you.")
    if not request.is_pending:
        raise PairingError("This request has already been answered.")
    with database.atomic():
        _close(request, "declined", reason.strip())
        audit.record(mentor, "request.decline", f"request:{request.id}", mentee=request.mentee_id)
    return _pass_on(request.program, request.mentee)


def withdraw_request(request: MatchRequest, mentee: User) -> None:
    """The mentee takes back a request still waiting; the mentor is told it no longer needs an answer."""
    if request.mentee_id != mentee.id:
        raise PairingError("This request is not yours.")
    with write_lock():
        # Under the lock: an approval in the same moment wins or loses whole, never both.
        withdrawn = MatchRequest.update(status="withdrawn", decided_at=utcnow()).where(
            MatchRequest.id == request.id, MatchRequest.status == "pending"
        ).execute()
        if not withdrawn:
            raise PairingError("This request has already been answered.")
        audit.record(mentee, "request.withdraw", f"request:{request.id}", mentor=request.mentor_id)
        mail.send_template(
            request.mentor, f"{mentee.name} withdrew their request", "request_withdrawn", category="pairing",
            dedupe_key=f"request:{request.id}:withdrawn", mentee=mentee,
            inbox_url=links.absolute_url("pairing.inbox"),
        )
    events.requests_changed.send(request.program, requests=[request])


def approve_request(request: MatchRequest, mentor: User, automatic: bool = False) -> Match:
    """The mentor says yes: the pair is matched if the mentor still has room."""
    if request.mentor_id != mentor.id:
        raise PairingError("This request was not sent to you.")
    if not request.is_pending:
        raise PairingError("This request has already been answered.")
    try:
        match = create_match(
            request.program, mentor, request.mentee, made_by="mentee-led" if automatic else "approval",
            actor=mentor, request=request,
        )
    except MentorFull:
        with database.atomic():
            _close(request, "closed", "The mentor had no room left.")
        _pass_on(request.program, request.mentee)
        raise
    return match


def expire_requests(now: dt.datetime | None = None) -> int:
    """Pass on every request left unanswered past its deadline; returns how many expired."""
    now = now or utcnow()
    overdue = list(MatchRequest.pending().where(MatchRequest.expires_at <= now))
    for request in overdue:
        with database.atomic():
            _close(request, "expired")
            audit.record(None, "request.expire", f"request:{request.id}", mentor=request.mentor_id)
        try:
            _pass_on(request.program, request.mentee)
        except Exception:
            # One mentee's trouble must not strand the rest; they show in the admins' list to pair.
            log.exception("Could not pass on expired request %s", request.id)
    return len(overdue)


# --- matches -----------------------------------------------------------------------------------------------------


def _lock_rows(program: Program, mentor, mentee) -> tuple[Participant, Participant]:
    """The two participant rows, locked on PostgreSQL (SQLite holds the database lock already)."""
    query = Participant.select().where(
        Participant.program == program,
        ((Participant.user == mentor) & (Participant.role == "mentor"))
        | ((Participant.user == mentee) & (Participant.role == "mentee")),
    ).order_by(Participant.id)
    if is_postgres():
        query = query.for_update()
    rows = {(p.user_id, p.role): p for p in query}
    mentor_row = rows.get((getattr(mentor, "id", mentor), "mentor"))
    mentee_row = rows.get((getattr(mentee, "id", mentee), "mentee"))
    if mentor_row is None or mentor_row.has_left or mentor_row.questionnaire_completed_at is None:
        raise PairingError("That person is not an active mentor in this programme.")
    if mentee_row is None or mentee_row.has_left:
        raise PairingError("That person is not an active mentee in this programme.")
    return mentor_row, mentee_row


def create_match(program: Program, mentor: User, mentee: User, *, made_by: str, actor, request=None) -> Match:
    """Pair a mentor and mentee; never past the mentor's capacity, never a second mentor for a mentee."""
    if getattr(mentor, "id", mentor) == getattr(mentee, "id", mentee):
        raise PairingError("Nobody can mentor themselves.")
    with write_lock():
        mentor_row, mentee_row = _lock_rows(program, mentor, mentee)
        if active_match_of_mentee(program, mentee):
            raise PairingError("This mentee already has a mentor.")
        taken = matched_count(program, mentor)
        if taken >= (mentor_row.capacity or 1):
            raise MentorFull(f"{mentor.name} has no room left: {taken} of {mentor_row.capacity or 1} places taken.")
        if request is not None:
            # Checked again under the lock: the request may have expired or been declined in another tab.
            answered = MatchRequest.update(status="approved", decided_at=utcnow()).where(
                MatchRequest.id == request.id, MatchRequest.status == "pending"
            ).execute()
            if not answered:
                raise PairingError("This request has already been answered.")
        match = Match.create(program=program, mentor=mentor, mentee=mentee, made_by=made_by)
        # The mentee's other open requests are settled by the match; their mentors are less asked for.
        settled = list(MatchRequest.pending(program).where(MatchRequest.mentee == mentee))
        if settled:
            MatchRequest.update(status="closed", decided_at=utcnow(), reason="Matched with another mentor.").where(
                MatchRequest.id.in_([r.id for r in settled]), MatchRequest.status == "pending"
            ).execute()
        Participant.update(status="paired").where(Participant.id.in_([mentor_row.id, mentee_row.id])).execute()
        audit.record(actor, "match.create", f"match:{match.id}", mentor=mentor.id, mentee=mentee.id, made_by=made_by)
    events.match_created.send(program, match=match, made_by=made_by, actor=actor)
    if settled:
        events.requests_changed.send(program, requests=settled)
    return match


def settle_status(program, user, role: str) -> None:
    """After a match ended: "paired" while the person has another active match in that role, else "ready" again
    (someone who left stays left)."""
    still = Match.active().where(Match.program == program, getattr(Match, role) == user).exists()
    Participant.update(status="paired" if still else "ready").where(
        Participant.program == program, Participant.user == user, Participant.role == role,
        Participant.status != "exited",
    ).execute()


def end_match(match: Match, reason: str, actor) -> Match:
    """Unpair: the match ends with the admin's reason (kept private), the mentor's place frees up, both are told."""
    reason = " ".join(reason.split())
    if not reason:
        raise PairingError("Say why the match ends; only admins see it.")
    with write_lock():
        ended = Match.update(ended_at=utcnow(), end_reason=reason).where(
            Match.id == match.id, Match.ended_at.is_null()
        ).execute()
        if not ended:
            raise PairingError("This match has already ended.")
        for user, role in ((match.mentee_id, "mentee"), (match.mentor_id, "mentor")):
            settle_status(match.program_id, user, role)
        audit.record(actor, "match.end", f"match:{match.id}", mentor=match.mentor_id, mentee=match.mentee_id,
                     reason=reason)
    match = Match.get_by_id(match.id)
    # Told here, not by a receiver of match_ended: someone leaving ends matches too, and says it in other words.
    for person, other, role in ((match.mentee, match.mentor, "mentee"), (match.mentor, match.mentee, "mentor")):
        mail.send_template(
            person, f"Your mentoring match with {other.name} has ended", f"match_ended_{role}",
            category="pairing", dedupe_key=f"match-ended:{match.id}:{role}", other=other, match=match,
            mentors_url=links.absolute_url("pairing.directory"),
        )
    events.match_ended.send(match.program, match=match, reason=reason, actor=actor)
    return match


def close_requests_of(program: Program, user: User, why: str) -> list[MatchRequest]:
    """Someone left: their waiting requests close. A request to a mentor who left passes on to the mentee's next
    favourite, as after a decline; returns the requests passed on."""
    pending = list(MatchRequest.pending(program).where((MatchRequest.mentee == user) | (MatchRequest.mentor == user)))
    passed = []
    for request in pending:
        _close(request, "closed" if request.mentor_id == user.id else "withdrawn", why)
        if request.mentor_id == user.id:
            onward = _pass_on(program, request.mentee)
            if onward is not None:
                passed.append(onward)
    return passed


def _to_pair(program: Program):
    """The query of ready mentees with no mentor and no request waiting, oldest first."""
    matched = Match.active().select(Match.mentee).where(Match.program == program)
    waiting = MatchRequest.pending(program).select(MatchRequest.mentee)
    return (
        Participant.taking_part(program, "mentee").select(Participant, User)
        .join(User)
        .where(
            Participant.questionnaire_completed_at.is_null(False),
            Participant.user.not_in(matched), Participant.user.not_in(waiting),
        )
        .order_by(Participant.joined_at, Participant.id)
    )


def _with_requests_made(program: Program, rows: list) -> list:
    """(participant, how many requests they made) for these rows."""
    if not rows:
        return []
    asked = (
        MatchRequest.select(MatchRequest.mentee, fn.COUNT(MatchRequest.id).alias("asked"))
        .where(MatchRequest.program == program, MatchRequest.mentee.in_([row.user_id for row in rows]))
        .group_by(MatchRequest.mentee)
    )
    counts = {row.mentee_id: row.asked for row in asked}
    return [(row, counts.get(row.user_id, 0)) for row in rows]


def still_to_pair(program: Program, mentee_id: int | None = None):
    """Ready mentees with no mentor and no request waiting: the admins' list of people to pair (or just this one)."""
    query = _to_pair(program)
    if mentee_id is not None:
        query = query.where(Participant.user == mentee_id)
    return _with_requests_made(program, list(query))


def count_to_pair(program: Program) -> int:
    """How many mentees `still_to_pair` lists, counted by the database."""
    return _to_pair(program).count()


def still_to_pair_page(program: Program, page: int, size: int) -> tuple[list, int]:
    """One page of `still_to_pair` and how many there are in all."""
    query = _to_pair(program)
    return _with_requests_made(program, list(query.paginate(page, size))), query.count()
