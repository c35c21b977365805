"""The pairing journey as a new user would try it: search with a typo, profile, shortlist, request,
a decline that passes the request on, an approval, and both match emails in the SMTP sink."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.db import database
from portal.demo.generator import generate
from portal.models import Program, User
from tests.conftest import text_of


def prepare(app):
    """Demo people, pairing open; returns the mentee's name."""
    with app.app_context(), database.connection_context():
        program = Program.current()
        generate(program, mentors=30, mentees=4, seed=5)
        program.phase_overrides = {"pairing": True}
        program.save()
        return User.get(User.email == "mentee@example.org").name


def log_in(page, url, email):
    page.goto(url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_role("textbox", name="Password").fill("demo-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="Log out").click()


def email_of(app, name):
    with app.app_context(), database.connection_context():
        return User.get(User.name == name).email


def test_mentee_finds_shortlists_requests_and_gets_matched(serve, smtp_sink, page):
    server = serve(mail={"transport": "smtp", "smtp_host": "127.0.0.1", "smtp_port": smtp_sink.port})
    mentee_name = prepare(server.app)

    log_in(page, server.url, "mentee@example.org")
    page.get_by_role("link", name="Mentors").click()
    search = page.get_by_label("Search skills, goals, titles, departments or names")
    search.fill("stakeholdr mgmt")
    # Results come as you type (htmx) and the address follows the search. The first search builds the directory's
    # index, which takes longer than expect's default on a busy machine.
    expect(page).to_have_url(re.compile(r"q=stakeholdr"), timeout=20_000)
    cards = page.locator(".mentor-card")
    expect(cards.first).to_contain_text("Stakeholder management")
    names = [cards.nth(i).locator("h2").inner_text() for i in range(3)]

    # The first from their profile page, the next two straight from the cards.
    cards.first.locator("h2 a").click()
    expect(page.get_by_role("heading", name=names[0], level=1)).to_be_visible()
    expect(page.get_by_text("What you have in common")).to_be_visible()
    page.get_by_role("button", name="Add to shortlist").click()
    expect(page.get_by_role("button", name=re.compile("On your shortlist"))).to_be_visible()
    page.go_back()
    for name in names[1:]:
        card = page.locator(".mentor-card", has=page.get_by_role("heading", name=name))
        card.get_by_role("button", name="Add to shortlist").click()
        expect(card.get_by_role("button", name=re.compile("On your shortlist"))).to_be_visible()

    page.get_by_role("link", name="My shortlist").click()
    items = page.locator(".shortlist-items li")
    expect(items).to_have_count(3)
    for i, name in enumerate(names):
        expect(items.nth(i)).to_contain_text(name)
    page.get_by_label("A note for your mentor (optional)").fill("I would love your help with stakeholders.")
    page.get_by_role("button", name="Request a match").click()
    expect(page.get_by_text(f"Request sent to {names[0]}")).to_be_visible()
    log_out(page)

    # The first choice declines, with a reason only the programme team sees.
    log_in(page, server.url, email_of(server.app, names[0]))
    page.get_by_role("link", name="Requests").click()
    expect(page.get_by_text("I would love your help with stakeholders.")).to_be_visible()
    page.get_by_label(re.compile("Reason")).fill("My quarter is fully booked.")
    page.get_by_role("button", name="Decline").click()
    # A decline cannot be taken back: a page asks first, and keeps the reason.
    expect(page.get_by_role("heading", name="Decline this request?")).to_be_visible()
    expect(page.get_by_text("My quarter is fully booked.")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Decline ")).click()
    expect(page.get_by_text("passes to their next choice")).to_be_visible()
    log_out(page)

    # The request moved to the second choice at once; they approve.
    log_in(page, server.url, email_of(server.app, names[1]))
    page.get_by_role("link", name="Requests").click()
    page.get_by_role("button", name=re.compile("^Approve")).click()
    expect(page.get_by_text("You reach out first.")).to_be_visible()
    log_out(page)

    log_in(page, server.url, "mentee@example.org")
    page.get_by_role("link", name="My shortlist").click()
    expect(page.get_by_text(f"You are matched with {names[1]}.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("My quarter is fully booked.")

    first = mentee_name.split()[0]
    smtp_sink.wait_for(4)
    to_mentee = [m for m in smtp_sink.to("mentee@example.org") if "you are now matched" in m["Subject"]]
    assert [m["Subject"] for m in to_mentee] == [f"{first}, you are now matched with {names[1]}"]
    to_mentor = [m for m in smtp_sink.to(email_of(server.app, names[1])) if "you are now matched" in m["Subject"]]
    assert len(to_mentor) == 1
    assert "Please reach out first" in text_of(to_mentor[0])
    assert "/matches/" in text_of(to_mentor[0])
