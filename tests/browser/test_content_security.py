"""The Content-Security-Policy breaks nothing: through the agenda link (htmx adds an action item and saves notes), the
admin pages with an htmx search, a confirmation and the outbox's framed email preview, the browser reports no
policy violation and no script error."""
from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from portal.accounts.operations import create_user as make_account
from portal.db import database
from portal.meetings import booking, invitations
from portal.models import Email, Match, User
from tests.browser.test_pairing_journey import log_in
from tests.browser.test_sessions import prepare


def test_pages_run_under_the_policy_without_a_violation(serve, page, monkeypatch):
    monkeypatch.setenv("CALENDAR_SECRET", "calendar-secret-for-browser-tests-0123456789")
    server = serve()
    match_id = prepare(server.app)
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=3)
    with server.app.test_request_context(), database.connection_context():
        match = Match.get_by_id(match_id)
        meeting = booking.book(match, match.mentor, start, start + dt.timedelta(hours=1), location_kind="virtual",
                               location="https://meet.example.org/mia-leo")
        agenda = invitations.agenda_url(meeting, match.mentee)
        admin = make_account("ada@example.org", "Ada Admin", "demo-password")
        User.update(is_admin=True).where(User.id == admin.id).execute()
        invite = Email.get(Email.to_address == "leo@example.org", Email.category == "meetings").id
    console, errors, dialogs = [], [], []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The agenda from the invite, not logged in: htmx swaps the action items and the notes.
    page.goto(agenda)
    page.get_by_label("New action item").fill("Bring three questions")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#action-items")).to_contain_text("Bring three questions")
    expect(page.get_by_label("New action item")).to_have_value("")  # swapped by htmx, not a page load

    log_in(page, server.url, "ada@example.org")
    # htmx's search as you type on the people page.
    page.goto(server.url + "/admin/people")
    page.get_by_role("searchbox").fill("Leo")
    expect(page).to_have_url(re.compile(r"/admin/people\?q=Leo"))  # pushed by htmx after its request
    # A confirmation asked by portal.js instead of an inline handler: dismissed, nothing is sent.
    page.goto(server.url + "/admin/agendas/")
    page.get_by_role("button", name="Customise these agendas").click()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Restore the default agendas").click()
    expect(page.get_by_role("button", name="Restore the default agendas")).to_be_visible()
    assert dialogs == ["Restore the six default agendas? Your edits to them are lost."]
    # The outbox shows the invite's HTML in a frame with its own styles; the link's secret is hidden.
    page.goto(f"{server.url}/admin/outbox/{invite}")
    expect(page.frame_locator("iframe.email-preview").locator("body")).to_contain_text("Mentoring")
    expect(page.locator("pre.email-text").first).to_contain_text("/sessions/agenda/…")
    page.goto(server.url + "/admin/surveys/midpoint/questions")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    violations = [line for line in console if "Content Security Policy" in line or "Refused to" in line]
    assert violations == [] and errors == [], console + errors
