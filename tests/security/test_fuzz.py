"""Property-based fuzzing with hypothesis: every form the app's pages offer (found by opening every GET page of the URL
map as each role, with real ids), every query parameter the pages read and every id in an address get hostile values,
and no answer is a 500 nor is anything logged at ERROR, on SQLite and PostgreSQL.

The "ci" profile (the default) is derandomized, so a run is repeatable; HYPOTHESIS_PROFILE=explore tries new values
and more of them."""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from flask import render_template_string
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter
from wtforms import DecimalField
from wtforms.validators import InputRequired, NumberRange

from tests.conftest import PortalClient
from tests.pairing.conftest import _fresh_directory_cache  # noqa: F401
from tests.security.inputs import (  # noqa: F401
    NOW,
    QUERY_PARAMETERS,
    ROLES,
    Form,
    FormParser,
    browser_as,
    errors_logged,
    forms_of,
    make_world,
    page_urls,
    url_of,
)

settings.register_profile("ci", max_examples=6, deadline=None, derandomize=True, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("explore", parent=settings.get_profile("ci"), max_examples=60, derandomize=False)
PORTAL = Path(__file__).resolve().parents[2] / "portal"
FUZZ = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Values that broke pages somewhere once: calendar edges, special floats, ids beyond 64 bits, Unicode digits, NUL.
NUMBERS = ["sNaN", "nan", "-nan", "inf", "-inf", "Infinity", "1e999", "-1e999", "1e-999", "-0", "0", "-1", "0.5",
           str(2**31), str(2**63), str(2**70), "١٢", "²", "𝟙", "1_000", " 1 ", "0x10"]
DATES = ["0001-01-01", "9999-12-31", "10000-01-01", "1969-12-31", "2200-01-01", "2026-02-30", "2026-13-01",
         "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]
TIMES = ["00:00", "23:59", "24:00", "25:61", "9:5", "12:00:00", "-1:00", "١٢:٣٠"]
TEXTS = ["", " ", "\x00", "a\x00b", "<script>alert(1)</script>", "' OR 1=1 --", "%", "_", "\\", "https://", "..",
         "/", "\u202e", "\ud7ff", "🙂" * 3, "\r\n"]
text_values = st.one_of(
    st.sampled_from(TEXTS + NUMBERS + DATES),
    st.text(max_size=30),
    st.integers(200, 6000).map(lambda n: "x" * n),  # beyond every column and field limit
)
number_values = st.one_of(st.sampled_from(NUMBERS), st.integers().map(str), st.floats().map(str))
date_values = st.one_of(st.sampled_from(DATES), st.dates().map(lambda d: d.isoformat()))
time_values = st.one_of(st.sampled_from(TIMES), st.times().map(lambda t: t.isoformat()))
PLACEHOLDER = 987654321  # stands for the id in an address, then replaced by the value tried
hostile = st.one_of(text_values, number_values, date_values, time_values)
EDGES_BY_KIND = {"number": ["sNaN", "inf", "1e999", "²", str(2**70)], "date": ["0001-01-01", "9999-12-31"],
                 "time": ["24:00", "00:00"], "datetime-local": ["0001-01-01T00:00", "9999-12-31T23:59"]}
OTHER_EDGES = ["a\x00b", str(2**70), "²", "0001-01-01T00:00:00+14:00"]  # choices, hidden fields, buttons
QUERY_EDGES = ["sNaN", str(2**70), "-1", "²", "١٢", "a\x00b", "x" * 5000]
TYPED_TEXT = ("text", "email", "url", "password", "search", "textarea")
BY_KIND = {"number": number_values, "date": date_values, "time": time_values, "datetime-local": date_values}


def values_for(form: Form) -> st.SearchStrategy[dict]:
    """Each field as shown, or a choice the page offers, or a hostile value of its kind (any hostile value for a
    choice), or left out altogether."""
    fields = {}
    for field in form.fields:
        if field.name == "csrf_token":
            continue
        shown = [st.just(field.value)] if field.value is not None else []
        shown += [st.sampled_from(field.options)] if field.options else []
        typed = BY_KIND.get(field.kind, text_values if field.kind in TYPED_TEXT else hostile)
        fields[field.name] = st.one_of(*shown, typed, typed, st.none())
    return st.fixed_dictionaries(fields).map(lambda data: {k: v for k, v in data.items() if v is not None})


def known_edges(form: Form) -> list[dict]:
    """The form as shown with one field set to an edge of its kind: explicit examples every run tries first."""
    shown = form.defaults()
    examples = []
    for field in form.fields:
        if field.name == "csrf_token":
            continue
        longer = "x" * ((field.maxlength or 5000) + 1)
        edges = EDGES_BY_KIND.get(field.kind, ["a\x00b", longer] if field.kind in TYPED_TEXT else OTHER_EDGES)
        examples += [{**shown, field.name: edge} for edge in edges]
    return examples


def fuzz_form(client, form: Form, errors: list) -> None:
    """POST the known edges, then hypothesis' values, to the form with a valid CSRF token; fail on a 500 or an
    ERROR logged."""
    token = next((f.value for f in form.fields if f.name == "csrf_token"), None) or client.token(form.page)

    def post(data):
        errors.clear()
        response = client.post(form.action, data={**data, "csrf_token": token})
        assert response.status_code < 500, f"{form.key} answered {response.status_code} to {data!r}"
        assert errors == [], f"{form.key} logged {[r.getMessage() for r in errors]} for {data!r}"

    for data in known_edges(form):
        post = example(data=data)(post)
    FUZZ(given(data=values_for(form))(post))()


@pytest.fixture
def world(app, program, create_user, admin, monkeypatch):
    monkeypatch.setenv("CALENDAR_SECRET", "calendar-secret-for-meeting-tests-0123456789")
    with time_machine.travel(NOW, tick=True):
        yield make_world(app, program, create_user, admin)


@pytest.mark.parametrize("role", ROLES)
def test_no_form_answers_500_to_any_value(world, errors_logged, role):
    client = browser_as(world, role)
    forms = forms_of(world, role, client)
    adapter = world.app.url_map.bind("localhost")
    # One form per endpoint and set of fields: the same form for another skill or question adds nothing.
    distinct = {}
    for form in forms:
        endpoint, _ = adapter.match(form.action.split("?")[0], method="POST")
        distinct.setdefault((endpoint, tuple(sorted(f.name for f in form.fields))), form)

    assert len(distinct) >= {"anonymous": 4, "mentee": 6, "asking": 6, "mentor": 8, "admin": 30}[role]
    for form in distinct.values():
        fuzz_form(client, form, errors_logged)


def test_no_query_parameter_answers_500(world, errors_logged):
    clients = {role: browser_as(world, role) for role in ("anonymous", "asking", "admin")}
    who = {"pairing.directory": "asking", "questionnaire.suggest_skills": "asking"}
    pages = [(url_of(world, endpoint), names, clients[who.get(endpoint, "admin" if endpoint.split(".")[0] in (
        "admin", "console") else "anonymous")]) for endpoint, names in QUERY_PARAMETERS.items()]

    for url, names, client in pages:
        def open_page(query):
            errors_logged.clear()
            response = client.answer_to(url, query_string=query)
            assert response.status_code < 500, f"{url} answered {response.status_code} to {query!r}"
            assert errors_logged == [], f"{url} logged {[r.getMessage() for r in errors_logged]} for {query!r}"

        for name in names:
            for edge in QUERY_EDGES:
                open_page = example(query={name: edge})(open_page)
        FUZZ(given(query=st.fixed_dictionaries({}, optional={name: hostile for name in names}))(open_page))()


def test_no_id_in_an_address_answers_500(world, errors_logged):
    client = browser_as(world, "admin")
    adapter = world.app.url_map.bind("localhost")
    rules = [rule for rule in world.app.url_map.iter_rules() if "GET" in rule.methods and any(
        isinstance(rule._converters[name], IntegerConverter) for name in rule.arguments)]
    assert len(rules) >= 10

    def open_page(rule, value):
        errors_logged.clear()
        ids = {name: PLACEHOLDER if isinstance(rule._converters[name], IntegerConverter) else world.ids.get(name, "x")
               for name in rule.arguments}
        url = adapter.build(rule.endpoint, ids).replace(str(PLACEHOLDER), quote(value, safe=""))
        response = client.answer_to(url)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        assert errors_logged == [], f"{url} logged {[r.getMessage() for r in errors_logged]}"

    for rule in rules:
        for edge in (str(2**70), "²", "١٢"):
            open_page = example(rule=rule, value=edge)(open_page)
    FUZZ(given(rule=st.sampled_from(rules), value=hostile.filter(lambda v: v.strip(".")))(open_page))()


class PlantedForm(FlaskForm):
    """The matching weight as it was before special floats were refused: sNaN crashed NumberRange."""

    weight = DecimalField("Weight", places=None, validators=[InputRequired(), NumberRange(0, 10)])


def test_the_fuzz_finds_a_planted_bug(make_app, errors_logged):
    """The fuzz can fail: a page with the weight field as it once was is caught."""
    app = make_app()

    @app.route("/planted", methods=["GET", "POST"])
    def planted():
        form = PlantedForm()
        if form.validate_on_submit():
            return str(float(form.weight.data))
        return render_template_string('<form method="post">{{ form.csrf_token }}{{ form.weight }}</form>', form=form)

    client = PortalClient(app.test_client())
    form = next(iter(FormParser("/planted", client.get("/planted").get_data(as_text=True)).forms))

    with pytest.raises(ValueError, match="signaling NaN"):
        fuzz_form(client, form, errors_logged)


def test_every_query_parameter_the_code_reads_is_fuzzed():
    """A handler that starts reading a new parameter is fuzzed only once it is listed in QUERY_PARAMETERS."""
    read = set()
    for path in PORTAL.rglob("*.py"):
        read |= set(re.findall(r'(?:request\.values|\bargs)\.get\("(\w+)"', path.read_text()))
        read |= set(re.findall(r'(?:page_number|search_text)\("(\w+)"', path.read_text()))
    fuzzed = {name for names in QUERY_PARAMETERS.values() for name in names}

    assert read - {"name"} <= fuzzed and {"page", "q"} <= fuzzed  # "name": the paging helpers' own parameter


def test_page_urls_cover_the_pages_that_name_objects(world):
    """Guards the fuzz against silently skipping pages whose ids the world no longer makes."""
    urls = page_urls(world, "admin")

    assert {f"/matches/{world.match.id}", f"/sessions/{world.meeting.id}/reschedule",
            f"/admin/questionnaire/{world.ids['question_id']}", f"/admin/agendas/{world.ids['agenda_id']}"} <= set(urls)
