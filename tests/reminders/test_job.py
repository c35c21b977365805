"""The periodic job: every reminder that is due in the running programme, nothing twice, all in the admin outbox."""
from __future__ import annotations

import datetime as dt

from portal.reminders.tasks import send_reminders
from portal.models import Email
from tests.reminders.conftest import at, session


def test_the_job_sends_what_is_due_once_and_the_outbox_shows_it(app, create_user, pair, client, admin, clock):
    match, mia, leo = pair
    sam = create_user("sam@example.org", name="Sam Straggler")
    meeting = session(match, at(dt.datetime(2027, 2, 25, 14, 0)))
    clock.move_to(at(meeting.ends_at) + dt.timedelta(minutes=10))
    with app.app_context():
        send_reminders()
    sent = {(e.to_address, e.subject) for e in Email.select()}
    assert sent == {
        ("sam@example.org", "Finish your questionnaire for Mentoring Programme"),
        ("mia@example.org", "How did your session with Leo go?"),
        ("leo@example.org", "How did your session with Mia go?"),
    }
    with app.app_context():
        send_reminders()
    assert Email.select().count() == 3
    assert all(e.status == "stored" for e in Email.select())
    client.login(admin.email)
    outbox = client.get("/admin/outbox").get_data(as_text=True)
    assert "Finish your questionnaire for Mentoring Programme" in outbox
    assert "How did your session with Leo go?" in outbox
