"""Session pages: find a time and book, reschedule, cancel; the agenda and feedback pages linked from invites;
the personal calendar feed; the admins' view of calendar sync."""
from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from calendar_sync import availability as slot_reasons
from calendar_sync import invites
from portal import audit, confirmation, links, local_time, paging
from portal.access import admin_required
from portal.admin import registry, settings_page
from portal.db import database
from portal.fragments import fragment_or_page
from portal.forms import within_calendar
from portal.meetings import booking, follow_through, invitations, schedule, tasks
from portal.meetings import settings as meeting_settings
from portal.meetings.panels import match_items
from portal.meetings.forms import BookingForm, FeedbackForm
from portal.models import ActionItem, CalendarFeed, Match, Meeting, User
from portal.agendas import store as agenda_store

blueprint = Blueprint("meetings", __name__)
registry.page("Sessions", "meetings.sync_status", order=80)
SYNC_PAGE_SIZE = 50


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = Meeting.get_or_none(Meeting.id == meeting_id)
    if meeting is None:
        abort(404)
    Match.for_member_or_404(meeting.match_id, current_user)
    return meeting


def _form(match: Match, formdata=None, meetings: list[Meeting] | None = None) -> BookingForm:
    form = BookingForm(formdata=formdata)
    form.agenda.choices = [(a.slug, f"{n}. {a.title}")
                           for n, a in enumerate(agenda_store.for_program(match.program), start=1)]
    if formdata is None:
        form.agenda.data = booking.default_agenda(match, meetings)
    return form


def _why_not(verdict, match: Match) -> str:
    people = [match.mentor, match.mentee]
    rules = schedule.rules(match.program)
    who = people[verdict.person].first_name if verdict.person is not None else ""
    return {
        slot_reasons.TOO_SOON: f"Too soon: sessions are booked at least {int(rules.min_notice.total_seconds() // 3600)} hours ahead.",
        slot_reasons.BEYOND_HORIZON: f"Too far ahead: sessions are booked up to {rules.horizon_days} days ahead.",
        slot_reasons.OUTSIDE_HOURS: f"That is outside {who}'s working hours.",
        slot_reasons.BUSY: f"{who} is busy then.",
        slot_reasons.TENTATIVE: f"{who} has a tentative event then.",
    }.get(verdict.reason, "That time does not work.")


def _start(form: BookingForm, zone: str) -> dt.datetime | None:
    """The chosen start: a suggested slot, or the organiser's own day and time in their zone."""
    if form.custom_date.data and form.custom_time.data:
        hours, minutes = (int(x) for x in form.custom_time.data.split(":"))
        return dt.datetime.combine(form.custom_date.data, dt.time(hours, minutes), ZoneInfo(zone))
    if form.slot.data:
        try:
            start = dt.datetime.fromisoformat(form.slot.data)
        except ValueError:
            return None
        # A time at the calendar's edge (year 1 or 9999) would leave it on the way to UTC.
        return start if start.tzinfo and within_calendar(start.date()) else None
    return None


def _back_to_match(match: Match):
    """After a booking, the match page with its message: a plain redirect, or a full navigation for htmx."""
    target = url_for("pairing.match", match_id=match.id)
    if request.htmx:
        # Without a #fragment: a change of fragment alone would only scroll, not load the page with its message.
        response = make_response("", 204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target + "#sessions")


def _widget(match: Match, form: BookingForm | None = None, status: int = 200, reschedule: Meeting | None = None):
    """The booking widget (htmx fragment) or its page: upcoming sessions, offered times, the form."""
    organizer = current_user._get_current_object()
    may_book = booking.can_book(match, organizer)
    offers, found = schedule.offers(match, organizer) if may_book else ([], None)
    zone = found.zone_of(match, organizer) if found else schedule.working_hours(match.program, organizer).zone
    upcoming = booking.sessions_of(match)
    # Each participant's own signed agenda and feedback pages; admins look from the dashboard instead.
    own = match.has_member(organizer)
    tokens = {m.id: invitations.link_token(m, organizer) for m in upcoming} if own else {}
    pages = {i: (url_for("meetings.agenda", token=t), url_for("meetings.feedback", token=t)) for i, t in tokens.items()}
    days: dict[str, list] = {}
    for slot in offers:
        local = slot.start.astimezone(ZoneInfo(zone))
        days.setdefault(local.strftime("%a %-d %b"), []).append((slot.start.isoformat(), local.strftime("%H:%M")))
    response = fragment_or_page(
        "meetings/book.html", "widget", match=match, form=form or _form(match, meetings=upcoming), days=days, zone=zone,
        found=found, may_book=may_book, upcoming=upcoming, reschedule=reschedule, pages=pages,
        now=dt.datetime.now(dt.UTC),
        rules=schedule.rules(match.program), first_slot=offers[0].start.isoformat() if offers else "",
    )
    response.status_code = status
    return response


@blueprint.get("/matches/<int:match_id>/sessions")
@login_required
def sessions(match_id: int):
    """Sessions of a match and, for whoever books, the times both can meet."""
    return _widget(Match.for_member_or_404(match_id, current_user))


@blueprint.post("/matches/<int:match_id>/sessions")
@login_required
def book(match_id: int):
    match = Match.for_member_or_404(match_id, current_user)
    if not booking.can_book(match, current_user):
        abort(403)
    form = _form(match, request.form)
    if not form.validate():
        return _widget(match, form, 400)
    zone = schedule.working_hours(match.program, current_user).zone
    start = _start(form, zone)
    if start is None:
        form.slot.errors = ["Choose one of the suggested times, or a day and time of your own."]
        return _widget(match, form, 400)
    verdict, end = schedule.check(match, start)
    if not verdict.ok:
        (form.custom_time if form.custom_date.data else form.slot).errors = [_why_not(verdict, match)]
        return _widget(match, form, 400)
    try:
        booking.book(match, current_user, start, end, zone=zone, location_kind=form.location_kind.data,
                     location=form.location.data or "", agenda=form.agenda.data or None)
    except booking.BookingError as error:
        form.location.errors = [str(error)]
        return _widget(match, form, 409 if "already" in str(error) else 400)
    other = match.partner_of(current_user.id)
    flash(f"Session booked for {start.astimezone(ZoneInfo(zone)).strftime('%a %-d %b, %H:%M')}; "
          f"{other.first_name} has been sent the invite.", "success")
    return _back_to_match(match)


@blueprint.route("/sessions/<int:meeting_id>/reschedule", methods=["GET", "POST"])
@login_required
def reschedule(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    match = meeting.match
    if not booking.can_book(match, current_user) or meeting.status != "scheduled":
        abort(403)
    if request.method == "GET":
        return _widget(match, reschedule=meeting)
    form = _form(match, request.form)
    for name in ("location_kind", "location", "agenda"):  # moving a session changes its time only
        delattr(form, name)
    zone = schedule.working_hours(match.program, current_user).zone
    start = _start(form, zone) if form.validate() else None
    if start is None:
        form.slot.errors = form.slot.errors or ["Choose one of the suggested times, or a day and time of your own."]
        return _widget(match, form, 400, reschedule=meeting)
    verdict, end = schedule.check(match, start, skip=meeting.id)
    if not verdict.ok:
        (form.custom_time if form.custom_date.data else form.slot).errors = [_why_not(verdict, match)]
        return _widget(match, form, 400, reschedule=meeting)
    try:
        booking.reschedule(meeting, current_user, start, end)
    except booking.BookingError as error:
        form.slot.errors = [str(error)]
        return _widget(match, form, 409, reschedule=meeting)
    flash("Session moved; the updated invite is on its way.", "success")
    return _back_to_match(match)


@blueprint.post("/sessions/<int:meeting_id>/cancel")
@login_required
def cancel(meeting_id: int):
    """Cancel a session once the organiser has confirmed; the other person is told."""
    meeting = _meeting_or_404(meeting_id)
    if not booking.can_book(meeting.match, current_user):
        abort(403)
    if not confirmation.confirmed():
        other = meeting.match.partner_of(current_user.id)
        return confirmation.ask(confirmation.Question(
            title="Cancel this session?",
            question=f"Cancel session {meeting.number} on {local_time(meeting.starts_at, meeting.zone)}?",
            details=[f"{other.name} is sent a cancellation, and the event leaves the calendars it was written to.",
                     "To change only the time, move the session instead."],
            confirm_label="Cancel the session", back=url_for("pairing.match", match_id=meeting.match_id) + "#sessions"))
    try:
        booking.cancel(meeting, current_user)
    except booking.BookingError as error:
        flash(str(error), "error")
    else:
        flash("Session cancelled; the cancellation has been sent.", "success")
    return redirect(url_for("pairing.match", match_id=meeting.match_id) + "#sessions")


# --- pages linked from invites: signed, expiring, no login needed -----------------------------------------------


def _linked(token: str, days: int) -> tuple[Meeting, User]:
    """The meeting and person of a signed link, for that person only (the rule of the survey links)."""
    found = invitations.read_link(token, days)
    if found is None:
        abort(404)
    if links.opened_by_someone_else(found[1]):
        abort(make_response(render_template("meetings/link_elsewhere.html"), 404))
    return found


@blueprint.get("/sessions/agenda/<token>")
def agenda(token: str):
    """The session's agenda, opened straight from the invite: questions, the pair's action items, private notes."""
    meeting, person = _linked(token, invitations.AGENDA_LINK_DAYS)
    return _agenda_page(token, meeting, person)


def _agenda_page(token: str, meeting: Meeting, person: User, *, block: str | None = None, status: int = 200,
                 item_error: str = "", item_text: str = "", note_error: str = "", note_text: str | None = None):
    document = agenda_store.find(meeting.match.program, meeting.agenda)
    if document is None:
        abort(404)
    items = follow_through.items_of(meeting.match)
    context = dict(
        meeting=meeting, person=person, agenda=document, token=token,
        zone=schedule.working_hours(meeting.match.program, person).zone,
        feedback_url=url_for("meetings.feedback", token=token), items=items,
        tick_urls={i.id: url_for("meetings.tick_linked_item", token=token, item_id=i.id) for i in items},
        add_url=url_for("meetings.add_linked_item", token=token), item_error=item_error, item_text=item_text,
        note=follow_through.note_of(meeting, person) if note_text is None else note_text, note_error=note_error,
        window=follow_through.window(meeting, person),
        # Agendas say "agree the next date"; who then books it in the portal depends on the programme.
        mentee_books=booking.can_book(meeting.match, meeting.match.mentee),
    )
    if block and request.htmx:
        response = make_response(render_template(f"meetings/_{block}.html", **context))
    else:
        response = make_response(render_template("meetings/agenda.html", **context))
    response.status_code = status
    response.headers["Cache-Control"] = "private, no-store"  # private notes: never in a shared cache
    return response


def _back_to_agenda(token: str, meeting: Meeting, person: User, block: str, anchor: str):
    if request.htmx:
        return _agenda_page(token, meeting, person, block=block)
    return redirect(url_for("meetings.agenda", token=token) + anchor)


@blueprint.post("/sessions/agenda/<token>/items")
def add_linked_item(token: str):
    """Add an action item from the agenda page."""
    meeting, person = _linked(token, invitations.AGENDA_LINK_DAYS)
    text = request.form.get("text", "")
    try:
        follow_through.add_item(meeting, person, text)
    except follow_through.FollowThroughError as error:
        return _agenda_page(token, meeting, person, block="action_items", status=400,
                            item_error=str(error), item_text=text)
    return _back_to_agenda(token, meeting, person, "action_items", "#action-items")


@blueprint.post("/sessions/agenda/<token>/items/<int:item_id>")
def tick_linked_item(token: str, item_id: int):
    """Tick an action item off (or open it again) from the agenda page."""
    meeting, person = _linked(token, invitations.AGENDA_LINK_DAYS)
    item = ActionItem.get_or_none(ActionItem.id == item_id, ActionItem.match == meeting.match_id)
    if item is None:
        abort(404)
    follow_through.tick(item, person, request.form.get("done") == "1")
    return _back_to_agenda(token, meeting, person, "action_items", "#action-items")


@blueprint.post("/sessions/agenda/<token>/notes")
def save_linked_note(token: str):
    """Save the person's private notes on the session."""
    meeting, person = _linked(token, invitations.AGENDA_LINK_DAYS)
    body = request.form.get("body", "")
    try:
        follow_through.save_note(meeting, person, body)
    except follow_through.FollowThroughError as error:
        return _agenda_page(token, meeting, person, block="notes", status=400,
                            note_error=str(error), note_text=body)
    if not request.htmx:
        flash("Your notes are saved. Only you can see them.", "success")
    return _back_to_agenda(token, meeting, person, "notes", "#notes")


@blueprint.route("/sessions/feedback/<token>", methods=["GET", "POST"])
def feedback(token: str):
    """How the session went and how the pairing fits, and the action items agreed. Once per person, changeable for
    a week."""
    meeting, person = _linked(token, invitations.FEEDBACK_LINK_DAYS)
    window = follow_through.window(meeting, person)
    existing = window.existing
    form = FeedbackForm(obj=existing) if request.method == "GET" else FeedbackForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                follow_through.save_feedback(
                    meeting, person, rating=form.rating.data, fit=form.fit.data, went_well=form.went_well.data,
                    action_items=form.action_items.data)
            except follow_through.FollowThroughError as error:
                form.form_errors.append(str(error))
            else:
                flash("Thank you: your feedback is saved. Your action items are on your list.", "success")
                return redirect(url_for("meetings.feedback", token=token))
        status = 400
    return render_template("meetings/feedback.html", form=form, meeting=meeting, person=person, window=window,
                           existing=existing, agenda_url=url_for("meetings.agenda", token=token),
                           agenda=agenda_store.find(meeting.match.program, meeting.agenda)), status


@blueprint.post("/matches/<int:match_id>/items/<int:item_id>")
@login_required
def tick_item(match_id: int, item_id: int):
    """Tick an action item off (or open it again) from the match page."""
    match = Match.for_member_or_404(match_id, current_user)
    if not match.has_member(current_user):
        abort(403)
    item = ActionItem.get_or_none(ActionItem.id == item_id, ActionItem.match == match)
    if item is None:
        abort(404)
    follow_through.tick(item, current_user, request.form.get("done") == "1")
    if request.htmx:
        return render_template("meetings/_action_items.html", **match_items(match))
    return redirect(url_for("pairing.match", match_id=match.id) + "#action-items")


# --- the personal calendar feed -------------------------------------------------------------------------------


@blueprint.get("/calendar/feed")
@login_required
def feed_settings():
    found = CalendarFeed.get_or_none(CalendarFeed.user == current_user.id)
    address = url_for("meetings.feed", secret=found.secret, _external=True) if found else None
    return render_template("meetings/feed.html", feed=found, address=address)


@blueprint.post("/calendar/feed")
@login_required
def renew_feed():
    """Make a new secret address (the old one, if any, stops working once confirmed)."""
    if CalendarFeed.select().where(CalendarFeed.user == current_user.id).exists() and not confirmation.confirmed():
        return confirmation.ask(confirmation.Question(
            title="Make a new calendar address?", question="Make a new calendar subscription address?",
            details=["The address you have now stops working: calendar apps subscribed to it stop receiving your "
                     "sessions until you subscribe them to the new one."],
            confirm_label="Make a new address", back=url_for("meetings.feed_settings")))
    with database.atomic():
        CalendarFeed.delete().where(CalendarFeed.user == current_user.id).execute()
        CalendarFeed.create(user=current_user.id, secret=secrets.token_urlsafe(32))
        audit.record(current_user, "calendar.feed_renew", f"user:{current_user.id}")
    flash("Your calendar address is ready; add it to your calendar app as a subscription.", "success")
    return redirect(url_for("meetings.feed_settings"))


@blueprint.post("/calendar/feed/revoke")
@login_required
def revoke_feed():
    """Turn the subscription address off, once confirmed: calendars subscribed to it stop updating."""
    if not confirmation.confirmed():
        return confirmation.ask(confirmation.Question(
            title="Turn the calendar address off?", question="Turn your calendar subscription address off?",
            details=["Calendar apps subscribed to it stop receiving your sessions. A new address is a new secret: "
                     "this one never works again."],
            confirm_label="Turn the address off", back=url_for("meetings.feed_settings")))
    CalendarFeed.delete().where(CalendarFeed.user == current_user.id).execute()
    audit.record(current_user, "calendar.feed_revoke", f"user:{current_user.id}")
    flash("The calendar address no longer works.", "info")
    return redirect(url_for("meetings.feed_settings"))


@blueprint.get("/calendar/feed/<secret>.ics")
def feed(secret: str):
    """The person's sessions as an iCalendar subscription; the secret in the address is the only key."""
    found = CalendarFeed.get_or_none(CalendarFeed.secret == secret)
    if found is None:
        abort(404)
    person = found.user
    meetings = Meeting.select().where(Meeting.match.in_(Match.of(person).select(Match.id))).order_by(Meeting.starts_at)
    body = invites.feed([invitations.invite(m, person) for m in meetings], name="Mentoring sessions")
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


# --- admins: calendar sync ------------------------------------------------------------------------------------


@blueprint.get("/admin/sessions")
@admin_required
def sync_status():
    """Sessions whose calendar write is waiting or failed, and the latest ones."""
    attention = paging.page_of(Meeting.select().where(Meeting.sync_state.in_(["waiting", "failed"]))
                               .order_by(Meeting.updated_at.desc(), Meeting.id.desc()), SYNC_PAGE_SIZE)
    latest = paging.page_of(Meeting.select().order_by(Meeting.created_at.desc(), Meeting.id.desc()), SYNC_PAGE_SIZE,
                            "latest_page")
    return render_template("meetings/admin.html", attention=attention, latest=latest)


@blueprint.post("/admin/sessions/<int:meeting_id>/retry")
@admin_required
def retry(meeting_id: int):
    meeting = Meeting.get_or_none(Meeting.id == meeting_id)
    if meeting is None:
        abort(404)
    Meeting.update(sync_state="pending", sync_attempts=0, sync_error="").where(Meeting.id == meeting.id).execute()
    audit.record(current_user, "meeting.retry_sync", f"meeting:{meeting.id}")
    tasks.sync_meeting(meeting.id)
    flash("Sync started again.", "info")
    return redirect(url_for("meetings.sync_status"))


@blueprint.post("/admin/settings/sessions")
@admin_required
def save_settings():
    """Save how sessions are offered and who books them."""
    return settings_page.save_section(meeting_settings.SECTION.anchor)
