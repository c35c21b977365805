"""The pairing console as an admin uses it: propose, sort, swap, pick a mentor by hand with the fit shown,
reload (the draft is kept), publish, and the match emails in the SMTP sink."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.db import database
from portal.demo.generator import generate
from portal.models import DraftPair, Match, PairingDraft, Program, User
from tests.browser.test_pairing_journey import log_in


def prepare(app) -> None:
    with app.app_context(), database.connection_context():
        program = Program.current()
        generate(program, mentors=24, mentees=10, seed=11)
        program.phase_overrides = {"pairing": True}
        program.save()


def draft_pairs(app) -> dict[str, str]:
    with app.app_context(), database.connection_context():
        draft = PairingDraft.get(PairingDraft.status == "draft")
        return {p.mentee.name: p.mentor.name for p in DraftPair.select().where(DraftPair.draft == draft)}


def test_admin_proposes_edits_and_publishes(serve, smtp_sink, page):
    server = serve(mail={"transport": "smtp", "smtp_host": "127.0.0.1", "smtp_port": smtp_sink.port})
    prepare(server.app)
    log_in(page, server.url, "admin@example.org")
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Pairing console", exact=True).click()
    expect(page.get_by_role("heading", name="Pairing console")).to_be_visible()

    page.get_by_role("button", name="Propose pairs for everyone still to pair").click()
    expect(page.locator(".job-progress")).to_contain_text("Proposed")
    compare = page.locator("table.compare")
    expect(compare).to_contain_text("Best total fit")
    expect(compare).to_contain_text("Stable")
    rows = page.locator(".pairs-table tbody tr")
    expect(rows.first.locator("td.fit")).to_have_text(re.compile(r"\d+%"))
    expect(rows.first.locator(".reasons li").first).to_be_visible()
    count = rows.count()
    assert count >= 5

    # Sorting by mentee is an htmx swap that keeps the address in step.
    page.get_by_role("link", name="Mentee", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=mentee"))
    names = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(count)]
    assert names == sorted(names)

    # Swap the mentors of the first two pairs.
    before = draft_pairs(server.app)
    rows.nth(0).locator("input[type=checkbox]").check()
    rows.nth(1).locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Swap the mentors of the two ticked pairs").click()
    expect(page.locator(".flash-success")).to_contain_text("Swapped")
    after = draft_pairs(server.app)
    assert after[names[0]] == before[names[1]] and after[names[1]] == before[names[0]]
    expect(page.locator(".pairs-table .badge", has_text="pinned")).to_have_count(2)

    # Pick a mentor by hand for the third mentee: the fit appears as the mentor is chosen.
    page.goto(server.url + "/admin/pairing?sort=mentee&dir=asc")
    rows.nth(2).get_by_role("link", name="Change mentor").click()
    expect(page.get_by_role("heading", name=names[2], level=1)).to_be_visible()
    expect(page.get_by_text("Best mentors with a free place")).to_be_visible()
    chooser = page.locator("select#mentor")
    option = chooser.locator("option").nth(3)
    chosen_name = option.inner_text().split(" · ")[0].split(" (")[0]
    chooser.select_option(index=3)
    expect(page.locator("#chosen-fit")).to_contain_text(chosen_name)
    expect(page.locator("#chosen-fit")).to_contain_text("fit")
    page.get_by_role("button", name="Pin the chosen mentor in the draft").click()
    expect(page.locator(".flash-success")).to_contain_text("pinned in the draft")
    assert draft_pairs(server.app)[names[2]] == chosen_name

    # The draft is in the database: a reload shows it as it was.
    page.reload()
    expect(page.locator(".pairs-table .badge", has_text="pinned")).to_have_count(3)

    pairs = len(draft_pairs(server.app))
    page.get_by_role("button", name=f"Publish {pairs} pairs").click()
    # Dozens of emails go out: a page says so and asks first; mentee-led pairing is open here, so it warns.
    expect(page.get_by_role("heading", name="Publish the draft?")).to_be_visible()
    expect(page.get_by_text(f"Publish {pairs} pairs and send {2 * pairs} emails?")).to_be_visible()
    expect(page.get_by_text("Mentee-led pairing is still open")).to_be_visible()
    page.get_by_role("button", name=f"Publish {pairs} pairs and send the emails").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Published: {pairs} matches made")
    with server.app.app_context(), database.connection_context():
        assert Match.active().count() == pairs
        mentee = User.get(User.name == names[2])
    messages = smtp_sink.wait_for(2 * pairs, timeout=20)
    subjects = {m["message"]["Subject"] for m in messages}
    assert f"{mentee.first_name}, you are now matched with {chosen_name}" in subjects
