"""Cancelling a session and turning the calendar address off ask first, on a page that works without JavaScript."""
from __future__ import annotations

from portal.models import CalendarFeed, Email, Meeting
from tests.meetings.test_booking import book, offered
from tests.pairing.conftest import page_text


def test_cancelling_a_session_asks_first(browser, pair, frozen):
    match, mentor, mentee = pair
    mia = browser(mentor.email)
    book(mia, match, offered(mia, match)[0])
    meeting = Meeting.get()
    sent = Email.select().count()

    asked = mia.submit(f"/sessions/{meeting.id}/cancel", page=f"/matches/{match.id}/sessions")
    assert asked.status_code == 200
    text = page_text(asked)
    assert f"Cancel session 1 on {meeting.starts_at:%a} " in text and mentee.name in text
    body = asked.get_data(as_text=True)
    assert f'action="/sessions/{meeting.id}/cancel"' in body and 'name="confirmed" value="yes"' in body
    assert f'href="/matches/{match.id}#sessions"' in body  # the way back
    assert Meeting.get_by_id(meeting.id).status == "scheduled" and Email.select().count() == sent

    mia.submit(f"/sessions/{meeting.id}/cancel", {"confirmed": "yes"}, page=f"/matches/{match.id}/sessions")
    assert Meeting.get_by_id(meeting.id).status == "cancelled"


def test_someone_outside_the_match_is_refused_before_being_asked(browser, pair, frozen):
    match, mentor, mentee = pair
    mia = browser(mentor.email)
    book(mia, match, offered(mia, match)[0])
    meeting = Meeting.get()
    # Mentees may not book (the default), so they may not cancel: no confirmation page for them.
    leo = browser(mentee.email)
    assert leo.submit(f"/sessions/{meeting.id}/cancel", page=f"/matches/{match.id}").status_code == 403


def test_turning_the_feed_off_asks_first(browser, pair, frozen):
    _, _, mentee = pair
    leo = browser(mentee.email)
    leo.submit("/calendar/feed", page="/calendar/feed")
    asked = leo.submit("/calendar/feed/revoke", page="/calendar/feed")
    assert asked.status_code == 200 and "Turn your calendar subscription address off?" in page_text(asked)
    assert CalendarFeed.select().count() == 1
    leo.submit("/calendar/feed/revoke", {"confirmed": "yes"}, page="/calendar/feed")
    assert CalendarFeed.select().count() == 0


def test_a_new_feed_address_asks_first_only_when_it_replaces_one(browser, pair, frozen):
    _, _, mentee = pair
    leo = browser(mentee.email)
    assert leo.submit("/calendar/feed", page="/calendar/feed").status_code == 302  # the first: nothing to lose
    secret = CalendarFeed.get().secret
    asked = leo.submit("/calendar/feed", page="/calendar/feed")
    assert asked.status_code == 200 and "Make a new calendar subscription address?" in page_text(asked)
    assert CalendarFeed.get().secret == secret
    leo.submit("/calendar/feed", {"confirmed": "yes"}, page="/calendar/feed")
    assert CalendarFeed.get().secret != secret


def test_restoring_the_default_agendas_asks_first(browser, admin, program):
    from portal.agendas import store
    from portal.models import Agenda

    store.customise(program)
    first = Agenda.get(Agenda.program == program, Agenda.position == 1)
    Agenda.update(title="Our own first session").where(Agenda.id == first.id).execute()
    ada = browser(admin.email)
    asked = ada.submit("/admin/agendas/reset", page="/admin/agendas/")
    assert asked.status_code == 200 and "Restore the six default agendas?" in page_text(asked)
    assert Agenda.get_by_id(first.id).title == "Our own first session"
    ada.submit("/admin/agendas/reset", {"confirmed": "yes"}, page="/admin/agendas/")
    assert store.for_program(program)[0].title == "Getting to know one another"
