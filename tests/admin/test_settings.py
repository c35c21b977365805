"""Admin pages: programme settings, phases by hand, the questionnaire editor, the audit log and people list."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from portal.models import Answer, AuditLog, Participant, Program, Question
from portal.programme import phases
from tests.conftest import PortalClient
from tests.page import Page

D = dt.date
DATES = phases.PhaseDates(
    mentor_registration_opens=D(2031, 2, 10),
    mentee_registration_opens=D(2031, 2, 17),
    pairing_opens=D(2031, 3, 3),
    pairing_closes=D(2031, 3, 17),
    midpoint=D(2031, 6, 3),
    ends=D(2031, 9, 3),
)


# --- fixtures and helpers ------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def known_programme(program):
    """The programme with known name, size and dates."""
    program.name = "Mentoring Programme"
    program.organisation_size = 500
    for name, value in DATES.__dict__.items():
        setattr(program, name, value)
    program.phase_overrides = {}
    program.save()
    return program


@pytest.fixture
def admin_client(client, admin):
    client.login(admin.email)
    return client


@pytest.fixture
def new_client(app):
    return lambda: PortalClient(app.test_client())


def current() -> Program:
    return Program.current()


def audit(action: str) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id))


def programme_form(**changes) -> dict:
    """The programme form as it is filled in for the known programme, with `changes`."""
    data = {"name": "Mentoring Programme", "organisation_size": "500", "length_months": "",
            **{name: value.isoformat() for name, value in DATES.__dict__.items()}, "action": "save"}
    return {**data, **changes}


def save_programme(client, **changes):
    response = client.submit("/admin/settings/programme", programme_form(**changes), page="/admin/settings")
    return response, Page(response.get_data(as_text=True))


# --- who may open the settings ---------------------------------------------------------------------------------


def test_settings_are_forbidden_to_a_mentee(client, create_user):
    create_user("mentee@example.org")
    client.login("mentee@example.org")
    assert client.get("/admin/settings").status_code == 403


def test_settings_send_an_anonymous_visitor_to_log_in(client):
    response = client.get("/admin/settings")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_saving_settings_is_forbidden_to_a_mentee(client, create_user):
    create_user("mentee@example.org")
    client.login("mentee@example.org")
    response = client.submit("/admin/settings/programme", programme_form(name="Hijacked"), page="/")
    assert response.status_code == 403
    assert current().name == "Mentoring Programme"


def test_settings_show_the_programme_and_its_phases(admin_client):
    response = admin_client.get("/admin/settings")
    page = Page(response.get_data(as_text=True))
    assert response.status_code == 200
    assert page.values["name"] == "Mentoring Programme"
    assert page.values["pairing_opens"] == "2031-03-03"
    for label in phases.LABELS.values():
        assert label in response.get_data(as_text=True)


# --- saving the programme ----------------------------------------------------------------------------------------


def test_saving_valid_settings_changes_the_programme(admin_client):
    response, _ = save_programme(admin_client, name="Spring Mentoring 2031", organisation_size="1200",
                                 ends="2031-10-03")
    assert response.status_code == 302
    program = current()
    assert (program.name, program.organisation_size, program.ends) == ("Spring Mentoring 2031", 1200, D(2031, 10, 3))
    assert program.length_months == 7


def test_saving_valid_settings_is_audited_with_the_changes(admin_client, admin):
    save_programme(admin_client, name="Spring Mentoring 2031", organisation_size="1200")
    [entry] = audit("programme.update")
    assert entry.actor_id == admin.id
    assert entry.details == {"changes": {"name": ["Mentoring Programme", "Spring Mentoring 2031"],
                                         "organisation_size": ["500", "1200"]}}


def test_saving_unchanged_settings_writes_no_audit_entry(admin_client):
    response, _ = save_programme(admin_client)
    assert response.status_code == 302
    assert audit("programme.update") == []
    assert "Nothing changed." in admin_client.get("/admin/settings").get_data(as_text=True)


def assert_nothing_changed():
    program = current()
    assert program.name == "Mentoring Programme"
    assert program.organisation_size == 500
    assert phases.PhaseDates(**{n: getattr(program, n) for n in DATES.__dict__}) == DATES
    assert audit("programme.update") == []


def test_an_empty_name_is_refused_and_the_rest_kept(admin_client):
    response, page = save_programme(admin_client, name="", organisation_size="750")
    assert response.status_code == 400
    assert page.errors["name"] == "Give the programme a name."
    assert page.values["organisation_size"] == "750"
    assert_nothing_changed()


def test_a_name_of_only_spaces_is_refused(admin_client):
    response, page = save_programme(admin_client, name="   ")
    assert response.status_code == 400
    assert page.errors["name"] == "Give the programme a name."
    assert_nothing_changed()


def test_an_organisation_of_zero_people_is_refused(admin_client):
    response, page = save_programme(admin_client, organisation_size="0", name="Typed name")
    assert response.status_code == 400
    assert page.errors["organisation_size"] == "Between 1 and 1,000,000."
    assert (page.values["organisation_size"], page.values["name"]) == ("0", "Typed name")
    assert_nothing_changed()


def test_an_organisation_size_that_is_not_a_number_is_refused_and_kept(admin_client):
    response, page = save_programme(admin_client, organisation_size="abc")
    assert response.status_code == 400
    assert "organisation_size" in page.errors
    assert page.values["organisation_size"] == "abc"
    assert_nothing_changed()


@pytest.mark.parametrize("typed", ["next tuesday", "2031-02-30", "03/03/2031"])
def test_a_date_that_is_not_a_date_is_refused_and_kept(admin_client, typed):
    response, page = save_programme(admin_client, pairing_opens=typed)
    assert response.status_code == 400
    assert page.errors["pairing_opens"] == "Not a valid date value."
    assert page.values["pairing_opens"] == typed
    assert_nothing_changed()


def test_a_missing_date_is_refused(admin_client):
    response, page = save_programme(admin_client, midpoint="")
    assert response.status_code == 400
    assert page.errors["midpoint"] == "Enter a date (YYYY-MM-DD)."
    assert_nothing_changed()


def test_dates_out_of_order_are_refused_on_the_field_that_is_wrong(admin_client):
    response, page = save_programme(admin_client, pairing_closes="2031-03-01", name="Typed name")
    assert response.status_code == 400
    assert page.errors == {"pairing_closes": "Must come after pairing opens."}
    assert (page.values["pairing_closes"], page.values["name"]) == ("2031-03-01", "Typed name")
    assert_nothing_changed()


def test_suggesting_dates_fills_them_in_from_pairing_date_and_length(admin_client):
    response, page = save_programme(admin_client, action="suggest", pairing_opens="2031-04-07", length_months="7",
                                    name="Typed name")
    assert response.status_code == 200
    assert page.values["mentor_registration_opens"] == "2031-03-17"
    assert page.values["mentee_registration_opens"] == "2031-03-24"
    assert page.values["pairing_closes"] == "2031-04-21"
    assert page.values["ends"] == "2031-11-07"
    assert page.values["name"] == "Typed name"
    assert "Dates suggested from the pairing date and length." in response.get_data(as_text=True)


def test_suggesting_dates_saves_nothing(admin_client):
    save_programme(admin_client, action="suggest", pairing_opens="2031-04-07", length_months="7", name="Typed name")
    assert_nothing_changed()


def test_suggesting_dates_needs_a_length(admin_client):
    response, page = save_programme(admin_client, action="suggest", length_months="")
    assert response.status_code == 400
    assert page.errors["length_months"] == "Enter a length to suggest dates."


def test_suggesting_dates_needs_a_length_in_range(admin_client):
    response, page = save_programme(admin_client, action="suggest", length_months="30")
    assert response.status_code == 400
    assert page.errors["length_months"] == "Between 1 and 24 months."
    assert page.values["ends"] == "2031-09-03"


def test_a_short_programme_gets_length_guidance(admin_client):
    save_programme(admin_client, midpoint="2031-04-20", ends="2031-07-03")
    assert "is short: successful programmes usually run 6 to 8 months." in admin_client.get(
        "/admin/settings").get_data(as_text=True)


# --- phases by hand ------------------------------------------------------------------------------------------------


def set_phase(client, phase: str, state: str):
    return client.submit(f"/admin/settings/phases/{phase}", {"state": state}, page="/admin/settings")


def test_opening_a_phase_by_hand_is_saved_and_audited(admin_client, admin):
    response = set_phase(admin_client, "pairing", "open")
    assert response.status_code == 302
    assert current().phase_overrides == {"pairing": True}
    [entry] = audit("programme.phase")
    assert entry.actor_id == admin.id
    assert entry.details == {"phase": "pairing", "before": None, "after": True}


def test_closing_a_phase_by_hand_is_saved_and_audited(admin_client):
    set_phase(admin_client, "mentee_registration", "close")
    assert current().phase_overrides == {"mentee_registration": False}
    assert audit("programme.phase")[-1].details == {"phase": "mentee_registration", "before": None, "after": False}


def test_returning_a_phase_to_its_dates_is_saved_and_audited(admin_client):
    set_phase(admin_client, "pairing", "open")
    set_phase(admin_client, "pairing", "auto")
    assert current().phase_overrides == {}
    assert [e.details for e in audit("programme.phase")] == [
        {"phase": "pairing", "before": None, "after": True},
        {"phase": "pairing", "before": True, "after": None},
    ]


def test_a_phase_set_by_hand_is_marked_on_the_settings_page(admin_client):
    set_phase(admin_client, "pairing", "open")
    html = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "Pairing window opened." in html
    assert "(set by hand)" in html


def test_an_unknown_phase_state_is_refused(admin_client):
    assert set_phase(admin_client, "pairing", "sometimes").status_code == 400
    assert current().phase_overrides == {}
    assert audit("programme.phase") == []


def test_an_unknown_phase_is_not_found(admin_client):
    assert set_phase(admin_client, "holidays", "open").status_code == 404


# --- questionnaire editor ----------------------------------------------------------------------------------------


def question(key: str) -> Question:
    return Question.get(Question.program == current(), Question.key == key)


def question_form(**changes) -> dict:
    data = {"prompt": "Which languages do you speak?", "help_text": "", "kind": "multi_choice",
            "audience": "mentor", "options": "English\nGerman\nPortuguese", "required": "y", "weight": "1.5"}
    return {key: value for key, value in {**data, **changes}.items() if value is not None}


def add_question(client, **changes):
    response = client.submit("/admin/questionnaire/new", question_form(**changes))
    return response, Page(response.get_data(as_text=True))


@pytest.fixture
def participant_client(new_client, create_user):
    """A logged-in participant in the given roles."""

    def make(email: str, roles):
        create_user(email, roles=roles)
        participant = new_client()
        participant.login(email)
        return participant

    return make


def test_the_questionnaire_editor_lists_every_question(admin_client):
    html = admin_client.get("/admin/questionnaire").get_data(as_text=True)
    for q in Question.select().where(Question.program == current()):
        assert q.prompt in html


def test_the_questionnaire_editor_is_forbidden_to_a_mentee(participant_client):
    mentee = participant_client("mentee@example.org", ("mentee",))
    assert mentee.get("/admin/questionnaire").status_code == 403
    assert mentee.get("/admin/questionnaire/new").status_code == 403


def test_adding_a_multiple_choice_question_stores_it_at_the_end(admin_client):
    response, _ = add_question(admin_client)
    assert response.status_code == 302
    added = Question.get(Question.prompt == "Which languages do you speak?")
    assert (added.kind, added.audience) == ("multi_choice", "mentor")
    assert added.options == ["English", "German", "Portuguese"]
    # A custom question is shown to people but never scored, so it carries no weight whatever the form sent.
    assert (added.required, added.weight, added.key, added.active) == (True, 0.0, None, True)
    assert added.position > max(q.position for q in Question.select().where(Question.id != added.id))


def test_a_question_for_mentors_is_asked_of_mentors(admin_client, participant_client):
    add_question(admin_client)
    mentor = participant_client("mentor@example.org", ("mentor",))
    html = mentor.get("/questionnaire").get_data(as_text=True)
    assert "Which languages do you speak?" in html
    assert re.search(r'type="checkbox" value="Portuguese"', html)


def test_a_question_for_mentors_is_not_asked_of_mentees(admin_client, participant_client):
    add_question(admin_client)
    mentee = participant_client("mentee@example.org", ("mentee",))
    assert "Which languages do you speak?" not in mentee.get("/questionnaire").get_data(as_text=True)


def test_adding_a_question_is_audited(admin_client, admin):
    add_question(admin_client)
    [entry] = audit("question.add")
    added = Question.get(Question.prompt == "Which languages do you speak?")
    assert (entry.actor_id, entry.target) == (admin.id, f"question:{added.id}")
    assert entry.details == {"prompt": "Which languages do you speak?"}


def assert_no_question_added():
    assert Question.get_or_none(Question.key.is_null()) is None
    assert audit("question.add") == []


def test_a_choice_question_with_one_option_is_refused_and_kept(admin_client):
    response, page = add_question(admin_client, kind="choice", options="Only one", help_text="Typed help")
    assert response.status_code == 400
    assert page.errors["options"] == "A choice question needs at least two choices."
    assert page.values["options"] == "Only one"
    assert (page.values["prompt"], page.values["help_text"], page.values["kind"]) == (
        "Which languages do you speak?", "Typed help", "choice")
    assert_no_question_added()


def test_a_weight_over_ten_is_refused_and_kept(admin_client):
    seniority = Question.get(Question.key == "seniority")  # matching reads it, so its weight is offered
    url = f"/admin/questionnaire/{seniority.id}"
    shown = Page(admin_client.get(url).get_data(as_text=True)).values
    typed = {name: value for name, value in shown.items() if value is not None and name != "csrf_token"}

    response = admin_client.submit(url, {**typed, "weight": "11"})
    page = Page(response.get_data(as_text=True))

    assert response.status_code == 400
    assert page.errors["weight"] == "Between 0 and 10."
    assert page.values["weight"] == "11"
    assert page.values["prompt"] == seniority.prompt
    assert Question.get_by_id(seniority.id).weight == seniority.weight


def test_an_empty_prompt_is_refused_and_the_rest_kept(admin_client):
    response, page = add_question(admin_client, prompt="", help_text="Typed help")
    assert response.status_code == 400
    assert page.errors["prompt"] == "Write the question."
    assert page.values["options"] == "English\nGerman\nPortuguese"
    assert page.values["help_text"] == "Typed help"
    assert_no_question_added()


def test_a_prompt_of_only_spaces_is_refused(admin_client):
    response, page = add_question(admin_client, prompt="   ")
    assert response.status_code == 400
    assert page.errors["prompt"] == "Write the question."
    assert_no_question_added()


def test_options_of_a_text_question_are_dropped(admin_client):
    add_question(admin_client, kind="text", options="Left over\nfrom before")
    assert Question.get(Question.prompt == "Which languages do you speak?").options == []


def test_editing_a_built_in_question_changes_its_wording(admin_client):
    department = question("department")
    response = admin_client.submit(f"/admin/questionnaire/{department.id}", question_form(
        prompt="Which team are you in?", kind="choice", audience="both", options="Engineering\nProduct",
        required=None, weight="2"))
    assert response.status_code == 302
    edited = Question.get_by_id(department.id)
    assert (edited.prompt, edited.required, edited.weight, edited.options) == (
        "Which team are you in?", False, 2.0, ["Engineering", "Product"])


def test_editing_a_built_in_question_cannot_change_its_kind_or_audience(admin_client):
    department = question("department")
    response = admin_client.submit(f"/admin/questionnaire/{department.id}", question_form(
        prompt="Which team are you in?", kind="paragraph", audience="mentor", options="Engineering\nProduct"))
    assert response.status_code == 302
    edited = Question.get_by_id(department.id)
    assert (edited.kind, edited.audience) == ("choice", "both")
    assert edited.prompt == "Which team are you in?"


def test_editing_capacity_cannot_change_its_options(admin_client):
    capacity = question("capacity")
    admin_client.submit(f"/admin/questionnaire/{capacity.id}", question_form(
        prompt="How many mentees?", kind="text", audience="both", options="1\n2\n3\n4\n5"))
    edited = Question.get_by_id(capacity.id)
    assert (edited.kind, edited.audience, edited.options) == ("choice", "mentor", ["1", "2", "3"])


def test_a_built_in_questions_locked_fields_are_shown_disabled(admin_client):
    html = admin_client.get(f"/admin/questionnaire/{question('capacity').id}").get_data(as_text=True)
    assert re.search(r'<select[^>]*disabled[^>]*id="kind"', html)
    assert re.search(r'<select[^>]*disabled[^>]*id="audience"', html)
    assert re.search(r'<textarea[^>]*disabled[^>]*id="options"', html)


def test_editing_a_question_is_audited_with_the_changes(admin_client, admin):
    department = question("department")
    admin_client.submit(f"/admin/questionnaire/{department.id}", question_form(
        prompt="Which team are you in?", options="\n".join(department.options), required="y", weight="1",
        shown_in_directory="y"))
    [entry] = audit("question.update")
    assert (entry.actor_id, entry.target) == (admin.id, f"question:{department.id}")
    assert entry.details == {"changes": {"prompt": ["Which department are you in?", "Which team are you in?"]}}


def test_an_invalid_edit_is_refused_and_kept(admin_client):
    department = question("department")
    response = admin_client.submit(f"/admin/questionnaire/{department.id}", question_form(
        prompt="Which team are you in?", options="Engineering", weight="11"))
    page = Page(response.get_data(as_text=True))
    assert response.status_code == 400
    assert page.errors["options"] == "A choice question needs at least two choices."
    assert page.errors["weight"] == "Between 0 and 10."
    assert page.values["prompt"] == "Which team are you in?"
    assert Question.get_by_id(department.id).prompt == "Which department are you in?"


def test_an_unknown_question_is_not_found(admin_client):
    assert admin_client.get("/admin/questionnaire/999999").status_code == 404


def move(client, key: str, direction: str):
    return client.submit(f"/admin/questionnaire/{question(key).id}/move", {"direction": direction},
                         page="/admin/questionnaire")


def order_on_questionnaire(client, *keys) -> list[str]:
    """The given questions in the order the questionnaire page shows them."""
    html = client.get("/questionnaire").get_data(as_text=True)
    return sorted(keys, key=lambda k: html.index(f'id="question-{question(k).id}"'))


def test_moving_a_question_up_changes_the_questionnaire_order(admin_client, participant_client):
    mentee = participant_client("mentee@example.org", ("mentee",))
    assert order_on_questionnaire(mentee, "department", "seniority") == ["department", "seniority"]
    response = move(admin_client, "seniority", "up")
    assert response.status_code == 302
    assert order_on_questionnaire(mentee, "department", "seniority") == ["seniority", "department"]


def test_moving_a_question_down_changes_the_questionnaire_order(admin_client, participant_client):
    mentee = participant_client("mentee@example.org", ("mentee",))
    move(admin_client, "role_title", "down")
    assert order_on_questionnaire(mentee, "role_title", "department") == ["department", "role_title"]


def test_moving_a_question_twice_moves_it_two_places(admin_client, participant_client):
    mentee = participant_client("mentee@example.org", ("mentee",))
    move(admin_client, "role_title", "down")
    move(admin_client, "role_title", "down")
    assert order_on_questionnaire(mentee, "role_title", "department", "seniority") == [
        "department", "seniority", "role_title"]


def test_moving_the_first_question_up_changes_nothing(admin_client):
    before = [q.id for q in Question.select().order_by(Question.position, Question.id)]
    move(admin_client, "role_title", "up")
    assert [q.id for q in Question.select().order_by(Question.position, Question.id)] == before


def test_moving_a_question_is_audited(admin_client, admin):
    move(admin_client, "seniority", "up")
    [entry] = audit("question.move")
    assert (entry.actor_id, entry.target, entry.details) == (admin.id, f"question:{question('seniority').id}",
                                                             {"direction": -1})


@pytest.fixture
def answered_custom_question(admin_client, participant_client):
    """A custom text question for everyone, answered by a mentee; returns (question, mentee's client)."""
    add_question(admin_client, kind="text", audience="both", options="", required=None,
                 prompt="What is your favourite book?")
    custom = Question.get(Question.prompt == "What is your favourite book?")
    mentee = participant_client("mentee@example.org", ("mentee",))
    Answer.create(program=current(), user=mentee_user(), question=custom, value="Middlemarch")
    return custom, mentee


def mentee_user():
    return Participant.get(Participant.role == "mentee").user


def archive(client, question_id: int, active: str = "0"):
    return client.submit(f"/admin/questionnaire/{question_id}/active", {"active": active},
                         page="/admin/questionnaire")


def test_archiving_a_custom_question_hides_it_from_the_questionnaire(admin_client, answered_custom_question):
    custom, mentee = answered_custom_question
    assert "What is your favourite book?" in mentee.get("/questionnaire").get_data(as_text=True)
    response = archive(admin_client, custom.id)
    assert response.status_code == 302
    assert "What is your favourite book?" not in mentee.get("/questionnaire").get_data(as_text=True)


def test_archiving_a_custom_question_keeps_its_answers(admin_client, answered_custom_question):
    custom, _ = answered_custom_question
    archive(admin_client, custom.id)
    assert Question.get_by_id(custom.id).active is False
    assert Answer.get(Answer.question == custom).value == "Middlemarch"


def test_saving_the_questionnaire_keeps_answers_to_archived_questions(admin_client, answered_custom_question):
    custom, mentee = answered_custom_question
    archive(admin_client, custom.id)
    mentee.submit("/questionnaire", {})
    assert Answer.get(Answer.question == custom).value == "Middlemarch"


def test_restoring_an_archived_question_asks_it_again(admin_client, answered_custom_question):
    custom, mentee = answered_custom_question
    archive(admin_client, custom.id)
    archive(admin_client, custom.id, active="1")
    assert "What is your favourite book?" in mentee.get("/questionnaire").get_data(as_text=True)


def test_archiving_and_restoring_are_audited(admin_client, admin, answered_custom_question):
    custom, _ = answered_custom_question
    archive(admin_client, custom.id)
    archive(admin_client, custom.id, active="1")
    assert [(e.actor_id, e.target) for e in audit("question.archive")] == [(admin.id, f"question:{custom.id}")]
    assert [(e.actor_id, e.target) for e in audit("question.restore")] == [(admin.id, f"question:{custom.id}")]


def test_a_built_in_question_cannot_be_archived(admin_client):
    department = question("department")
    response = archive(admin_client, department.id)
    assert response.status_code == 302
    assert Question.get_by_id(department.id).active is True
    html = admin_client.get("/admin/questionnaire").get_data(as_text=True)
    assert "Built-in questions can be made optional but not archived" in html
    assert audit("question.archive") == []


def test_archiving_is_forbidden_to_a_mentee(participant_client, answered_custom_question):
    custom, mentee = answered_custom_question
    assert archive(mentee, custom.id).status_code == 403
    assert Question.get_by_id(custom.id).active is True


# --- audit log and people ------------------------------------------------------------------------------------------


def test_the_audit_log_shows_who_changed_what(admin_client):
    save_programme(admin_client, name="Spring Mentoring 2031")
    set_phase(admin_client, "pairing", "open")
    response = admin_client.get("/admin/audit")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<code>programme.update</code>" in html and "<code>programme.phase</code>" in html
    assert "Ada Admin" in html
    assert "Spring Mentoring 2031" in html
    assert html.index("programme.phase") < html.index("programme.update")  # newest first


def test_the_audit_log_is_forbidden_to_a_mentee(participant_client):
    assert participant_client("mentee@example.org", ("mentee",)).get("/admin/audit").status_code == 403


def test_the_people_page_lists_participants_with_their_progress(admin_client, create_user):
    create_user("robin.mentor@example.org", roles=("mentor",), name="Robin Mentor")
    create_user("kim.mentee@example.org", roles=("mentee",), name="Kim Mentee")
    response = admin_client.get("/admin/people")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Robin Mentor" in html and "kim.mentee@example.org" in html
    assert "2 participants." in html
    assert "Not finished" in html


def test_the_people_page_filters_by_role(admin_client, create_user):
    create_user("robin.mentor@example.org", roles=("mentor",), name="Robin Mentor")
    create_user("kim.mentee@example.org", roles=("mentee",), name="Kim Mentee")
    html = admin_client.get("/admin/people?role=mentor").get_data(as_text=True)
    assert "Robin Mentor" in html and "Kim Mentee" not in html
    assert "1 participant." in html


def test_the_people_page_searches_names(admin_client, create_user):
    create_user("robin.mentor@example.org", roles=("mentor",), name="Robin Mentor")
    create_user("kim.mentee@example.org", roles=("mentee",), name="Kim Mentee")
    html = admin_client.get("/admin/people?q=kim").get_data(as_text=True)
    assert "Kim Mentee" in html and "Robin Mentor" not in html


def test_moving_a_question_passes_over_archived_ones(client, admin, program):
    from portal.questionnaire import editing

    first = editing.add_question(program, {"prompt": "First extra", "kind": "text", "audience": "both",
                                           "required": False, "weight": 0}, admin)
    hidden = editing.add_question(program, {"prompt": "Archived extra", "kind": "text", "audience": "both",
                                            "required": False, "weight": 0}, admin)
    last = editing.add_question(program, {"prompt": "Last extra", "kind": "text", "audience": "both",
                                          "required": False, "weight": 0}, admin)
    editing.set_active(hidden, False, admin)
    editing.move_question(last, -1, admin)
    order = [q.id for q in Question.select().where(Question.program == program, Question.active)
             .order_by(Question.position, Question.id)]
    assert order.index(last.id) == order.index(first.id) - 1
