"""What the input tests share: a programme with every kind of object a page names, a browser per role, and the
forms and query parameters the app's own pages offer, read from the pages themselves."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from portal import mail
from portal.agendas import store as agenda_store
from portal.meetings import booking, follow_through, invitations
from portal.models import Question, Skill
from portal.pairing import operations as pairing
from portal.questionnaire import editing
from portal.surveys import operations as surveys
from portal.surveys import schedule as survey_schedule
from tests.console.conftest import give_answers
from tests.conftest import PortalClient
from tests.meetings.conftest import HOURS

NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)  # a Monday; the session below is two days on
START = dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)
# "asking" is a mentee still looking for a mentor (shortlist and request forms); "anonymous" holds the mentee's
# agenda link, which is the key without a login.
ROLES = ("anonymous", "mentee", "asking", "mentor", "admin")
# Query parameters the pages read (request.args in the handlers, and portal/paging.py), by endpoint.
QUERY_PARAMETERS = {
    "admin.outbox": ("page", "status", "q"),
    "admin.audit_log": ("page", "who", "action", "since", "until"),
    "admin.people": ("page", "role", "q", "status", "department", "finished", "paired", "sort", "order"),
    "organisation.index": ("page", "q"),
    "launch.index": ("job",),
    "launch.preview": ("page",),
    "dashboard.follow_ups": ("page", "kind", "state"),
    "dashboard.newer_figures": ("than",),
    "console.console": ("page", "sort", "dir", "job", "unmatched_page", "skipped_page", "exclusions_page"),
    "agendas.index": ("page",),
    "questionnaire.editor": ("page",),
    "meetings.sync_status": ("page", "latest_page"),
    "surveys.admin_index": ("job",),
    "console.mentee": ("mentor",),
    "pairing.directory": ("page", "q", "department", "location", "overlap", "room"),
    "questionnaire.suggest_skills": ("field", "strengths"),
    "accounts.login": ("next",),
    "accounts.register": ("token",),
    "accounts.microsoft_login": ("next",),
    "accounts.microsoft_login_callback": ("code", "state", "error"),
}
# Forms that end what the rest of a run needs (the session, the person's place, the calendar): sent last.
ENDING = re.compile(r"/logout|/leave|/disconnect|/cancel|/discard|/publish|/end$|/revoke")


@dataclasses.dataclass
class World:
    """Everyone and everything a page's address can name, made for real."""

    app: object
    admin: object
    mentor: object
    mentee: object
    asking: object
    match: object
    meeting: object
    ids: dict


def make_world(app, program, create_user, admin) -> World:
    """A matched pair with a booked session, an action item, a second mentee's pending request, a custom question,
    customised agendas, a sent survey and a stored email."""
    mentor = create_user("mia@example.org", roles=("mentor",), name="Mia Mentor")
    mentee = create_user("leo@example.org", roles=("mentee",), name="Leo Mentee")
    asking = create_user("sam@example.org", roles=("mentee",), name="Sam Mentee")
    give_answers(program, mentor, "mentor", {**HOURS, "strengths": ["Python"], "capacity": "3"}, capacity=3)
    give_answers(program, mentee, "mentee", {**HOURS, "grow": ["Python"], "goals_6m": "Grow"})
    give_answers(program, asking, "mentee", {**HOURS, "grow": ["Python"], "goals_6m": "Grow"})
    program.phase_overrides = {"pairing": True}
    program.save()
    with app.test_request_context():
        match = pairing.create_match(program, mentor, mentee, made_by="admin", actor=admin)
        meeting = booking.book(match, mentor, START, START + dt.timedelta(hours=1), location_kind="virtual",
                               location="https://meet.example.org/abc")
        item = follow_through.add_item(meeting, mentee, "Read the handbook")
        pairing.add_to_shortlist(program, asking, mentor)
        request = pairing.send_request(program, asking, "Hello")
        question = editing.add_question(program, {"prompt": "Favourite tea?", "kind": "text", "audience": "both"},
                                        admin)
        agenda_store.customise(program)
        survey = surveys.survey_for(program, "midpoint")
        survey_schedule.send_now(survey, admin)
        email = mail.send("leo@example.org", "Welcome", "Hello Leo.", "<p>Hello Leo.</p>")
    ids = {"user_id": mentee.id, "mentor_id": mentor.id, "match_id": match.id, "meeting_id": meeting.id,
           "item_id": item.id, "request_id": request.id, "question_id": question.id,
           "matched_question_id": Question.get(Question.program == program, Question.key == "seniority").id,
           "agenda_id": agenda_store.rows(program)[0].id, "survey_id": survey.id, "email_id": email.id,
           "skill_id": Skill.select().first().id, "kind": "midpoint", "number": 1}
    return World(app, admin, mentor, mentee, asking, match, meeting, ids)


def browser_as(world: World, role: str) -> PortalClient:
    """A client logged in as the world's person of that role (or nobody)."""
    client = PortalClient(world.app.test_client())
    if role != "anonymous":
        client.login(getattr(world, role).email, "correct horse battery")
    return client


# Arguments that are names, not ids: the one the world's pages ask for.
NAMED = {"dashboard.newer_figures": {"name": "dashboard"}}


def url_of(world: World, endpoint: str) -> str:
    """The address of an endpoint with the world's real ids."""
    rule = next(world.app.url_map.iter_rules(endpoint))
    values = {**world.ids, **NAMED.get(endpoint, {})}
    return world.app.url_map.bind("localhost").build(endpoint, {name: values[name] for name in rule.arguments})


def page_urls(world: World, role: str) -> list[str]:
    """Every GET page of the URL map whose parameters the world can fill, with the ids of real objects."""
    adapter = world.app.url_map.bind("localhost")
    person = getattr(world, role, world.mentee)
    with world.app.app_context():
        token = invitations.link_token(world.meeting, world.mentee if role == "anonymous" else person)
    per_endpoint = {"pairing.mentor": {"user_id": world.mentor.id}, "people.show": {"user_id": person.id},
                    "meetings.agenda": {"token": token}, "meetings.feedback": {"token": token}, **NAMED}
    urls = []
    for rule in world.app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "vendor.asset"):
            continue
        values = {**world.ids, **per_endpoint.get(rule.endpoint, {})}
        if rule.arguments <= values.keys():
            urls.append(adapter.build(rule.endpoint, {name: values[name] for name in rule.arguments}))
    return sorted(set(urls))


@dataclasses.dataclass
class Field:
    name: str
    kind: str  # an input's type, "textarea" or "select"
    value: str
    options: tuple[str, ...] = ()
    maxlength: int | None = None


@dataclasses.dataclass
class Form:
    page: str
    action: str
    fields: list[Field]

    def defaults(self) -> dict:
        """What the page would send untouched: values as shown, checked boxes, selected options."""
        data = {}
        for field in self.fields:
            # A button's value is sent only when that button is the one pressed.
            if field.kind == "button" or (field.kind in ("checkbox", "radio") and field.value is None):
                continue
            data.setdefault(field.name, field.value if field.kind != "select" else (field.value or next(
                iter(field.options), "")))
        return data

    @property
    def key(self) -> str:
        return f"{self.action} ({self.page})"


class FormParser(HTMLParser):
    """The POST forms on a page and their fields; a checkbox's or radio's value is None unless checked."""

    def __init__(self, page: str, html: str):
        super().__init__(convert_charrefs=True)
        self.page, self.forms, self._form, self._field = page, [], None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            action = urljoin(self.page, a.get("action") or self.page)
            self._form = Form(self.page, urlsplit(action).path + (f"?{urlsplit(action).query}" if urlsplit(
                action).query else ""), [])
            self.forms.append(self._form)
        elif self._form is None or "name" not in a or "disabled" in a:
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "image", "file"):
            kind = a.get("type", "text")
            checkable = kind in ("checkbox", "radio")
            value = a.get("value", "on" if checkable else "")
            self._form.fields.append(Field(a["name"], kind, value if not checkable or "checked" in a else None,
                                           (value,) if checkable else (), _int(a.get("maxlength"))))
        elif tag == "button" and a.get("value") is not None:
            self._form.fields.append(Field(a["name"], "button", a["value"], (a["value"],)))
        elif tag in ("textarea", "select"):
            self._field = Field(a["name"], tag, "" if tag == "textarea" else None, (), _int(a.get("maxlength")))
            self._form.fields.append(self._field)
        elif tag == "option" and self._field is not None:
            self._field.options += (a.get("value", ""),)
            if "selected" in a:
                self._field.value = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag in ("textarea", "select"):
            self._field = None

    def handle_data(self, data):
        if self._field is not None and self._field.kind == "textarea":
            self._field.value += data


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() else None


def forms_of(world: World, role: str, client: PortalClient) -> list[Form]:
    """The POST forms on every page this role opens, one per action and field set, the ones that end things last."""
    found = {}
    for url in page_urls(world, role):
        response = client.get(url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            response.close()  # a download's stream ends now, not when it is collected
            continue
        for form in FormParser(url, response.get_data(as_text=True)).forms:
            names = tuple(sorted({f.name for f in form.fields} - {"csrf_token"}))
            found.setdefault((form.action, names), form)
    return sorted(found.values(), key=lambda form: (bool(ENDING.search(form.action)), form.action))


class ErrorLog(logging.Handler):
    """Records what is logged at ERROR or above while it is attached to the root logger."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def errors_logged():
    """The ERROR records logged during the test."""
    handler = ErrorLog()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)
