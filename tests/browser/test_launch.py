"""The launch as a new admin would try it: import the organisation (a bad row first), send wave 1 to a segment, see
the invitations in the outbox, open one as the invited person and register with the fields filled in; the funnel
moves."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.db import database
from portal.models import Email, Program
from tests.conftest import PASSWORD, link_in, make_account

BAD = ("name,email,department,job title\n"
       "Hana Head,hana@example.org,Research,Head of Research\n"
       "Sam Senior,not-an-address,Research,Senior Engineer\n"
       "Jo Junior,jo@example.org,Research,Engineer\n")


def prepare(app) -> None:
    with app.app_context(), database.connection_context():
        make_account("admin@example.org", "Ada Admin", PASSWORD, is_admin=True)
        program = Program.current()
        program.phase_overrides = {"mentor_registration": True, "mentee_registration": True}
        program.save()


def upload(page, text: str) -> None:
    page.get_by_label("People CSV").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": text.encode()}])
    page.get_by_role("button", name="Check the file").click()


def test_an_admin_invites_mentors_and_an_invited_person_registers(serve, page):
    server = serve()
    prepare(server.app)
    page.goto(server.url + "/login")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(server.url + "/admin/people/import")
    upload(page, BAD)
    expect(page.get_by_text("not-an-address", exact=False).first).to_be_visible()
    page.goto(server.url + "/admin/people/import")
    upload(page, BAD.replace("not-an-address", "sam@example.org"))
    page.get_by_role("button", name="Import 3 people").click()
    expect(page.get_by_text("Imported: 3 new")).to_be_visible()

    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Launch", exact=True).click()
    page.get_by_role("link", name="Edit wave 1").click()
    page.get_by_label("Who it goes to").select_option("words")
    page.get_by_label("Values").fill("head, senior")
    page.get_by_label("Sent on behalf of").fill("Grace Chief")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_text("2 people would get this wave now.")).to_be_visible()
    expect(page.get_by_text("Dear Hana,")).to_be_visible()
    page.get_by_role("button", name="Send now to 2 people").click()
    page.get_by_role("button", name="Send to 2 people").click()
    expect(page.get_by_text("Wave 1 invited 2 people.")).to_be_visible()

    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Outbox", exact=True).click()
    expect(page.get_by_text("Would you mentor someone this year?").first).to_be_visible()
    with server.app.app_context(), database.connection_context():
        invitation = Email.get(Email.to_address == "hana@example.org")
    page.get_by_role("button", name="Log out").click()

    # The invitation's own link: the portal's address is the one served here.
    page.goto(link_in(invitation.text_body, "/register?token="))
    expect(page.get_by_label("Full name")).to_have_value("Hana Head")
    expect(page.get_by_label("Work email")).to_have_value("hana@example.org")
    expect(page.get_by_label("Department")).to_have_value("Research")
    page.get_by_role("textbox", name="Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat password").fill("a long enough password")
    page.get_by_label("Mentor: I want to mentor someone").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    with server.app.app_context(), database.connection_context():
        confirm = Email.get(Email.to_address == "hana@example.org", Email.category != "invitation")
    page.goto(link_in(confirm.text_body, "/register/confirm/"))
    expect(page.get_by_role("heading", name="Your questionnaire")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    page.goto(server.url + "/login")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(server.url + "/admin/launch")
    wave_one = page.get_by_role("row", name=re.compile("^Wave 1: mentors"))
    # Invited 2, registered 1 (50%), her questionnaire not yet finished.
    expect(wave_one.get_by_role("cell")).to_have_text(["2", "1 (50%)", "0 (0%)", "0 (0%)", "0 (0%)"])
