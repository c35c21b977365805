"""Outgoing email: stored first, then delivered over real SMTP (or kept in the outbox)."""
from __future__ import annotations

import time

import pytest
from peewee import OperationalError

from portal import mail
from portal.mail import delivery
from portal.models import Email
from tests.conftest import PortalClient, SmtpSink, free_port

SENDER = "Mentoring Programme <mentoring@example.org>"
INVITE = "\r\n".join([
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//portal tests//EN",
    "METHOD:REQUEST",
    "BEGIN:VEVENT",
    "UID:session-1@example.org",
    "DTSTAMP:20300101T090000Z",
    "DTSTART:20300102T090000Z",
    "DTEND:20300102T100000Z",
    "SUMMARY:Mentoring session",
    "END:VEVENT",
    "END:VCALENDAR",
    "",
])


def send(app, **kwargs) -> Email | None:
    """portal.mail.send inside an app context, with a plain default message."""
    values = {
        "to_address": "noor@example.org",
        "subject": "Your mentoring session",
        "text": "Hello Noor,\n\nSee you on Thursday.",
        "html": "<p>Hello Noor,</p><p>See you on <strong>Thursday</strong>.</p>",
        "to_name": "Noor Haddad",
    }
    values.update(kwargs)
    with app.app_context():
        return mail.send(**values)


def test_send_delivers_multipart_alternative_from_configured_sender(smtp_app, smtp_sink, db):
    email = send(smtp_app)

    received = smtp_sink.wait_for(1)[0]
    message = received["message"]
    assert received["from"] == "mentoring@example.org"
    assert received["to"] == ["noor@example.org"]
    assert message["From"] == SENDER
    assert message["To"] == "Noor Haddad <noor@example.org>"
    assert message["Subject"] == "Your mentoring session"
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert "See you on Thursday." in message.get_body(preferencelist=("plain",)).get_content()
    assert "<strong>Thursday</strong>" in message.get_body(preferencelist=("html",)).get_content()
    stored = Email.get_by_id(email.id)
    assert stored.status == "sent" and stored.attempts == 1
    assert stored.sent_at is not None and stored.last_error is None


def test_calendar_alternative_and_attachment_arrive_as_such(smtp_app, smtp_sink, db):
    send(
        smtp_app,
        parts=[
            {"kind": "alternative", "subtype": "calendar", "content": INVITE, "params": {"method": "REQUEST"}},
            {"kind": "attachment", "maintype": "text", "subtype": "calendar", "content": INVITE,
             "filename": "invite.ics"},
        ],
    )

    message = smtp_sink.wait_for(1)[0]["message"]
    assert message.get_content_type() == "multipart/mixed"
    body, attachment = list(message.iter_parts())
    assert body.get_content_type() == "multipart/alternative"
    alternatives = list(body.iter_parts())
    assert [p.get_content_type() for p in alternatives] == ["text/plain", "text/html", "text/calendar"]
    calendar = alternatives[2]
    assert calendar.get_param("method") == "REQUEST"
    assert "UID:session-1@example.org" in calendar.get_content()
    assert not calendar.is_attachment()
    assert attachment.is_attachment()
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "invite.ics"
    assert b"SUMMARY:Mentoring session" in attachment.get_payload(decode=True)


def test_a_text_attachment_says_its_charset_so_names_arrive_intact(smtp_app, smtp_sink, db):
    invite = INVITE.replace("SUMMARY:Mentoring session", "SUMMARY:Mentoring session with Zoë Ångström")
    send(smtp_app, parts=[{"kind": "attachment", "maintype": "text", "subtype": "calendar", "content": invite,
                           "filename": "invite.ics", "params": {"method": "REQUEST"}}])

    message = smtp_sink.wait_for(1)[0]["message"]
    attachment = next(part for part in message.iter_attachments() if part.get_filename() == "invite.ics")
    assert attachment.get_content_charset() == "utf-8"
    assert attachment.get_param("method") == "REQUEST"
    assert "SUMMARY:Mentoring session with Zoë Ångström" in attachment.get_content()


def test_repeated_dedupe_key_sends_nothing_the_second_time(smtp_app, smtp_sink, db):
    first = send(smtp_app, dedupe_key="session-1-reminder")
    second = send(smtp_app, dedupe_key="session-1-reminder", subject="Reminder again")

    smtp_sink.wait_for(1)
    assert first is not None and second is None
    assert len(smtp_sink.messages) == 1
    assert Email.select().count() == 1


def test_send_many_stores_new_keys_only_and_returns_their_ids(smtp_app, smtp_sink, db):
    earlier = send(smtp_app, dedupe_key="match:1:mentee")
    smtp_sink.wait_for(1)

    def message(key: str, address: str) -> dict:
        return {"to_address": address, "to_name": "", "subject": f"About {key}", "text_body": "Hello",
                "html_body": None, "category": "pairing", "dedupe_key": key}

    with smtp_app.app_context():
        stored = mail.send_many([message("match:1:mentee", "noor@example.org"),
                                 message("match:1:mentor", "olu@example.org")])
    smtp_sink.wait_for(2)
    # The key already used is skipped, and its earlier email is not claimed as stored now.
    [mentor_email] = Email.select().where(Email.dedupe_key == "match:1:mentor")
    assert stored == {"match:1:mentor": mentor_email.id} and mentor_email.id != earlier.id
    assert [m["to"] for m in smtp_sink.messages] == [["noor@example.org"], ["olu@example.org"]]
    assert Email.get_by_id(earlier.id).subject == "Your mentoring session"


def _batch(count: int) -> list[dict]:
    return [{"to_address": f"person{i}@example.org", "to_name": "", "subject": f"Message {i}", "text_body": "Hello",
             "html_body": None, "category": "reminders", "dedupe_key": f"batch:{i}"} for i in range(count)]


def test_a_batch_goes_over_one_smtp_session_and_a_new_one_after_so_many_messages(smtp_app, smtp_sink, db,
                                                                                  monkeypatch):
    with smtp_app.app_context():
        mail.send_many(_batch(5))
    assert len(smtp_sink.wait_for(5)) == 5 and smtp_sink.sessions() == 1
    assert {email.status for email in Email.select()} == {"sent"}

    monkeypatch.setattr(delivery.Session, "MESSAGES", 2)
    with smtp_app.app_context():
        mail.send_many(_batch(10)[5:])
    assert len(smtp_sink.wait_for(10)) == 10 and smtp_sink.sessions() == 1 + 3
    assert [m["to"][0] for m in smtp_sink.messages] == [f"person{i}@example.org" for i in range(10)]


def test_a_bulk_send_leaves_out_an_email_it_cannot_build_or_store_and_sends_the_others(smtp_app, smtp_sink, db,
                                                                                        caplog):
    def build(i: int) -> dict | None:
        if i == 1:
            raise ValueError("a template that fails for one person")
        if i == 2:
            return None  # nobody to tell (an account deleted)
        fields = _batch(6)[i]
        if i == 4:
            fields["to_address"] = None  # a row the database refuses
        return fields

    reports = []
    with smtp_app.app_context():
        stored = mail.send_in_batches(list(range(6)), build, 3, lambda done, total: reports.append((done, total)))

    assert stored == 3 and reports == [(0, 6), (3, 6)]
    assert sorted(m["to"][0] for m in smtp_sink.wait_for(3)) == [f"person{i}@example.org" for i in (0, 3, 5)]
    assert sorted(email.dedupe_key for email in Email.select()) == ["batch:0", "batch:3", "batch:5"]
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "An email of a bulk send could not be built; the others still go.",
        "An email of a bulk send was refused by the database (batch:4).",
    ]


def test_a_bulk_send_that_finds_the_database_away_stops_so_its_job_waits_for_it(smtp_app, db):
    def build(i: int) -> dict:
        if i == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return _batch(3)[i]

    with smtp_app.app_context(), pytest.raises(OperationalError):
        mail.send_in_batches([0, 1, 2], build, 3)
    assert Email.select().count() == 0  # the next run sends all three


def test_a_session_the_server_closed_while_idle_is_opened_again_and_each_message_arrives_once(make_app, db):
    sink = SmtpSink(timeout=1)  # aiosmtpd ends a session idle that long
    sink.controller.start()
    try:
        app = make_app(mail={"transport": "smtp", "smtp_host": "127.0.0.1", "smtp_port": sink.port})
        config = app.config["PORTAL"]["mail"]
        with app.app_context():
            ids = sorted(mail.send_many(_batch(2)).values())  # delivered by the job, over one session
            sink.wait_for(2)
            Email.update(status="queued").where(Email.id.in_(ids)).execute()
            session = delivery.Session(config)
            assert delivery.deliver(ids[0], session) is None
            time.sleep(2.5)  # the server closes the kept session
            assert delivery.deliver(ids[1], session) is None
            session.close()
        assert [m["to"][0] for m in sink.wait_for(4)] == ["person0@example.org", "person1@example.org"] * 2
        assert sink.sessions() == 3
        assert {email.status for email in Email.select()} == {"sent"}
    finally:
        sink.controller.stop()


def test_outbox_transport_stores_without_smtp(app, smtp_sink, db):
    email = send(app)

    stored = Email.get_by_id(email.id)
    assert stored.status == "stored"
    assert stored.attempts == 0 and stored.last_error is None
    assert smtp_sink.messages == []


def test_admin_sees_stored_email_in_outbox(app, client, admin, db):
    email = send(app)
    client.login(admin.email)

    listing = client.get("/admin/outbox")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert "Your mentoring session" in html and "noor@example.org" in html
    assert f"/admin/outbox/{email.id}" in html and "stored" in html

    detail = client.get(f"/admin/outbox/{email.id}")
    assert detail.status_code == 200
    page = detail.get_data(as_text=True)
    assert "Your mentoring session" in page
    assert "See you on Thursday." in page
    assert "stored" in page


@pytest.fixture
def unreachable_smtp_app(make_app):
    """An app whose SMTP server is a closed port on this machine."""
    return make_app(mail={"transport": "smtp", "smtp_host": "127.0.0.1", "smtp_port": free_port()})


def test_unreachable_smtp_server_keeps_email_as_failed(unreachable_smtp_app, create_user, db):
    create_user("mia@example.org")
    client = PortalClient(unreachable_smtp_app.test_client())

    response = client.submit("/password/forgot", {"email": "mia@example.org"})

    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    email = Email.get(Email.to_address == "mia@example.org")
    assert email.subject == "Reset your password"
    assert email.status == "failed"
    assert email.attempts == 1
    assert email.last_error and "ConnectionRefusedError" in email.last_error
    assert email.sent_at is None
