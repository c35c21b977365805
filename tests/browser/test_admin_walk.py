"""An admin's round on the demo programme in a browser: the dashboard's charts (also with JavaScript off), the
follow-up list filtered and one flag followed up with a note, and an export downloaded and read back."""
from __future__ import annotations

import csv
import datetime as dt

from playwright.sync_api import expect

from portal.db import database
from portal.demo import story
from portal.demo.generator import generate
from portal.models import FollowUp, Participant, Program, User
from portal.programme import operations as programme
from tests.browser.test_pairing_journey import log_in

CHARTS = ("Pairs matched, by day since pairing opened", "Pairs by sessions per month", "Session ratings by month",
          "Fit ratings by month", "Survey response rate by role", "People who left, by month and role")


def demo_programme(app) -> dict:
    """The demo's people and story, as `flask demo-data` loads them; what the test checks against."""
    with app.app_context(), database.connection_context():
        program = Program.current()
        programme.reschedule(program, programme.today() - dt.timedelta(days=2))
        generate(program, mentors=16, mentees=14, seed=5)
        scene = story.tell(program, seed=5)
        leaver = (FollowUp.select(FollowUp, User).join(User).where(FollowUp.reason == "exit",
                                                                   FollowUp.resolved_at.is_null())
                  .order_by(FollowUp.created_at.desc()).first())
        return {"pairs": scene.pairs, "participants": Participant.select().count(), "leaver": leaver.user.name,
                "leaver_flag": leaver.id, "exits": FollowUp.select().where(FollowUp.reason == "exit").count()}


def test_an_admin_reads_the_dashboard_follows_up_a_leaver_and_exports_the_participants(serve, page, chromium):
    server = serve()
    known = demo_programme(server.app)
    log_in(page, server.url, "admin@example.org")
    page.goto(server.url + "/admin/dashboard")

    # Every chart has something to show: the story covers each one.
    for title in CHARTS:
        expect(page.get_by_role("img", name=title)).to_be_visible()
    expect(page.locator("svg.chart-svg")).to_have_count(len(CHARTS))
    expect(page.locator("#figure-matched")).to_contain_text("matched pairs")

    # Without JavaScript the same charts are there, drawn on the server, with their numbers as tables.
    context = chromium.new_context(java_script_enabled=False, storage_state=page.context.storage_state())
    try:
        quiet = context.new_page()
        quiet.goto(server.url + "/admin/dashboard")
        for title in CHARTS:
            expect(quiet.get_by_role("img", name=title)).to_be_visible()
        expect(quiet.locator("#chart-leavers table")).to_contain_text("Mentees")
    finally:
        context.close()

    # The follow-up list, filtered to people who left.
    page.get_by_role("link", name="Follow-ups", exact=True).first.click()
    page.get_by_label("Kind").select_option(label="Left the programme")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(f"{server.url}/admin/follow-ups?kind=exit&state=open")
    rows = page.locator("li.follow-up")
    expect(rows).to_have_count(known["exits"])
    expect(page.locator("li.follow-up .badge")).to_have_text(["Left the programme"] * known["exits"])

    row = page.locator(f"#follow-up-{known['leaver_flag']}")
    expect(row).to_contain_text(known["leaver"])
    row.get_by_label("Note on what you did").fill("Called them: back after the busy season.")
    row.get_by_role("button", name="Mark as followed up").click()
    # htmx swaps the row in place: followed up, with who did it and the note.
    expect(row.locator(".followed-up")).to_contain_text("Followed up by Alex Hartley")
    expect(row.locator(".followed-up")).to_contain_text("Called them: back after the busy season.")

    page.get_by_label("Shown").select_option(label="Followed up")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(f"#follow-up-{known['leaver_flag']}")).to_contain_text("back after the busy season")
    with server.app.app_context(), database.connection_context():
        handled = FollowUp.get_by_id(known["leaver_flag"])
        assert handled.resolution == "Called them: back after the busy season." and handled.resolved_at

    # The participants export downloads and reads back: one row per person and role, the leaver among them.
    page.goto(server.url + "/admin/exports/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download participants with their answers (CSV)").click()
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == known["participants"]
    assert known["leaver"] in {row["name"] for row in rows}
    assert {row["status"] for row in rows} >= {"paired", "exited"}
