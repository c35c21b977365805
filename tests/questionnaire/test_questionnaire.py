"""The registration questionnaire through the pages: register, answer, see the profile; validation and privacy."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from urllib.parse import urlparse

import pytest

from portal.models import Answer, Email, Match, Participant, Program, Question, User
from portal.programme import phases
from portal.programme.operations import today
from portal.questionnaire.operations import answers_of, save_answers
from tests.conftest import PASSWORD, PortalClient, link_in
from tests.page import Page

# What a participant types, by question key; working hours are (from, to).
ANSWERS = {
    "role_title": "Junior Data Analyst",
    "department": "Data & Analytics",
    "seniority": "Individual contributor",
    "goals_6m": "Present my analysis to the leadership team with confidence.",
    "goals_long": "Lead a small analytics team.",
    "goals_achieved": "Moved from engineering into product; led a team through a reorganisation.",
    "strengths": "presenting, Roadmapping",
    "grow": "py, stakeholder mgmt, Kubernetes",
    "location": "Virtual",
    "timezone": "Europe/Lisbon",
    "working_hours": ("09:00", "17:30"),
    "capacity": "2",
}


# --- fixtures and helpers ------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def registration_open(program):
    """Mentor and mentee registration open today: pairing starts in a week."""
    for name, value in phases.suggested_dates(today() + dt.timedelta(days=7), 6).__dict__.items():
        setattr(program, name, value)
    program.save()
    return program


@pytest.fixture
def new_client(app):
    """Another browser: its own cookies and session."""
    return lambda: PortalClient(app.test_client())


def question(key: str) -> Question:
    return Question.get(Question.program == Program.current(), Question.key == key)


def asked_of(roles) -> list[Question]:
    query = Question.select().where(Question.program == Program.current(), Question.active)
    return [q for q in query.order_by(Question.position, Question.id) if q.audience == "both" or q.audience in roles]


def answer_form(roles, **changes) -> dict:
    """Form data answering every question asked of these roles; `changes` by key replace or (None) blank an answer."""
    answers = {**ANSWERS, **changes}
    data = {}
    for q in asked_of(roles):
        value = answers.get(q.key) if q.key else changes.get(f"q{q.id}")
        if value is None:
            continue
        if q.kind == "working_hours":
            data[f"q{q.id}-start"], data[f"q{q.id}-end"] = value
        else:
            data[f"q{q.id}"] = value
    return data


def register(client, email: str, role: str, name: str = "Jamie Rivera"):
    response = client.submit("/register", {"name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD,
                                           "role": role, "timezone": "UTC"})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    # The emailed link confirms the address and logs the new account in.
    sent = Email.select().where(Email.to_address == email).order_by(Email.id.desc()).first()
    confirmed = client.get(urlparse(link_in(sent.text_body, "/register/confirm/")).path)
    assert confirmed.status_code == 302, confirmed.get_data(as_text=True)[:3000]
    return User.get(User.email == email)


def stored(user, key: str):
    answer = Answer.get_or_none(Answer.user == user, Answer.question == question(key))
    return answer.value if answer else None


def participant(user, role: str) -> Participant:
    return Participant.get(Participant.user == user, Participant.role == role)


def sections(html: str, heading_prefix: str) -> dict[str, str]:
    """Section heading -> the section's text, for <h2 id="{prefix}-N">."""
    found = re.findall(rf'<h2 id="{heading_prefix}-\d+">(.*?)</h2>(.*?)</section>', html, re.S)
    return {title: htmllib.unescape(re.sub(r"<[^>]+>", " ", body)) for title, body in found}


# --- a mentee, start to finish -----------------------------------------------------------------------------------


@pytest.fixture
def mentee(client):
    """A mentee who registered through the page and answered every question."""
    user = register(client, "jamie@example.org", "mentee")
    response = client.submit("/questionnaire", answer_form(["mentee"]))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith("/profile")
    return user


def test_registering_leads_to_a_questionnaire_for_mentees(client):
    register(client, "jamie@example.org", "mentee")
    html = client.get("/questionnaire").get_data(as_text=True)
    assert list(sections(html, "section")) == ["About you", "As a mentee"]
    assert "What do you want to achieve in the next 6 months?" in html
    assert "Which strengths could you mentor someone on?" not in html


def test_mentee_profile_shows_every_answer_grouped(client, mentee):
    html = client.get(f"/people/{mentee.id}").get_data(as_text=True)
    groups = sections(html, "profile")
    assert list(groups) == ["About", "As a mentee"]
    about, as_mentee = groups["About"], groups["As a mentee"]
    for text in ("Junior Data Analyst", "Data & Analytics", "Individual contributor", "Virtual", "Europe/Lisbon",
                 "09:00–17:30"):
        assert text in about
    for text in ("Present my analysis to the leadership team with confidence.", "Lead a small analytics team.",
                 "Python", "Stakeholder management", "Kubernetes"):
        assert text in as_mentee
    assert "What is your job title?" in about and "Which skills do you want to grow?" in as_mentee


def test_saving_the_questionnaire_thanks_the_participant(client, mentee):
    html = client.get("/profile", follow_redirects=True).get_data(as_text=True)
    assert "Your answers are saved." in html
    assert "required answer" not in html


def test_skills_are_normalised_through_aliases(mentee):
    assert stored(mentee, "grow") == ["Python", "Stakeholder management", "Kubernetes"]


def test_completing_the_questionnaire_makes_the_mentee_ready(mentee):
    record = participant(mentee, "mentee")
    assert record.status == "ready"
    assert record.questionnaire_completed_at is not None


def test_time_zone_answer_becomes_the_users_time_zone(mentee):
    assert User.get_by_id(mentee.id).timezone == "Europe/Lisbon"


def test_answers_are_stored_as_typed(mentee):
    assert stored(mentee, "role_title") == "Junior Data Analyst"
    assert stored(mentee, "department") == "Data & Analytics"
    assert stored(mentee, "working_hours") == {"start": "09:00", "end": "17:30"}
    assert stored(mentee, "goals_achieved") is None  # a mentor question, never asked


def test_questionnaire_shows_saved_answers_for_editing(client, mentee):
    page = Page(client.get("/questionnaire").get_data(as_text=True))
    assert page.values[f"q{question('role_title').id}"] == "Junior Data Analyst"
    assert page.values[f"q{question('grow').id}"] == "Python, Stakeholder management, Kubernetes"
    assert page.values[f"q{question('goals_6m').id}"] == ANSWERS["goals_6m"]
    assert page.values[f"q{question('working_hours').id}-start"] == "09:00"
    assert page.checked[f"q{question('location').id}"] == ["Virtual"]


def test_answers_read_in_a_request_are_read_again_after_a_write(app, mentee):
    """Pages read someone's answers once per request; a save in the same request is seen at once."""
    program, role_title = Program.current(), question("role_title")
    with app.test_request_context():
        assert answers_of(mentee, program)[role_title.id] == "Junior Data Analyst"
        save_answers(mentee, program, [role_title], {role_title.id: "Data Analyst"})
        assert answers_of(mentee, program)[role_title.id] == "Data Analyst"
        answers_of(mentee, program)[role_title.id] = "changed by a caller"
        assert answers_of(mentee, program)[role_title.id] == "Data Analyst"


def test_the_time_zone_list_marks_each_persons_own_zone(client, mentee, new_client):
    """The zone options are drawn once per process: which one is chosen still differs from person to person."""
    zone = f"q{question('timezone').id}"
    mine = client.get("/questionnaire").get_data(as_text=True)
    assert Page(mine).values[zone] == "Europe/Lisbon"
    assert mine.count('selected value="Europe/Lisbon"') == 1
    other = new_client()
    register(other, "lena@example.org", "mentee", name="Lena Other")
    theirs = other.get("/questionnaire").get_data(as_text=True)
    assert Page(theirs).values[zone] is None  # nothing answered yet: the browser shows the first zone, UTC
    assert '<option value="Europe/Lisbon">Europe/Lisbon</option>' in theirs


# --- someone who is both mentor and mentee ---------------------------------------------------------------------


@pytest.fixture
def both(client):
    user = register(client, "sam@example.org", "both", name="Sam Both")
    response = client.submit("/questionnaire", answer_form(["mentor", "mentee"]))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return user


def test_both_roles_are_asked_every_section(client):
    register(client, "sam@example.org", "both")
    html = client.get("/questionnaire").get_data(as_text=True)
    assert list(sections(html, "section")) == ["About you", "As a mentee", "As a mentor"]


def test_both_profile_shows_mentor_answers_in_their_own_group(client, both):
    groups = sections(client.get(f"/people/{both.id}").get_data(as_text=True), "profile")
    assert list(groups) == ["About", "As a mentee", "As a mentor"]
    assert "Moved from engineering into product" in groups["As a mentor"]
    assert "Public speaking" in groups["As a mentor"] and "Roadmapping" in groups["As a mentor"]
    assert "Moved from engineering into product" not in groups["As a mentee"]


def test_both_roles_become_ready(both):
    for role in ("mentor", "mentee"):
        record = participant(both, role)
        assert record.status == "ready"
        assert record.questionnaire_completed_at is not None


def test_mentor_capacity_is_copied_to_the_mentor_participation(both):
    assert participant(both, "mentor").capacity == 2
    assert participant(both, "mentee").capacity is None


def test_mentor_strengths_are_normalised_through_aliases(both):
    assert stored(both, "strengths") == ["Public speaking", "Roadmapping"]


# --- validation ------------------------------------------------------------------------------------------------


@pytest.fixture
def newcomer(client):
    return register(client, "jamie@example.org", "mentee")


def post_answers(client, roles=("mentee",), **changes):
    response = client.submit("/questionnaire", answer_form(list(roles), **changes))
    return response, Page(response.get_data(as_text=True))


def test_missing_required_answers_are_marked_on_each_field(client, newcomer):
    response = client.submit("/questionnaire", {})
    page = Page(response.get_data(as_text=True))
    assert response.status_code == 400
    for key in ("role_title", "department", "goals_6m", "location", "timezone"):
        assert page.errors[f"q{question(key).id}"] == "Please answer this question.", key
    assert page.errors[f"q{question('grow').id}"] == "Name at least one skill."
    assert page.errors[f"q{question('working_hours').id}-start"] == "Enter a start time."
    assert page.errors[f"q{question('working_hours').id}-end"] == "Enter an end time."


def test_missing_required_answers_leave_optional_questions_unmarked(client, newcomer):
    page = Page(client.submit("/questionnaire", {}).get_data(as_text=True))
    assert f"q{question('seniority').id}" not in page.errors
    assert f"q{question('goals_long').id}" not in page.errors


def test_an_invalid_questionnaire_saves_nothing(client, newcomer):
    response, _ = post_answers(client, role_title=None)
    assert response.status_code == 400
    assert Answer.select().where(Answer.user == newcomer).count() == 0
    assert participant(newcomer, "mentee").status == "registered"


def test_text_typed_into_a_paragraph_is_kept_when_another_answer_is_missing(client, newcomer):
    typed = 'Get better at "saying no" <politely> & stop over-committing.'
    response, page = post_answers(client, role_title=None, goals_6m=typed)
    assert response.status_code == 400
    assert page.values[f"q{question('goals_6m').id}"] == typed
    assert page.errors[f"q{question('role_title').id}"] == "Please answer this question."
    assert "Some answers need another look" in response.get_data(as_text=True)


def test_a_text_answer_over_200_characters_is_refused_and_kept(client, newcomer):
    response, page = post_answers(client, role_title="x" * 201)
    assert response.status_code == 400
    assert "200" in page.errors[f"q{question('role_title').id}"]
    assert page.values[f"q{question('role_title').id}"] == "x" * 201


def test_more_than_twelve_skills_are_refused_and_the_text_kept(client, newcomer):
    typed = ", ".join(f"Skill {n}" for n in range(13))
    response, page = post_answers(client, grow=typed)
    assert response.status_code == 400
    assert page.errors[f"q{question('grow').id}"] == "Name at most 12 skills: pick the ones that matter most."
    assert page.values[f"q{question('grow').id}"] == typed


def test_twelve_skills_are_accepted(client, newcomer):
    response, _ = post_answers(client, grow=", ".join(f"Skill {n}" for n in range(12)))
    assert response.status_code == 302
    assert len(stored(newcomer, "grow")) == 12


def test_a_skill_over_sixty_characters_is_refused_and_the_text_kept(client, newcomer):
    typed = "Python, " + "a" * 61
    response, page = post_answers(client, grow=typed)
    assert response.status_code == 400
    assert "under 60 characters" in page.errors[f"q{question('grow').id}"]
    assert page.values[f"q{question('grow').id}"] == typed


def test_working_hours_ending_before_they_start_are_refused_and_kept(client, newcomer):
    response, page = post_answers(client, working_hours=("17:00", "09:00"))
    hours = f"q{question('working_hours').id}"
    assert response.status_code == 400
    assert page.errors[f"{hours}-end"] == "The end must be at least an hour after the start."
    assert (page.values[f"{hours}-start"], page.values[f"{hours}-end"]) == ("17:00", "09:00")


def test_a_choice_not_among_the_options_is_refused(client, newcomer):
    response, page = post_answers(client, location="On the moon")
    assert response.status_code == 400
    assert page.errors[f"q{question('location').id}"] == "Not a valid choice."


def test_a_dropdown_choice_not_among_the_options_is_refused(client, newcomer):
    response, page = post_answers(client, department="Astronauts")
    assert response.status_code == 400
    assert page.errors[f"q{question('department').id}"] == "Not a valid choice."


def test_a_capacity_not_among_the_options_is_refused(client):
    register(client, "mentor@example.org", "mentor")
    response, page = post_answers(client, roles=("mentor",), capacity="5")
    assert response.status_code == 400
    assert page.errors[f"q{question('capacity').id}"] == "Not a valid choice."


def test_an_unknown_time_zone_is_refused(client, newcomer):
    response, page = post_answers(client, timezone="Mars/Olympus_Mons")
    assert response.status_code == 400
    assert page.errors[f"q{question('timezone').id}"] == "Not a valid choice."
    assert User.get_by_id(newcomer.id).timezone == "UTC"


def test_optional_questions_can_be_left_blank(client, newcomer):
    response, _ = post_answers(client, seniority=None, goals_long=None)
    assert response.status_code == 302
    assert stored(newcomer, "seniority") is None and stored(newcomer, "goals_long") is None
    assert participant(newcomer, "mentee").status == "ready"


def test_blanking_an_optional_answer_removes_it(client, newcomer):
    post_answers(client)
    response, _ = post_answers(client, goals_long="")
    assert response.status_code == 302
    assert stored(newcomer, "goals_long") is None


def test_leaving_a_required_answer_out_keeps_the_mentee_registered(client, newcomer):
    response, _ = post_answers(client, grow="")
    assert response.status_code == 400
    assert participant(newcomer, "mentee").questionnaire_completed_at is None


# --- questions an admin added -----------------------------------------------------------------------------------


def custom_question(prompt, kind, options=(), required=True, audience="both") -> Question:
    program = Program.current()
    return Question.create(program=program, prompt=prompt, kind=kind, audience=audience, required=required,
                           options=list(options), position=100)


def test_an_optional_single_choice_question_refuses_a_value_not_among_its_options(client, newcomer):
    lunch = custom_question("Lunch or coffee?", "choice", ["Lunch", "Coffee"], required=False)
    response, page = post_answers(client, **{f"q{lunch.id}": "Dinner"})
    assert response.status_code == 400
    assert page.errors[f"q{lunch.id}"] == "Not a valid choice."
    assert Answer.get_or_none(Answer.question == lunch) is None


def test_an_optional_single_choice_question_can_be_left_blank(client, newcomer):
    lunch = custom_question("Lunch or coffee?", "choice", ["Lunch", "Coffee"], required=False)
    response, _ = post_answers(client)
    assert response.status_code == 302
    assert Answer.get_or_none(Answer.question == lunch) is None


def test_a_multiple_choice_answer_not_among_the_options_is_refused(client, newcomer):
    langs = custom_question("Languages you speak?", "multi_choice", ["English", "German", "French"])
    response, page = post_answers(client, **{f"q{langs.id}": ["English", "Klingon"]})
    assert response.status_code == 400
    assert f"q{langs.id}" in page.errors
    assert page.checked[f"q{langs.id}"] == ["English"]


def test_a_required_multiple_choice_question_needs_a_choice(client, newcomer):
    langs = custom_question("Languages you speak?", "multi_choice", ["English", "German", "French"])
    response, page = post_answers(client)
    assert response.status_code == 400
    assert page.errors[f"q{langs.id}"] == "Choose at least one."


def test_multiple_choices_are_stored_and_shown(client, newcomer):
    langs = custom_question("Languages you speak?", "multi_choice", ["English", "German", "French"])
    response, _ = post_answers(client, **{f"q{langs.id}": ["English", "French"]})
    assert response.status_code == 302
    assert Answer.get(Answer.question == langs).value == ["English", "French"]
    assert "English, French" in client.get(f"/people/{newcomer.id}").get_data(as_text=True)


# --- who sees the answers ---------------------------------------------------------------------------------------


def test_another_participant_gets_not_found_for_a_profile(mentee, new_client, create_user):
    create_user("nosy@example.org")
    nosy = new_client()
    nosy.login("nosy@example.org")
    assert nosy.get(f"/people/{mentee.id}").status_code == 404


def test_a_missing_person_gets_the_same_not_found(client, mentee):
    assert client.get("/people/999999").status_code == 404


def test_a_matched_mentor_sees_the_mentees_answers(mentee, new_client, create_user):
    mentor = create_user("mentor@example.org", roles=("mentor",))
    Match.create(program=Program.current(), mentor=mentor, mentee=mentee)
    viewer = new_client()
    viewer.login("mentor@example.org")
    response = viewer.get(f"/people/{mentee.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Present my analysis to the leadership team with confidence." in html
    assert "jamie@example.org" not in html  # the address is shown to its owner only


def test_a_mentor_matched_with_someone_else_gets_not_found(mentee, new_client, create_user):
    mentor = create_user("mentor@example.org", roles=("mentor",))
    other = create_user("other.mentee@example.org")
    Match.create(program=Program.current(), mentor=mentor, mentee=other)
    viewer = new_client()
    viewer.login("mentor@example.org")
    assert viewer.get(f"/people/{mentee.id}").status_code == 404


def test_an_admin_sees_a_participants_answers(mentee, new_client, admin):
    viewer = new_client()
    viewer.login(admin.email)
    response = viewer.get(f"/people/{mentee.id}")
    assert response.status_code == 200
    assert "Junior Data Analyst" in response.get_data(as_text=True)


def test_an_anonymous_visitor_is_sent_to_log_in(mentee, new_client):
    response = new_client().get(f"/people/{mentee.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# --- skill suggestions (htmx) -----------------------------------------------------------------------------------


def suggestions(client, text: str) -> list[str]:
    field = f"q{question('grow').id}"
    response = client.get("/skills/suggest", query_string={"field": field, field: text}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return re.findall(r'data-skill-suggestion="([^"]+)"', response.get_data(as_text=True))


def test_a_typo_gets_vocabulary_suggestions(client, newcomer):
    assert "Python" in suggestions(client, "pyhton")


def test_suggestions_follow_the_last_skill_typed(client, newcomer):
    assert "Public speaking" in suggestions(client, "Python, pubic speak")


def test_a_one_letter_term_gets_no_suggestions(client, newcomer):
    assert suggestions(client, "p") == []


def test_a_skill_already_chosen_is_not_suggested_again(client, newcomer):
    assert "Python" not in suggestions(client, "Python, pyth")


def test_suggestions_need_a_login(new_client):
    assert new_client().get("/skills/suggest?field=q1&q1=pyhton").status_code == 302


# --- a new required question ------------------------------------------------------------------------------------


@pytest.fixture
def admin_adds_required_question(new_client, admin):
    def add(audience="both"):
        editor = new_client()
        editor.login(admin.email)
        response = editor.submit("/admin/questionnaire/new", {
            "prompt": "Which languages do you speak?", "kind": "text", "audience": audience,
            "required": "y", "weight": "0", "options": "",
        })
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        return Question.get(Question.prompt == "Which languages do you speak?")

    return add


def test_a_new_required_question_makes_a_complete_mentee_incomplete(mentee, admin_adds_required_question):
    admin_adds_required_question()
    record = participant(mentee, "mentee")
    assert record.status == "registered"
    assert record.questionnaire_completed_at is None


def test_a_new_required_question_is_shown_as_missing_on_the_profile(client, mentee, admin_adds_required_question):
    admin_adds_required_question()
    assert "1 required answer still missing." in client.get(f"/people/{mentee.id}").get_data(as_text=True)


def test_answering_the_new_required_question_makes_the_mentee_ready_again(
    client, mentee, admin_adds_required_question
):
    languages = admin_adds_required_question()
    response, _ = post_answers(client, **{f"q{languages.id}": "English, Portuguese"})
    assert response.status_code == 302
    assert participant(mentee, "mentee").status == "ready"


def test_a_new_required_question_for_mentors_leaves_a_mentee_complete(mentee, admin_adds_required_question):
    admin_adds_required_question(audience="mentor")
    assert participant(mentee, "mentee").status == "ready"


def test_required_text_of_only_spaces_is_no_answer(client, create_user, program):
    create_user("spaces@example.org")
    client.login("spaces@example.org")
    title = Question.get(Question.program == program, Question.key == "role_title")
    response = client.submit("/questionnaire", {f"q{title.id}": "   "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="q{title.id}-error"' in html


def test_optional_working_hours_need_both_times_or_neither(client, create_user, program, db):
    hours = Question.get(Question.program == program, Question.key == "working_hours")
    hours.required = False
    hours.save()
    create_user("half@example.org")
    client.login("half@example.org")
    response = client.submit("/questionnaire", {f"q{hours.id}-start": "09:00"})
    assert response.status_code == 400
    assert "Enter both times, or leave both empty." in response.get_data(as_text=True)


# --- typed skills read against the vocabulary --------------------------------------------------------------------


def test_typod_skills_are_saved_as_the_vocabularys_names_and_the_person_is_told(client, newcomer):
    response, _ = post_answers(client, grow="pyhton, stakeholdr mgmt, Leadershp, underwater basket weaving")

    assert response.status_code == 302
    assert stored(newcomer, "grow") == ["Python", "Stakeholder management", "Leadership", "underwater basket weaving"]
    text = htmllib.unescape(re.sub(r"\s+", " ", client.get("/profile", follow_redirects=True).get_data(as_text=True)))
    assert "“pyhton” → Python" in text and "“stakeholdr mgmt” → Stakeholder management" in text
    assert "“Leadershp” → Leadership" in text
    assert "Kept as you typed it, as the vocabulary does not know it: “underwater basket weaving”" in text


def test_a_skill_name_cut_short_is_read_as_the_one_skill_it_begins(client, newcomer):
    post_answers(client, grow="public speak, project man, data")

    assert stored(newcomer, "grow") == ["Public speaking", "Project management", "data"]


def test_skills_typed_as_named_bring_no_note(client, newcomer):
    post_answers(client, grow="Python, Public speaking")

    text = htmllib.unescape(client.get("/profile", follow_redirects=True).get_data(as_text=True))
    assert "We read your skills" not in text and "Kept as you typed" not in text


@pytest.mark.parametrize(("typed", "kept"), [("jav", "jav"), ("gardening", "gardening")])
def test_short_or_distant_words_are_not_forced_onto_a_skill(client, newcomer, typed, kept):
    post_answers(client, grow=f"Python, {typed}")

    assert stored(newcomer, "grow") == ["Python", kept]
