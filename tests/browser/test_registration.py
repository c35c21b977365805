"""A new mentee registers, fills in the questionnaire and sees their profile, in a real browser."""
from __future__ import annotations

import re
from urllib.parse import urlparse

from playwright.sync_api import expect

from portal.db import database
from portal.models import Email, Participant, Program, User
from tests.conftest import link_in


def open_mentee_registration(app):
    with app.app_context(), database.connection_context():
        program = Program.current()
        program.phase_overrides = {"mentee_registration": True}
        program.save()


def test_mentee_registers_answers_questionnaire_and_sees_profile(live_server, page):
    open_mentee_registration(live_server.app)
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Join the programme").click()

    page.get_by_label("Full name").fill("Jamie Rivera")
    page.get_by_label("Work email").fill("Jamie.Rivera@Example.org")
    page.get_by_role("textbox", name="Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat password").fill("a different password")
    page.get_by_label("Mentee: I want a mentor").check()
    page.get_by_role("button", name="Create account").click()

    # A mistake keeps what was typed and says what is wrong.
    expect(page.get_by_text("The two passwords differ.")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Jamie Rivera")
    # The browser's own time zone was pre-selected by the page script.
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Lisbon")

    page.get_by_role("textbox", name="Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()

    # The account waits for its address to be confirmed by the emailed link.
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    with live_server.app.app_context(), database.connection_context():
        sent = Email.get(Email.to_address == "jamie.rivera@example.org")
    page.goto(live_server.url + urlparse(link_in(sent.text_body, "/register/confirm/")).path)

    expect(page.get_by_role("heading", name="Your questionnaire")).to_be_visible()
    page.get_by_label("What is your job title?").fill("Junior Data Analyst")
    page.get_by_label("Which department are you in?").select_option("Data & Analytics")
    page.get_by_label("What do you want to achieve in the next 6 months?").fill(
        "Present my analysis to the leadership team with confidence."
    )
    skills = page.get_by_label("Which skills do you want to grow?")
    skills.fill("pubic speak")
    # htmx suggests vocabulary skills for the typo; picking one completes the entry.
    page.get_by_role("button", name="Public speaking").click()
    expect(skills).to_have_value(re.compile(r"^Public speaking, $"))
    skills.press_sequentially("stakeholder mgmt")
    page.get_by_label("Virtual").check()
    page.get_by_label("From").fill("09:00")
    page.get_by_role("textbox", name="To", exact=True).fill("08:00")
    page.get_by_role("button", name="Save my answers").click()

    expect(page.get_by_text("The end must be at least an hour after the start.")).to_be_visible()
    expect(page.get_by_label("What is your job title?")).to_have_value("Junior Data Analyst")
    page.get_by_role("textbox", name="To", exact=True).fill("17:30")
    page.get_by_role("button", name="Save my answers").click()

    expect(page.get_by_role("heading", name="Jamie Rivera")).to_be_visible()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    profile = page.locator("main")
    expect(profile).to_contain_text("Junior Data Analyst")
    expect(profile).to_contain_text("Public speaking")
    expect(profile).to_contain_text("Stakeholder management")
    expect(profile).to_contain_text("09:00–17:30")
    expect(profile).to_contain_text("Europe/Lisbon")
    page.screenshot(path=str(live_server.app.instance_path) + "/../test-results/registration-profile.png", full_page=True)

    with live_server.app.app_context(), database.connection_context():
        user = User.get(User.email == "jamie.rivera@example.org")
        participant = Participant.get(Participant.user == user)
        assert participant.role == "mentee" and participant.status == "ready"
