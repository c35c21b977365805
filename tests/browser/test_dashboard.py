"""The dashboard in a browser: the charts draw under the Content-Security-Policy, also with JavaScript off, the page
uses a laptop's width and fits a 390 px phone without scrolling sideways."""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from portal.accounts.operations import create_user as make_account
from portal.db import database
from portal.models import Feedback, Match, Meeting, Participant, Program, User
from tests.browser.test_pairing_journey import log_in

DAY = dt.timedelta(days=1)


def programme_under_way(app) -> None:
    """Four pairs matched in two waves, sessions held with feedback, one pair that never booked, one leaver."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with app.app_context(), database.connection_context():
        program = Program.current()
        admin = make_account("ada@example.org", "Ada Admin", "demo-password")
        User.update(is_admin=True).where(User.id == admin.id).execute()
        for n, days_ago in enumerate((80, 80, 60, 30)):
            mentor = make_account(f"mentor{n}@example.org", f"Mentor {n}", "demo-password")
            mentee = make_account(f"mentee{n}@example.org", f"Mentee {n}", "demo-password")
            Participant.create(program=program, user=mentor, role="mentor", status="paired")
            Participant.create(program=program, user=mentee, role="mentee", status="paired")
            match = Match.create(program=program, mentor=mentor, mentee=mentee, started_at=now - days_ago * DAY)
            for number in range(n % 3):
                start = now - (days_ago - 10 - 20 * number) * DAY
                meeting = Meeting.create(match=match, organizer=mentor, number=number + 1, agenda="first",
                                         starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                         uid=f"browser-dashboard-{n}-{number}@portal.test", sync_state="none")
                Feedback.create(meeting=meeting, user=mentee, rating=2 + number, fit=3 + number, created_at=start)
        gone = make_account("gone@example.org", "Gone Mentee", "demo-password")
        Participant.create(program=program, user=gone, role="mentee", status="exited", exited_at=now - 5 * DAY,
                           exit_reason="workload")


def test_the_dashboard_draws_its_charts_within_the_policy_on_a_laptop_and_a_phone(serve, page, chromium):
    server = serve()
    programme_under_way(server.app)
    console, errors = [], []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, server.url, "ada@example.org")
    page.goto(server.url + "/admin")  # the admin area opens on the dashboard

    charts = page.get_by_role("img", name="Pairs matched, by day since pairing opened")
    expect(charts).to_be_visible()
    expect(page.locator("svg.chart-svg")).to_have_count(5)  # every chart with data; no survey was sent
    expect(page.locator("#figure-matched")).to_contain_text("4 matched pairs")
    # The pairing chart spans the content's width, and its bars and lines are coloured by portal.css.
    main = page.locator("main").bounding_box()
    assert charts.bounding_box()["width"] > 0.9 * main["width"] and main["width"] > 1000
    fill = page.locator("#chart-rates svg .series.color-0 rect").first.evaluate("e => getComputedStyle(e).fill")
    assert fill == "rgb(29, 111, 214)"

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(charts).to_be_visible()
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 392)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + e.getBoundingClientRect().right)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
    assert page.locator("#chart-progress .chart-scroll").bounding_box()["width"] <= 390  # the chart scrolls inside

    violations = [line for line in console if "Content Security Policy" in line or "Refused to" in line]
    assert violations == [] and errors == [], console + errors

    # Without JavaScript the same charts show: they are drawn on the server.
    context = chromium.new_context(java_script_enabled=False, storage_state=page.context.storage_state())
    try:
        quiet = context.new_page()
        quiet.goto(server.url + "/admin/dashboard")
        expect(quiet.get_by_role("img", name="Session ratings by month")).to_be_visible()
        expect(quiet.locator("#chart-ratings table")).to_contain_text("5 of 5")
    finally:
        context.close()
