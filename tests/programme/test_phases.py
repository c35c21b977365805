"""Phase rules: which phases a programme's dates open on a given day, and what the pages allow because of it."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from portal.models import Answer, AuditLog, Participant, Program, Question, User
from portal.programme.phases import (
    PHASES,
    PhaseDates,
    current_phase,
    length_guidance,
    open_phases,
    order_problems,
    suggested_dates,
    windows,
)
from tests.conftest import PASSWORD

D = dt.date

# A six-month programme following the benchmarks, pairing from Monday 3 March 2031.
DATES = PhaseDates(
    mentor_registration_opens=D(2031, 2, 10),
    mentee_registration_opens=D(2031, 2, 17),
    pairing_opens=D(2031, 3, 3),
    pairing_closes=D(2031, 3, 17),
    midpoint=D(2031, 6, 3),
    ends=D(2031, 9, 3),
)
DAY = dt.timedelta(days=1)


# --- windows and open phases ----------------------------------------------------------------------------------------


def test_windows_cover_every_phase_in_order():
    assert list(windows(DATES)) == list(PHASES)


def test_registration_windows_stay_open_until_pairing_closes():
    spans = windows(DATES)
    assert spans["mentor_registration"] == (DATES.mentor_registration_opens, DATES.pairing_closes)
    assert spans["mentee_registration"] == (DATES.mentee_registration_opens, DATES.pairing_closes)


def test_ended_window_is_open_ended():
    assert windows(DATES)["ended"] == (DATES.ends, None)


def test_nothing_is_open_the_day_before_mentor_registration():
    assert open_phases(DATES, DATES.mentor_registration_opens - DAY) == []
    assert current_phase(DATES, DATES.mentor_registration_opens - DAY) is None


def test_mentor_registration_opens_on_its_start_date():
    assert open_phases(DATES, DATES.mentor_registration_opens) == ["mentor_registration"]


def test_mentee_registration_is_closed_the_day_before_it_opens():
    assert "mentee_registration" not in open_phases(DATES, DATES.mentee_registration_opens - DAY)


def test_mentee_registration_opens_on_its_start_date():
    assert open_phases(DATES, DATES.mentee_registration_opens) == ["mentor_registration", "mentee_registration"]


def test_registration_stays_open_through_pairing():
    last_pairing_day = DATES.pairing_closes - DAY
    assert open_phases(DATES, last_pairing_day) == ["mentor_registration", "mentee_registration", "pairing"]


def test_pairing_opens_on_its_start_date():
    assert "pairing" in open_phases(DATES, DATES.pairing_opens)
    assert "pairing" not in open_phases(DATES, DATES.pairing_opens - DAY)


def test_pairing_and_registration_are_closed_on_the_closing_date():
    opened = open_phases(DATES, DATES.pairing_closes)
    assert opened == ["running"]


def test_midpoint_opens_on_its_date_while_running_continues():
    assert open_phases(DATES, DATES.midpoint - DAY) == ["running"]
    assert open_phases(DATES, DATES.midpoint) == ["running", "midpoint"]


def test_running_and_midpoint_are_closed_on_the_end_date():
    assert open_phases(DATES, DATES.ends - DAY) == ["running", "midpoint"]
    assert open_phases(DATES, DATES.ends) == ["ended"]


def test_ended_stays_open_for_good():
    assert open_phases(DATES, DATES.ends + dt.timedelta(days=3650)) == ["ended"]


# --- current phase -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (DATES.mentor_registration_opens, "mentor_registration"),
        (DATES.mentee_registration_opens, "mentee_registration"),
        (DATES.pairing_opens, "pairing"),
        (DATES.pairing_closes, "running"),
        (DATES.midpoint, "midpoint"),
        (DATES.ends, "ended"),
    ],
)
def test_current_phase_is_the_furthest_open_phase(day, expected):
    assert current_phase(DATES, day) == expected


# --- overrides ------------------------------------------------------------------------------------------------------


def test_override_opens_a_phase_before_its_dates():
    day = DATES.mentor_registration_opens  # mentee registration opens a week later
    assert open_phases(DATES, day, {"mentee_registration": True}) == ["mentor_registration", "mentee_registration"]
    assert current_phase(DATES, day, {"mentee_registration": True}) == "mentee_registration"


def test_override_closes_a_phase_inside_its_dates():
    day = DATES.pairing_opens
    assert open_phases(DATES, day, {"pairing": False}) == ["mentor_registration", "mentee_registration"]
    assert current_phase(DATES, day, {"pairing": False}) == "mentee_registration"


def test_override_keeps_registration_open_after_its_dates():
    assert open_phases(DATES, DATES.pairing_closes, {"mentee_registration": True}) == ["mentee_registration", "running"]


def test_closing_every_phase_leaves_no_current_phase():
    everything_closed = {phase: False for phase in PHASES}
    assert open_phases(DATES, DATES.midpoint, everything_closed) == []
    assert current_phase(DATES, DATES.midpoint, everything_closed) is None


def test_overrides_for_other_phases_leave_the_calendar_alone():
    assert open_phases(DATES, DATES.midpoint, {"pairing": False}) == open_phases(DATES, DATES.midpoint)


# --- order problems ---------------------------------------------------------------------------------------------


def dates_with(**changes) -> PhaseDates:
    return PhaseDates(**{**DATES.__dict__, **changes})


def test_dates_in_benchmark_order_have_no_problems():
    assert order_problems(DATES) == {}


def test_registration_may_open_on_the_same_day_for_mentors_and_mentees():
    assert order_problems(dates_with(mentee_registration_opens=DATES.mentor_registration_opens)) == {}


def test_mentee_registration_before_mentor_registration_is_a_problem():
    problems = order_problems(dates_with(mentee_registration_opens=D(2031, 2, 9)))
    assert problems == {"mentee_registration_opens": "Must come after mentor registration opens."}


def test_pairing_before_mentee_registration_is_a_problem():
    problems = order_problems(dates_with(pairing_opens=D(2031, 2, 16)))
    assert problems == {"pairing_opens": "Must come after mentee registration opens."}


def test_pairing_must_close_strictly_after_it_opens():
    problems = order_problems(dates_with(pairing_closes=DATES.pairing_opens))
    assert problems == {"pairing_closes": "Must come after pairing opens."}


def test_midpoint_before_pairing_closes_is_a_problem():
    problems = order_problems(dates_with(midpoint=D(2031, 3, 16)))
    assert problems == {"midpoint": "Must come after pairing closes."}


def test_midpoint_on_the_end_date_is_a_problem_for_both():
    problems = order_problems(dates_with(midpoint=DATES.ends))
    assert problems == {"midpoint": "Must come before the programme ends.", "ends": "Must come after mid-point."}


def test_programme_ending_before_its_midpoint_is_a_problem():
    problems = order_problems(dates_with(ends=D(2031, 6, 1)))
    assert problems["ends"] == "Must come after mid-point."
    assert problems["midpoint"] == "Must come before the programme ends."


# --- suggested dates and length guidance ------------------------------------------------------------------------


def test_suggested_dates_follow_the_benchmarks():
    suggested = suggested_dates(D(2031, 3, 3), 6)
    assert suggested.mentor_registration_opens == D(2031, 2, 10)  # 21 days before pairing
    assert suggested.mentee_registration_opens == D(2031, 2, 17)  # 14 days before pairing
    assert suggested.pairing_opens == D(2031, 3, 3)
    assert suggested.pairing_closes == D(2031, 3, 17)  # a two-week window
    assert suggested.ends == D(2031, 9, 3)  # six months after pairing opens


def test_suggested_midpoint_is_halfway_between_pairing_and_the_end():
    suggested = suggested_dates(D(2031, 3, 3), 6)
    assert suggested.midpoint == D(2031, 6, 3)  # 92 of the 184 days
    assert (suggested.midpoint - suggested.pairing_opens).days == (suggested.ends - suggested.pairing_opens).days // 2


def test_suggested_dates_are_in_order():
    for length in (1, 4, 6, 8, 12, 24):
        assert order_problems(suggested_dates(D(2031, 1, 31), length)) == {}


def test_suggested_end_clamps_to_the_end_of_a_shorter_month():
    assert suggested_dates(D(2031, 1, 31), 1).ends == D(2031, 2, 28)
    assert suggested_dates(D(2032, 1, 31), 1).ends == D(2032, 2, 29)  # leap year
    assert suggested_dates(D(2031, 8, 31), 1).ends == D(2031, 9, 30)


def test_suggested_end_crosses_the_year():
    assert suggested_dates(D(2031, 10, 15), 6).ends == D(2032, 4, 15)
    assert suggested_dates(D(2031, 12, 31), 14).ends == D(2033, 2, 28)


def test_suggested_dates_take_other_lead_times():
    suggested = suggested_dates(D(2031, 3, 3), 6, mentor_days_before=28, mentee_days_before=7, pairing_days=21)
    assert suggested.mentor_registration_opens == D(2031, 2, 3)
    assert suggested.mentee_registration_opens == D(2031, 2, 24)
    assert suggested.pairing_closes == D(2031, 3, 24)


def test_a_four_month_programme_is_called_short():
    guidance = length_guidance(suggested_dates(D(2031, 3, 3), 4))
    assert guidance is not None
    assert "is short" in guidance and "6 to 8 months" in guidance


def test_a_seven_month_programme_gets_no_guidance():
    assert length_guidance(suggested_dates(D(2031, 3, 3), 7)) is None


def test_a_ten_month_programme_is_called_long():
    guidance = length_guidance(suggested_dates(D(2031, 3, 3), 10))
    assert guidance is not None
    assert "is long" in guidance and "6 to 8 months" in guidance


@pytest.mark.parametrize("pairing_opens", [D(2031, month, 1) for month in range(1, 13)])
def test_six_and_eight_month_programmes_get_no_guidance_whatever_month_they_start(pairing_opens):
    # Six calendar months from 1 September are only 181 days: still six months, not "short".
    assert length_guidance(suggested_dates(pairing_opens, 6)) is None
    assert length_guidance(suggested_dates(pairing_opens, 8)) is None


# --- the pages follow the phases (time frozen) -----------------------------------------------------------------


@pytest.fixture
def calendar(program):
    """The current programme on the DATES calendar."""
    for name, value in DATES.__dict__.items():
        setattr(program, name, value)
    program.phase_overrides = {}
    program.save()
    return program


def on(time_machine, day: dt.date):
    time_machine.move_to(dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.timezone.utc), tick=False)


def registration(email: str, role: str) -> dict:
    return {"name": "Robin Example", "email": email, "password": PASSWORD, "confirm": PASSWORD,
            "role": role, "timezone": "Europe/Berlin"}


def role_options(html: str) -> set[str]:
    """The roles offered as radio buttons on the registration form."""
    return set(re.findall(r'<input[^>]*name="role"[^>]*value="(\w+)"', html))


def test_register_page_says_registration_is_not_open_before_mentors_can_join(client, calendar, time_machine):
    on(time_machine, DATES.mentor_registration_opens - DAY)
    html = client.get("/register").get_data(as_text=True)
    assert "Registration is not open right now." in html
    assert "Mentor registration opens on 10 Feb 2031" in html
    assert 'name="role"' not in html


@pytest.mark.parametrize("day", [DATES.pairing_closes, DATES.midpoint, DATES.midpoint + 10 * DAY])
def test_after_registration_closed_no_past_opening_date_is_named(client, calendar, time_machine, day):
    on(time_machine, day)

    register_page = client.get("/register").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)

    assert "10 Feb 2031" not in register_page and "17 Feb 2031" not in register_page
    hero = home.split('id="timeline-heading"')[0]  # the timeline below lists every date, past ones included
    assert "10 Feb 2031" not in hero and "17 Feb 2031" not in hero
    for html in (register_page, hero):
        assert f"Registration for {calendar.name} has closed" in html


def test_registration_closed_by_hand_names_no_opening_date(client, calendar, time_machine):
    on(time_machine, DATES.mentor_registration_opens - DAY)
    calendar.phase_overrides = {"mentor_registration": False, "mentee_registration": False}
    calendar.save()

    html = client.get("/register").get_data(as_text=True)

    assert "opens on" not in html and "has closed" in html


def test_register_post_is_refused_before_mentors_can_join(client, calendar, time_machine):
    on(time_machine, DATES.mentor_registration_opens - DAY)
    response = client.submit("/register", registration("early@example.org", "mentor"))
    assert response.status_code == 400
    assert User.get_or_none(User.email == "early@example.org") is None


def test_only_the_mentor_role_is_offered_in_the_mentor_only_week(client, calendar, time_machine):
    on(time_machine, DATES.mentor_registration_opens)
    html = client.get("/register").get_data(as_text=True)
    assert role_options(html) == {"mentor"}
    assert "mentee registration opens on 17 Feb 2031" in html


def test_mentee_registration_is_refused_with_a_field_error_in_the_mentor_only_week(client, calendar, time_machine):
    on(time_machine, DATES.mentee_registration_opens - DAY)
    response = client.submit("/register", registration("keen.mentee@example.org", "mentee"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="role-error"' in html and "Not a valid choice." in html
    assert User.get_or_none(User.email == "keen.mentee@example.org") is None


def test_a_mentor_can_register_in_the_mentor_only_week(client, calendar, time_machine):
    on(time_machine, DATES.mentor_registration_opens)
    response = client.submit("/register", registration("first.mentor@example.org", "mentor"))
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    user = User.get(User.email == "first.mentor@example.org")
    assert [p.role for p in Participant.select().where(Participant.user == user)] == ["mentor"]


def test_every_role_is_offered_once_mentee_registration_opens(client, calendar, time_machine):
    on(time_machine, DATES.mentee_registration_opens)
    assert role_options(client.get("/register").get_data(as_text=True)) == {"mentor", "mentee", "both"}


def test_registration_is_closed_on_the_day_pairing_closes(client, calendar, time_machine):
    on(time_machine, DATES.pairing_closes)
    assert "Registration is not open right now." in client.get("/register").get_data(as_text=True)


def test_admin_opening_mentee_registration_by_hand_offers_the_mentee_role(app, client, admin, calendar, time_machine):
    on(time_machine, DATES.mentor_registration_opens)
    client.login(admin.email)
    response = client.submit("/admin/settings/phases/mentee_registration", {"state": "open"}, page="/admin/settings")
    assert response.status_code == 302

    visitor = app.test_client()
    assert role_options(visitor.get("/register").get_data(as_text=True)) == {"mentor", "mentee", "both"}
    assert Program.get_by_id(calendar.id).phase_overrides == {"mentee_registration": True}


def test_admin_returning_mentee_registration_to_its_dates_withdraws_the_mentee_role(
    app, client, admin, calendar, time_machine
):
    on(time_machine, DATES.mentor_registration_opens)
    client.login(admin.email)
    client.submit("/admin/settings/phases/mentee_registration", {"state": "open"}, page="/admin/settings")
    response = client.submit("/admin/settings/phases/mentee_registration", {"state": "auto"}, page="/admin/settings")
    assert response.status_code == 302

    visitor = app.test_client()
    assert role_options(visitor.get("/register").get_data(as_text=True)) == {"mentor"}
    assert Program.get_by_id(calendar.id).phase_overrides == {}


def test_a_mentee_can_register_while_an_admin_keeps_registration_open_by_hand(
    app, client, admin, calendar, time_machine
):
    on(time_machine, DATES.pairing_closes + DAY)
    client.login(admin.email)
    client.submit("/admin/settings/phases/mentee_registration", {"state": "open"}, page="/admin/settings")

    visitor = type(client)(app.test_client())
    response = visitor.submit("/register", registration("late.mentee@example.org", "mentee"))
    assert response.status_code == 200
    assert User.get_or_none(User.email == "late.mentee@example.org") is not None


def test_admin_closing_mentor_registration_by_hand_closes_the_register_page(
    app, client, admin, calendar, time_machine
):
    on(time_machine, DATES.mentor_registration_opens)
    client.login(admin.email)
    client.submit("/admin/settings/phases/mentor_registration", {"state": "close"}, page="/admin/settings")

    visitor = app.test_client()
    assert "Registration is not open right now." in visitor.get("/register").get_data(as_text=True)
    assert AuditLog.select().where(AuditLog.action == "programme.phase").count() == 1


# --- the questionnaire after the programme ends ----------------------------------------------------------------


@pytest.fixture
def answered_mentee(create_user, calendar):
    user = create_user("mentee@example.org")
    title = Question.get(Question.program == calendar, Question.key == "role_title")
    Answer.create(program=calendar, user=user, question=title, value="Analyst")
    return user, title


def test_questionnaire_can_be_edited_on_the_last_day_of_the_programme(client, answered_mentee, time_machine):
    on(time_machine, DATES.ends - DAY)
    client.login("mentee@example.org")
    assert client.get("/questionnaire").status_code == 200


def test_questionnaire_page_redirects_to_the_profile_once_the_programme_has_ended(
    client, answered_mentee, time_machine
):
    on(time_machine, DATES.ends)
    client.login("mentee@example.org")
    response = client.get("/questionnaire")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/profile")
    profile = client.get("/profile", follow_redirects=True).get_data(as_text=True)
    assert "The programme has ended, so answers can no longer change." in profile


def test_answers_cannot_be_changed_after_the_programme_has_ended(client, answered_mentee, time_machine):
    user, title = answered_mentee
    on(time_machine, DATES.ends - DAY)
    client.login("mentee@example.org")
    token = client.token("/questionnaire")

    on(time_machine, DATES.ends)
    response = client.post("/questionnaire", data={"csrf_token": token, f"q{title.id}": "Chief Analyst"})
    assert response.status_code == 302
    assert Answer.get(Answer.user == user, Answer.question == title).value == "Analyst"
