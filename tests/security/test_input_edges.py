"""No input breaks a page: dates at the calendar's edges, special floats, ids and page numbers beyond 64 bits, Unicode
digits, NUL characters and text longer than a column, each answered with a message in the form (what was typed kept)
or a 404, on SQLite and PostgreSQL alike."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from wtforms.validators import Length

from portal.accounts import forms as accounts_forms
from portal.admin import forms as admin_forms
from portal.agendas import forms as agendas_forms
from portal.calendars import forms as calendars_forms
from portal.meetings import forms as meetings_forms
from portal.meetings import invitations
from portal.models import (
    ActionItem,
    Agenda,
    CalendarConnection,
    LoginAttempt,
    MatchRequest,
    Meeting,
    Program,
    Question,
    ResetRequest,
    Skill,
    User,
)
from portal.questionnaire import forms as questionnaire_forms
from tests.page import Page
from tests.pairing.conftest import _fresh_directory_cache  # noqa: F401
from tests.security.inputs import NOW, ROLES, FormParser, browser_as, errors_logged, forms_of, make_world  # noqa: F401

BEYOND_64_BITS = str(2**70)
UNICODE_DIGITS = ["١٢", "²", "𝟙"]
SPECIAL_FLOATS = ["sNaN", "nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e999"]
TEXT_INPUTS = ("text", "email", "url", "password", "search", "textarea")


@pytest.fixture
def world(app, program, create_user, admin, monkeypatch):
    monkeypatch.setenv("CALENDAR_SECRET", "calendar-secret-for-meeting-tests-0123456789")
    with time_machine.travel(NOW, tick=True):
        yield make_world(app, program, create_user, admin)


def form_on(client, page: str, target: str):
    """The form posting to `target` on `page`, as the browser shows it."""
    forms = FormParser(page, client.get(page).get_data(as_text=True)).forms
    return next(form for form in forms if form.action == target)


def send(client, page: str, target: str, /, **changes):
    """Submit the form as shown on the page, with some fields changed."""
    return client.submit(target, {**form_on(client, page, target).defaults(), **changes}, page=page)


def shown(response) -> Page:
    return Page(response.get_data(as_text=True))


# --- dates at the edges of the calendar ---------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("action", ["save", "suggest"])
def test_programme_dates_at_the_calendar_edges_are_refused_in_the_form(world, errors_logged, day, action):
    ada = browser_as(world, "admin")

    response = send(ada, "/admin/settings", "/admin/settings/programme", pairing_opens=day, length_months="6",
                    action=action)

    assert response.status_code == 400
    page = shown(response)
    assert page.errors["pairing_opens"] == "Enter a date between 1970 and 2199."
    assert page.values["pairing_opens"] == day
    assert errors_logged == []


@pytest.mark.parametrize(("day", "time"), [("0001-01-01", "00:00"), ("9999-12-31", "23:59")])
def test_booking_and_rescheduling_a_day_at_the_calendar_edges(world, errors_logged, day, time):
    mia = browser_as(world, "mentor")
    sessions = f"/matches/{world.match.id}/sessions"
    reschedule = f"/sessions/{world.meeting.id}/reschedule"

    booked = send(mia, sessions, sessions, custom_date=day, custom_time=time, slot="")
    moved = send(mia, reschedule, reschedule, custom_date=day, custom_time=time, slot="")

    for response in (booked, moved):
        assert response.status_code == 400
        assert shown(response).errors["custom_date"] == "Enter a date between 1970 and 2199."
        assert shown(response).values["custom_date"] == day
    assert errors_logged == []


@pytest.mark.parametrize("slot", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_a_suggested_time_forged_at_the_calendar_edges_is_refused(world, errors_logged, slot):
    mia = browser_as(world, "mentor")
    sessions = f"/matches/{world.match.id}/sessions"

    response = send(mia, sessions, sessions, slot=slot, custom_date="", custom_time="")

    assert response.status_code == 400
    assert "Choose one of the suggested times" in shown(response).errors["slot"]
    assert errors_logged == []


# --- special floats in number fields -------------------------------------------------------------------------------


@pytest.mark.parametrize("number", SPECIAL_FLOATS)
def test_special_floats_in_number_fields_get_a_message(world, errors_logged, number):
    ada = browser_as(world, "admin")
    question = f"/admin/questionnaire/{world.ids['matched_question_id']}"  # matching reads it, so it has a weight

    weights = send(ada, "/admin/settings", "/admin/settings/matching", skills=number, favourite_bonus=number)
    weight = send(ada, question, question, weight=number)
    minutes = send(ada, "/admin/settings", "/admin/settings/sessions", meeting_minutes=number)

    for response, field in ((weights, "skills"), (weights, "favourite_bonus"), (weight, "weight"),
                            (minutes, "meeting_minutes")):
        assert response.status_code == 400
        page = shown(response)
        assert page.errors[field], field
        assert page.values[field] == number
    assert errors_logged == []


# --- ids and page numbers beyond 64 bits, and Unicode digits --------------------------------------------------------


@pytest.mark.parametrize("number", [BEYOND_64_BITS, str(2**63), str(2**31), *UNICODE_DIGITS])
def test_ids_in_addresses_that_cannot_exist_are_404(world, errors_logged, number):
    ada, mia = browser_as(world, "admin"), browser_as(world, "mentor")

    for client, url in ((mia, f"/people/{number}"), (mia, f"/matches/{number}/sessions"),
                        (mia, f"/sessions/{number}/reschedule"), (ada, f"/admin/outbox/{number}"),
                        (ada, f"/admin/pairing/mentees/{number}")):
        assert client.answer_to(url).status_code == 404, url
    assert mia.submit(f"/requests/{number}/approve", page="/").status_code == 404
    assert errors_logged == []


@pytest.mark.parametrize("number", [BEYOND_64_BITS, "-3", "0", "2.5", *UNICODE_DIGITS])
def test_any_page_number_shows_a_page(world, errors_logged, number):
    ada = browser_as(world, "admin")
    leo = browser_as(world, "mentee")

    for client, url in ((ada, "/admin/outbox"), (ada, "/admin/audit"), (ada, "/admin/people"),
                        (ada, "/admin/pairing"), (leo, "/mentors")):
        response = client.answer_to(url, query_string={"page": number})
        assert response.status_code == 200, url
    assert errors_logged == []


@pytest.mark.parametrize("number", [BEYOND_64_BITS, *UNICODE_DIGITS])
def test_ids_in_forms_that_cannot_exist_are_no_id(world, errors_logged, number):
    ada = browser_as(world, "admin")
    mentee = f"/admin/pairing/mentees/{world.mentee.id}"

    swapped = ada.submit("/admin/pairing/swap", {"pair": [number, "1"]}, page="/admin/pairing")
    chosen = ada.get(mentee, query_string={"mentor": number})
    excluded = ada.submit(f"{mentee}/exclude", {"mentor": number, "reason": "No"}, page=mentee)

    assert swapped.status_code == 302
    assert chosen.status_code == 200
    assert excluded.status_code == 400
    assert errors_logged == []


# --- NUL characters -----------------------------------------------------------------------------------------------


def test_a_nul_character_in_a_form_field_is_named_in_the_form(world, errors_logged):
    visitor = browser_as(world, "anonymous")
    mia = browser_as(world, "mentor")
    sessions = f"/matches/{world.match.id}/sessions"

    registered = send(visitor, "/register", "/register", name="Sam\x00Jones", email="sam.jones@example.org",
                      password="a long password 1", confirm="a long password 1", role="mentee")
    booked = send(mia, sessions, sessions, location="Room\x00 4", location_kind="in_person")

    for response, field, typed in ((registered, "name", "Sam\x00Jones"), (booked, "location", "Room\x00 4")):
        assert response.status_code == 400
        page = shown(response)
        assert page.errors[field] == "Remove the invisible control character (NUL) from this text."
        assert page.values[field].replace("\ufffd", "\x00") == typed
    assert User.get_or_none(User.email == "sam.jones@example.org") is None
    assert errors_logged == []


def test_a_nul_character_in_free_text_never_reaches_the_database(app, world, errors_logged):
    with app.test_request_context():
        agenda = invitations.agenda_url(world.meeting, world.mentee).replace("http://localhost", "")
    leo = browser_as(world, "anonymous")  # the link is the key
    sam = browser_as(world, "anonymous")
    sam.login("sam@example.org", "correct horse battery")
    mia = browser_as(world, "mentor")

    item = leo.submit(f"{agenda}/items", {"text": "Read\x00 more"}, page=agenda)
    note = leo.submit(f"{agenda}/notes", {"body": "Worried\x00"}, page=agenda)
    declined = mia.submit(f"/requests/{world.ids['request_id']}/decline",
                          {"reason": "Full\x00 up", "confirmed": "yes"}, page="/inbox")
    searched = browser_as(world, "admin").get("/admin/outbox", query_string={"q": "leo\x00"})

    assert item.status_code == 400 and "invisible control character (NUL)" in item.get_data(as_text=True)
    assert note.status_code == 400 and "invisible control character (NUL)" in note.get_data(as_text=True)
    assert ActionItem.select().where(ActionItem.text.contains("more")).count() == 0
    assert declined.status_code == 302
    assert MatchRequest.get_by_id(world.ids["request_id"]).reason == "Full up"
    assert searched.status_code == 200
    assert errors_logged == []


# --- text longer than its column ----------------------------------------------------------------------------------


def test_every_text_input_carries_a_maximum_length(world):
    missing = []
    for role in ROLES:
        client = browser_as(world, role)
        missing += [f"{form.key}: {field.name}" for form in forms_of(world, role, client) for field in form.fields
                    if field.kind in TEXT_INPUTS and field.maxlength is None]

    assert missing == []


# Form fields stored as they are typed in a column of limited length (CharField: varchar(255) on PostgreSQL).
STORED_AS_TYPED = [
    (accounts_forms.RegisterForm, "name", User.name), (accounts_forms.RegisterForm, "email", User.email),
    (accounts_forms.LoginForm, "email", LoginAttempt.email), (accounts_forms.ForgotForm, "email", ResetRequest.email),
    (admin_forms.ProgrammeForm, "name", Program.name), (meetings_forms.BookingForm, "location", Meeting.location),
    (calendars_forms.CaldavForm, "url", CalendarConnection.url),
    (calendars_forms.CaldavForm, "username", CalendarConnection.username),
    (questionnaire_forms.SkillForm, "name", Skill.name), (questionnaire_forms.SkillForm, "category", Skill.category),
    (questionnaire_forms.QuestionForm, "prompt", Question.prompt), (agendas_forms.AgendaForm, "title", Agenda.title),
]


@pytest.mark.parametrize(("form", "name", "column"), STORED_AS_TYPED,
                         ids=[f"{f.__name__}.{n}" for f, n, _ in STORED_AS_TYPED])
def test_a_field_stored_as_typed_is_no_longer_than_its_column(form, name, column):
    unbound = getattr(form, name)
    validators = unbound.kwargs.get("validators") or unbound.args[1]
    limits = [v.max for v in validators if isinstance(v, Length) and v.max >= 0]

    assert limits and min(limits) <= column.max_length


def test_a_skill_word_longer_than_its_column_is_refused_in_the_form(world, errors_logged):
    ada = browser_as(world, "admin")
    skill = world.ids["skill_id"]

    response = ada.submit(f"/admin/skills/{skill}/aliases", {"aliases": "w" * 300}, page="/admin/skills")

    assert response.status_code == 400
    assert "Keep each word under 60 characters" in response.get_data(as_text=True)
    assert errors_logged == []


@pytest.mark.parametrize(("role", "page", "target", "field", "limit"), [
    ("anonymous", "/register", "/register", "name", 120),
    ("anonymous", "/login", "/login", "email", 254),
    ("anonymous", "/password/forgot", "/password/forgot", "email", 254),
    ("mentor", "/calendar/connect", "/calendar/connect", "username", 255),
    ("mentor", "/matches/1/sessions", "/matches/1/sessions", "location", 255),
    ("admin", "/admin/skills", "/admin/skills", "name", 60),
    ("admin", "/admin/settings", "/admin/settings/programme", "name", 120),
])
def test_text_beyond_its_maximum_is_refused_with_the_limit_named(world, errors_logged, role, page, target, field,
                                                                  limit):
    client = browser_as(world, role)
    typed = "x" * (limit - 11) + "@example.org" if field == "email" else "x" * (limit + 1)

    response = send(client, page, target, **{field: typed})

    assert response.status_code == 400
    page_shown = shown(response)
    assert f"{limit:,}" in page_shown.errors[field] or f"{limit}" in page_shown.errors[field]
    assert page_shown.values[field] == typed
    assert errors_logged == []
