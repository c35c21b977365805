"""The settings page and the admin navigation are built from what features register."""
from __future__ import annotations

import pytest
from flask import Blueprint
from lxml import html

from portal import settings
from portal.access import admin_required
from portal.admin import registry
from tests.page import Page


@pytest.fixture
def admin_client(client, admin):
    client.login(admin.email)
    return client


@pytest.fixture
def reports(app):
    """A feature the test adds: one admin page, registered for the navigation (before the app serves a request)."""
    blueprint = Blueprint("reports", __name__)

    @blueprint.get("/admin/reports")
    @admin_required
    def index():
        return "Reports"

    app.register_blueprint(blueprint)
    yield registry.page("Reports", "reports.index", order=55)
    registry.PAGES.pop("reports.index")


def tree(response):
    assert response.status_code == 200
    return html.fromstring(response.get_data(as_text=True))


def nav_links(response) -> list[tuple[str, str]]:
    return [(a.text_content().strip(), a.get("href")) for a in tree(response).xpath('//nav[@aria-label="Admin"]//a')]


def test_the_navigation_lists_a_page_a_feature_registered_in_its_place(reports, admin_client):
    links = nav_links(admin_client.get("/admin/dashboard"))

    labels = [label for label, _ in links]
    assert ("Reports", "/admin/reports") in links
    assert labels.index("People") < labels.index("Reports") < labels.index("To pair")


def test_the_navigation_is_every_registered_page_in_order(admin_client):
    links = nav_links(admin_client.get("/admin/settings"))

    assert [label for label, _ in links] == [p.label for p in registry.pages()]
    assert links[:3] == [("Dashboard", "/admin/dashboard"), ("Settings", "/admin/settings"),
                         ("Questionnaire", "/admin/questionnaire")]


def test_the_navigation_marks_the_page_open_and_its_subpages(admin_client, program):
    page = tree(admin_client.get("/admin/questionnaire/new"))

    current = page.xpath('//nav[@aria-label="Admin"]//a[@aria-current="page"]')
    assert [a.text_content() for a in current] == ["Questionnaire"]


def test_the_settings_page_shows_every_registered_section_in_order(admin_client):
    page = tree(admin_client.get("/admin/settings"))

    anchors = [s.get("id") for s in page.xpath("//main//section[@id]")]
    assert anchors == [s.anchor for s in registry.sections()]
    assert anchors[:2] == ["programme", "phases"]
    assert {"pairing", "matching", "sessions", "reminders", "calendars", "welcome"} <= set(anchors)


def test_each_section_saves_through_an_admin_only_handler_of_its_feature(app):
    for section in registry.sections():
        if section.form is None:
            continue
        view = app.view_functions[section.endpoint]
        assert getattr(view, "admin_only", False), section.endpoint
        assert set(section.keys) <= settings.DEFINITIONS.keys(), section.anchor
        assert all(hasattr(section.form, key) for key in section.keys), section.anchor


def test_a_section_with_errors_leaves_the_other_sections_as_stored(admin_client):
    response = admin_client.submit("/admin/settings/pairing", {"pairing_mode": "approval", "shortlist_size": "99",
                                                               "request_expiry_days": "3", "first_contact": "mentor"},
                                   page="/admin/settings")

    page = Page(response.get_data(as_text=True))
    assert response.status_code == 400 and page.errors["shortlist_size"] == "Between 1 and 10."
    assert page.values["shortlist_size"] == "99"
    # The reminders' switches were not in the form sent: they show what is stored, not "off".
    assert page.checked["reminder_feedback_enabled"] == ["y"] and page.checked["feedback_request_enabled"] == ["y"]


def test_the_admin_link_is_current_on_every_admin_only_page(admin_client):
    for url in ("/admin/pairing", "/admin/surveys", "/admin/settings"):
        admin_links = tree(admin_client.get(url)).xpath('//a[@href="/admin/dashboard"][text()="Admin"]')
        assert [a.get("aria-current") for a in admin_links] == ["page"], url
