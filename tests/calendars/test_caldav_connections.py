"""Connecting a CalDAV calendar through the page, and the operations meetings use, against a real Radicale."""
from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from calendar_sync.crypto import decrypt
from calendar_sync.errors import Unreachable
from portal.calendars import connections
from portal.models import AuditLog, CalendarConnection
from tests.calendar_sync import peers
from tests.calendar_sync.corpus import vcalendar
from tests.calendars.conftest import CALENDAR_SECRET, START, connection, emails_to, in_app, meeting
from tests.conftest import PortalClient
from tests.page import Page


@pytest.fixture
def web_site():
    with peers.web_server() as url:
        yield url


def connect(client, url, username, password):
    response = client.submit("/calendar/connect", {"url": url, "username": username, "password": password})
    return response, Page(response.get_data(as_text=True))


@pytest.fixture
def connected(mentor_client, mentor, caldav_account):
    response, _ = connect(mentor_client, caldav_account.url, caldav_account.username, caldav_account.password)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return connection(mentor)


def put_raw(caldav_account, *events: str) -> None:
    """An event the person made in their own calendar app."""
    caldav_account.calendar.add_event(vcalendar(*events), increase_seqno=False)


def change_password_on_server(radicale, username: str) -> str:
    """The person changes their password at their provider (Radicale re-reads its users file on every login)."""
    new = "a-new-password-on-the-server"
    lines = radicale.users.read_text().splitlines()
    radicale.users.write_text("".join(f"{username}:{new}\n" if line.startswith(f"{username}:") else f"{line}\n"
                                      for line in lines))
    return new


# --- the page ---------------------------------------------------------------------------------------------------

def test_the_page_offers_caldav_and_no_microsoft_when_it_is_not_set_up(mentor_client):
    response = mentor_client.get("/calendar/connect")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Another calendar (CalDAV)" in html and "Connect calendar" in html
    assert "Connect Microsoft 365" not in html and "Connected calendar" not in html


def test_connecting_stores_the_connection_with_the_password_encrypted(mentor_client, mentor, caldav_account, db):
    response, _ = connect(mentor_client, caldav_account.url, caldav_account.username, caldav_account.password)

    assert response.status_code == 302 and response.headers["Location"] == "/calendar/connect"
    stored = connection(mentor)
    assert (stored.kind, stored.url, stored.username, stored.status) == (
        "caldav", caldav_account.url, caldav_account.username, "ok")
    assert stored.calendar_url.endswith(f"/{caldav_account.username}/work/")
    assert stored.checked_at is not None
    # Not in the clear anywhere in the row, and it decrypts with the configured secret.
    row = CalendarConnection.select().where(CalendarConnection.id == stored.id).dicts().get()
    assert all(caldav_account.password not in str(value) for value in row.values())
    assert decrypt(stored.secret, environ={"CALENDAR_SECRET": CALENDAR_SECRET}) == caldav_account.password
    [entry] = AuditLog.select().where(AuditLog.action == "calendar.connect")
    assert entry.actor_id == mentor.id and entry.details["kind"] == "caldav"
    assert caldav_account.password not in str(entry.details)
    page = mentor_client.get("/calendar/connect").get_data(as_text=True)
    assert "Connected calendar" in page and caldav_account.username in page and "Working" in page


@pytest.mark.parametrize("case", ["wrong-password", "not-caldav", "unreachable", "no-calendar"])
def test_a_connection_that_does_not_work_is_explained_and_what_was_typed_is_kept(
        case, mentor_client, mentor, caldav_account, radicale, web_site, free_tcp_port, db):
    url, username, password = caldav_account.url, caldav_account.username, "the wrong password"
    if case == "not-caldav":
        url = web_site
    elif case == "unreachable":
        url = f"http://127.0.0.1:{free_tcp_port}/dav/"
    elif case == "no-calendar":
        username, password = radicale.add_user("empty")

    response, page = connect(mentor_client, url, username, password)

    expected = {
        "wrong-password": ("password", "refused the user name or password"),
        "not-caldav": ("url", "not a CalDAV calendar server"),
        "unreachable": ("url", "could not reach a calendar server at that address"),
        "no-calendar": (None, "no calendar was found"),
    }[case]
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    if expected[0]:
        assert expected[1] in page.errors[expected[0]]
    else:
        assert expected[1] in html and 'class="form-errors"' in html
    assert page.values["url"] == url and page.values["username"] == username
    assert page.values["password"] == "" and password not in html
    assert connection(mentor) is None


FORM_MISTAKES = [
    ({"url": ""}, "url", "Enter your calendar server's address."),
    ({"url": "ftp://files.example.org/"}, "url", "starting with https://"),
    ({"url": "caldav.example.org"}, "url", "starting with https://"),
    ({"username": "   "}, "username", "Enter your user name."),
    ({"password": ""}, "password", "Enter the password."),
    ({"url": "https://example.org/" + "x" * 300}, "url", "255"),
]


def test_the_form_checks_what_was_typed_before_calling_any_server(mentor_client, mentor, db):
    for mistake, field, message in FORM_MISTAKES:
        values = {"url": "https://cal.example.org/dav/", "username": "mina", "password": "app-password", **mistake}

        response, page = connect(mentor_client, **values)

        assert response.status_code == 400, mistake
        assert message in page.errors.get(field, ""), (mistake, page.errors)
        assert page.values["username"] == values["username"].strip()
        assert connection(mentor) is None


def test_disconnecting_forgets_the_connection_and_is_audited(mentor_client, mentor, connected):
    response = mentor_client.submit("/calendar/disconnect", page="/calendar/connect")

    assert response.status_code == 302
    assert connection(mentor) is None
    [entry] = AuditLog.select().where(AuditLog.action == "calendar.disconnect")
    assert entry.actor_id == mentor.id and entry.details["kind"] == "caldav"
    assert "Connected calendar" not in mentor_client.get("/calendar/connect").get_data(as_text=True)


def test_connecting_again_replaces_the_connection(mentor_client, mentor, connected, radicale):
    name, password = radicale.add_user("second")
    radicale.make_calendar(name, password, cal_id="home", display="Home")

    response, _ = connect(mentor_client, radicale.url, name, password)

    assert response.status_code == 302
    assert CalendarConnection.select().where(CalendarConnection.user == mentor).count() == 1
    assert connection(mentor).username == name and connection(mentor).calendar_url.endswith("/home/")


# --- what meetings call -----------------------------------------------------------------------------------------

def test_busy_reads_an_event_from_the_calendar_in_the_owners_zone(app, mentor, connected, caldav_account):
    put_raw(caldav_account, """UID:dentist@test
        DTSTART;TZID=Europe/London:20310318T140000
        DTEND;TZID=Europe/London:20310318T153000
        SUMMARY:Dentist""")
    put_raw(caldav_account, """UID:holiday@test
        DTSTART;VALUE=DATE:20310320
        DTEND;VALUE=DATE:20310321""")

    with in_app(app):
        busy = connections.busy(mentor, START, START + timedelta(days=7), "Europe/London")

    assert [(i.start.astimezone(START.tzinfo), i.end.astimezone(START.tzinfo)) for i in busy.intervals] == [
        (START + timedelta(days=1, hours=14), START + timedelta(days=1, hours=15, minutes=30)),
        (START + timedelta(days=3), START + timedelta(days=4)),
    ]
    assert connection(mentor).checked_at >= connected.checked_at


def test_without_a_connection_nothing_is_read_or_written(app, mentor, db):
    with in_app(app):
        assert connections.busy(mentor, START, START + timedelta(days=7), "Europe/London") is None
        assert connections.write_event(mentor, meeting()).remote_id == ""
        assert connections.cancel_meeting(mentor, meeting().cancelled(), "") is None


def test_writing_a_meeting_twice_leaves_one_event(app, mentor, connected, caldav_account):
    with in_app(app):
        first = connections.write_event(mentor, meeting()).remote_id
        again = connections.write_event(mentor, meeting(), first).remote_id  # a retried job

    assert first == again and first.startswith(connected.calendar_url)
    [event] = caldav_account.calendar.events()
    component = Calendar.from_ical(event.data).walk("VEVENT")[0]
    assert str(component["UID"]) == "meeting-1@portal.test" and int(component["SEQUENCE"]) == 0
    # The meeting now blocks that time like any other event.
    with in_app(app):
        busy = connections.busy(mentor, START, START + timedelta(days=2), "Europe/London")
    assert [(i.start, i.end) for i in busy.intervals] == [(meeting().start, meeting().end)]


def test_a_rescheduled_meeting_replaces_the_event(app, mentor, connected, caldav_account):
    original = meeting()
    moved = original.rescheduled(original.start + timedelta(days=1), original.end + timedelta(days=1))
    with in_app(app):
        remote = connections.write_event(mentor, original).remote_id
        assert connections.write_event(mentor, moved, remote).remote_id == remote

    [event] = caldav_account.calendar.events()
    component = Calendar.from_ical(event.data).walk("VEVENT")[0]
    assert component.DTSTART == moved.start and int(component["SEQUENCE"]) == 1


def test_cancelling_keeps_the_event_marked_cancelled_and_is_safe_to_repeat(app, mentor, connected, caldav_account):
    with in_app(app):
        remote = connections.write_event(mentor, meeting()).remote_id
        connections.cancel_meeting(mentor, meeting().cancelled(), remote)
        connections.cancel_meeting(mentor, meeting().cancelled(), remote)
        busy = connections.busy(mentor, START, START + timedelta(days=2), "Europe/London")
        with pytest.raises(ValueError):
            connections.cancel_meeting(mentor, meeting(), remote)

    [event] = caldav_account.calendar.events()
    component = Calendar.from_ical(event.data).walk("VEVENT")[0]
    assert str(component["STATUS"]) == "CANCELLED" and int(component["SEQUENCE"]) == 1
    assert busy.intervals == ()


def test_an_unreachable_server_is_raised_not_marked_broken(app, mentor, connected, free_tcp_port):
    CalendarConnection.update(url=f"http://127.0.0.1:{free_tcp_port}/").execute()

    with in_app(app), pytest.raises(Unreachable):
        connections.busy(mentor, START, START + timedelta(days=1), "Europe/London")

    assert connection(mentor).status == "ok"
    assert emails_to(mentor.email) == []


# --- a password that stops working ------------------------------------------------------------------------------

def test_a_password_changed_on_the_server_breaks_the_connection_and_says_so_once(
        app, client, mentor, connected, caldav_account, radicale, create_user, admin):
    second_admin = create_user("sam.admin@example.org", roles=(), admin=True)
    bystander = create_user("noor@example.org", roles=("mentee",))
    new_password = change_password_on_server(radicale, caldav_account.username)

    with in_app(app):
        assert connections.busy(mentor, START, START + timedelta(days=7), "Europe/London") is None
        # Later calls skip the broken connection: no more logins with the old password, no more emails.
        assert connections.busy(mentor, START, START + timedelta(days=7), "Europe/London") is None
        assert connections.write_event(mentor, meeting()).remote_id == ""
        assert connections.mark_broken(connection(mentor), "again") is False

    broken = connection(mentor)
    assert broken.status == "broken" and broken.broken_at is not None
    assert "refused the user name or password" in broken.problem
    [to_person] = emails_to(mentor.email)
    assert to_person.subject == "Your calendar connection needs attention"
    assert "http://localhost/calendar/connect" in to_person.text_body
    assert "refused the user name or password" in to_person.text_body
    for someone in (admin, second_admin):
        [to_admin] = emails_to(someone.email)
        assert "Mina Mentor" in to_admin.subject and "refused the user name or password" in to_admin.text_body
    assert emails_to(bystander.email) == []
    assert AuditLog.select().where(AuditLog.action == "calendar.broken").count() == 1

    # Every page tells the person (logged in since connecting), with a way back; nobody else sees it.
    for url in ("/", "/resources/", "/calendar/connect"):
        html = client.get(url).get_data(as_text=True)
        assert 'id="calendar-banner"' in html and "Your calendar connection stopped working: The calendar " \
                                                  "server refused the user name or password. " in html
        assert 'href="/calendar/connect">Reconnect</a>' in html
    other = PortalClient(app.test_client())
    other.login(bystander.email)
    assert 'id="calendar-banner"' not in other.get("/").get_data(as_text=True)

    # Connecting with the new password mends it: banner gone, reads work again.
    response, _ = connect(client, caldav_account.url, caldav_account.username, new_password)
    assert response.status_code == 302
    assert connection(mentor).status == "ok" and connection(mentor).problem == ""
    assert 'id="calendar-banner"' not in client.get("/").get_data(as_text=True)
    with in_app(app):
        assert connections.busy(mentor, START, START + timedelta(days=7), "Europe/London") is not None


def test_a_second_break_after_reconnecting_is_told_again(app, mentor, connected, db):
    with in_app(app):
        assert connections.mark_broken(connection(mentor), "First problem.") is True
        connections.mark_ok(connection(mentor))  # a successful check of the connection held as broken
        assert connection(mentor).status == "ok"
        assert connections.mark_broken(connection(mentor), "Second problem.") is True

    assert [e.text_body.count("problem") > 0 for e in emails_to(mentor.email)] == [True, True]
    assert AuditLog.select().where(AuditLog.action == "calendar.restored").count() == 1


# --- who may open what ------------------------------------------------------------------------------------------

ROUTES = [("GET", "/calendar/connect"), ("POST", "/calendar/connect"), ("POST", "/calendar/disconnect"),
          ("GET", "/calendar/connect/microsoft"), ("GET", "/calendar/connect/microsoft/callback")]


def visit(client, method: str, url: str):
    return client.get(url) if method == "GET" else client.submit(url, page="/")


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for method, url in ROUTES:
        response = visit(client, method, url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next="), url


def test_someone_not_taking_part_is_forbidden(client, create_user):
    create_user("former@example.org", roles=())
    client.login("former@example.org")

    for method, url in ROUTES:
        assert visit(client, method, url).status_code == 403, url


def test_an_admin_can_connect_a_calendar_too(client, admin):
    client.login(admin.email)
    assert client.get("/calendar/connect").status_code == 200
