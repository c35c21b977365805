"""A programme with something of every kind a URL names (a match with sessions, feedback, notes and action items, a
request, a survey, a console draft, an exclusion, a follow-up, emails...), six callers to ask as, and the real value of
every URL parameter, for the tests that go over the whole URL map."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from flask import url_for

from portal import mail, progress
from portal.accounts import emails as accounts
from portal.agendas import store as agenda_store
from portal.console import drafts
from portal.console import jobs as console_jobs
from portal.launch import invitations as launch_invitations
from portal.meetings import booking, invitations
from portal.models import (ActionItem, CalendarFeed, DraftPair, Feedback, FollowUp, MatchRequest, Meeting, MeetingNote,
                           OrgPerson, PairingExclusion, Skill, SurveyResponse, utcnow)
from portal.organisation import operations as organisation
from portal.organisation import routes as organisation_routes
from portal.questionnaire import editing
from portal.surveys import operations as surveys
from portal.surveys import schedule as survey_emails
from tests.conftest import PortalClient
from tests.console.conftest import MENTEE, MENTOR, give_answers
from tests.meetings.conftest import HOURS

START = dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)  # Wednesday, within the pair's working hours
ROLES = ("anonymous", "mentee", "mentor", "other_mentee", "other_mentor", "admin")
# What only the pair (and, for the answers, admins) may read: the tests look for each on every page a stranger opens.
PRIVATE = {"note": "Private worry about my manager", "went_well": "We untangled the reorg plan",
           "item": "Read the negotiation chapter", "answer": "Quietly hoping for a new team"}


@dataclasses.dataclass
class World:
    """Everything the URL map's parameters name, and who is who."""

    app: object
    people: dict  # role -> User (no entry for anonymous)
    values: dict  # (endpoint, argument) or argument -> the real value to put in the URL
    tokens: dict  # kind of link -> a real token for the pair's mentee

    def url(self, rule) -> str:
        """The rule's address with real values for its arguments; a missing one names itself."""
        arguments = {}
        for name in rule.arguments:
            key = (rule.endpoint, name) if (rule.endpoint, name) in self.values else name
            assert key in self.values, f"the world makes no {name!r} for {rule.endpoint}: add it to world.py"
            arguments[name] = self.values[key]
        with self.app.test_request_context():
            return url_for(rule.endpoint, **arguments)

    def client(self, role: str) -> PortalClient:
        """A browser of its own, logged in as the role's person (none for anonymous)."""
        client = PortalClient(self.app.test_client())
        if role != "anonymous":
            client.login(self.people[role].email)
        return client


@pytest.fixture
def world(app, program, create_user, admin, within, frozen) -> World:
    """Mia mentors Leo (one session past with feedback, notes and an item, one to come); Sam and Noor are a mentee
    and a mentor outside the pair, Sam asking Mia for a place; a survey went out; a console draft proposes Sam and
    Noor; a follow-up, an exclusion, a skill, a question and a customised agenda exist."""
    # First: a new question reopens everyone's questionnaire, and the directory shows only finished ones.
    question = editing.add_question(program, {"prompt": "Favourite tea?", "kind": "text", "audience": "both"}, admin)
    mentor = create_user("mia@example.org", roles=("mentor",), name="Mia Mentor")
    mentee = create_user("leo@example.org", roles=("mentee",), name="Leo Mentee")
    other_mentee = create_user("sam@example.org", roles=("mentee",), name="Sam Stranger")
    other_mentor = create_user("noor@example.org", roles=("mentor",), name="Noor Outsider")
    give_answers(program, mentor, "mentor", {**HOURS, **_without_place(MENTOR), "strengths": ["Python"],
                                             "capacity": "2"}, capacity=2)
    give_answers(program, mentee, "mentee", {**HOURS, **_without_place(MENTEE), "grow": ["Python"],
                                             "goals_6m": PRIVATE["answer"]})
    give_answers(program, other_mentee, "mentee", {**MENTEE, "grow": ["Python"]})
    give_answers(program, other_mentor, "mentor", {**MENTOR, "strengths": ["Python"], "capacity": "1"}, capacity=1)
    from portal.models import Match

    match = Match.create(program=program, mentor=mentor, mentee=mentee, made_by="admin")
    with within():
        upcoming = booking.book(match, mentor, START, START + dt.timedelta(hours=1), location_kind="virtual",
                                location="https://meet.example.org/abc")
        draft = drafts.run(program, admin)
    past = Meeting.create(match=match, organizer=mentor, number=0, agenda=upcoming.agenda, uid="past-session@test",
                          starts_at=utcnow() - dt.timedelta(days=3), ends_at=utcnow() - dt.timedelta(days=3, hours=-1))
    feedback = Feedback.create(meeting=past, user=mentee, rating=2, fit=2, went_well=PRIVATE["went_well"])
    MeetingNote.create(meeting=past, user=mentee, body=PRIVATE["note"])
    item = ActionItem.create(match=match, meeting=past, author=mentee, text=PRIVATE["item"])
    request = MatchRequest.create(program=program, mentee=other_mentee, mentor=mentor,
                                  expires_at=utcnow() + dt.timedelta(days=5))
    follow_up = FollowUp.create(program=program, match=match, user=mentee, reason="low_rating",
                                source=f"feedback:{feedback.id}:rating")
    exclusion = PairingExclusion.create(program=program, mentee=other_mentee, mentor=mentor, created_by=admin)
    skill = Skill.create(name="Stakeholder juggling")
    agenda_store.customise(program)
    feed = CalendarFeed.create(user=mentee, secret="feed-secret-0123456789abcdefghijklmn")
    with within():
        survey = surveys.survey_for(program, "midpoint")
        survey_emails.send_survey(survey)
        SurveyResponse.create(survey=survey, user=mentee, role="mentee", answers={"notes": PRIVATE["answer"]},
                              rating=4)
        email = mail.send(mentee.email, "Welcome", "Hello Leo.", "<p>Hello Leo.</p>")
        upload = organisation.check_file(io.BytesIO(b"name,email\nAda Import,ada@example.org\n"), "people.csv", admin)
        upload_token = organisation_routes.token_for(upload)
        invited = OrgPerson.create(email="ivy@example.org", name="Ivy Invited", job_title="Engineer")
        unsubscribe_token = launch_invitations.unsubscribe_token(invited)
        tokens = {"meeting": invitations.link_token(past, mentee), "reset": accounts.reset_token(mentee),
                  "confirm": accounts.confirm_token(mentee),
                  "survey": surveys.make_link(survey, mentee).rsplit("/", 1)[1], "feed": feed.secret}
    pair = DraftPair.get(DraftPair.draft == draft)
    job = progress.start(program, console_jobs.WEIGHTS, admin)  # a preview waiting for the worker
    values = {
        "job_id": job.id,
        "match_id": match.id, "meeting_id": upcoming.id, "item_id": item.id, "request_id": request.id,
        "mentor_id": other_mentor.id, "survey_id": survey.id, "agenda_id": agenda_store.rows(program)[0].id,
        "question_id": question.id, "email_id": email.id, "follow_up_id": follow_up.id, "pair_id": pair.id,
        "exclusion_id": exclusion.id, "skill_id": skill.id, "kind": "midpoint", "phase": "pairing",
        "secret": feed.secret, "filename": "portal.css", "name": "htmx.min.js", "user_id": mentee.id,
        "export": "feedback",
        ("dashboard.newer_figures", "name"): "dashboard",
        ("pairing.mentor", "user_id"): other_mentor.id,  # a mentor with room: the directory shows them
        ("resources.agenda", "slug"): upcoming.agenda, ("resources.handbook", "slug"): "being-a-great-mentee",
        ("meetings.agenda", "token"): tokens["meeting"], ("meetings.feedback", "token"): tokens["meeting"],
        ("meetings.add_linked_item", "token"): tokens["meeting"],
        ("meetings.tick_linked_item", "token"): tokens["meeting"],
        ("meetings.save_linked_note", "token"): tokens["meeting"],
        ("surveys.answer_link", "token"): tokens["survey"], ("accounts.reset_password", "token"): tokens["reset"],
        ("accounts.confirm_email", "token"): tokens["confirm"],
        ("organisation.show", "token"): upload_token, ("organisation.confirm", "token"): upload_token,
        ("launch.unsubscribe", "token"): unsubscribe_token, ("launch.confirm_unsubscribe", "token"): unsubscribe_token,
        "number": 1,
    }
    for endpoint in ("console.mentee", "console.add_to_draft", "console.exclude", "console.fit", "console.match_now"):
        values[(endpoint, "user_id")] = other_mentee.id  # the console works on people still to pair
    people = {"mentee": mentee, "mentor": mentor, "other_mentee": other_mentee, "other_mentor": other_mentor,
              "admin": admin}
    return World(app=app, people=people, values=values, tokens=tokens)


def _without_place(answers: dict) -> dict:
    """The console's sample answers without the keys the pair's own working hours set."""
    return {key: value for key, value in answers.items() if key not in HOURS}
