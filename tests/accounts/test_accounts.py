"""Accounts over HTTP: registration, login and logout, throttling, password reset by email, CSRF."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
import time_machine
from portal.accounts.passwords import matches as check_password_hash

from portal.models import Email, LoginAttempt, Participant, User
from tests.conftest import PASSWORD, PortalClient, link_in, text_of

NEW_PASSWORD = "a brand new passphrase"


def later(**delta) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(**delta)


def set_phases(program, **overrides) -> None:
    program.phase_overrides = overrides
    program.save()


@pytest.fixture
def registration_open(program):
    set_phases(program, mentor_registration=True, mentee_registration=True)
    return program


def registration(**changes) -> dict:
    data = {
        "name": "Jamie Rivera",
        "email": "jamie.rivera@example.org",
        "password": "a long enough password",
        "confirm": "a long enough password",
        "role": "mentee",
        "timezone": "Europe/Lisbon",
    }
    data.update(changes)
    return data


def is_logged_in(client) -> bool:
    """Whether the client's session belongs to someone (protected pages do not send it to /login)."""
    response = client.get("/profile")
    return response.status_code == 302 and response.headers["Location"].startswith("/people/")


# Registration ------------------------------------------------------------------------------------


def test_register_creates_an_unconfirmed_mentee_and_asks_to_check_email(client, registration_open):
    response = client.submit("/register", registration())

    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    user = User.get(User.email == "jamie.rivera@example.org")
    assert user.name == "Jamie Rivera" and user.timezone == "Europe/Lisbon"
    assert not user.email_confirmed
    assert [p.role for p in Participant.select().where(Participant.user == user)] == ["mentee"]
    assert not is_logged_in(client)


def confirmation_path(address: str) -> str:
    email = Email.select().where(Email.to_address == address).order_by(Email.id.desc()).first()
    assert email is not None and email.subject == "Confirm your email address"
    return urlparse(link_in(email.text_body, "/register/confirm/")).path


def test_the_emailed_link_confirms_the_address_logs_in_and_opens_the_questionnaire(client, registration_open):
    client.submit("/register", registration())

    response = client.get(confirmation_path("jamie.rivera@example.org"))

    assert response.status_code == 302 and response.headers["Location"] == "/questionnaire"
    assert User.get(User.email == "jamie.rivera@example.org").email_confirmed
    assert is_logged_in(client)


def test_an_unconfirmed_account_cannot_log_in_with_its_password_yet(client, registration_open):
    client.submit("/register", registration())

    response = client.submit("/login", {"email": "jamie.rivera@example.org", "password": "a long enough password"})

    assert response.status_code == 401
    assert "That email and password do not match an account." in response.get_data(as_text=True)
    client.get(confirmation_path("jamie.rivera@example.org"))
    client.submit("/logout", page="/")
    again = client.submit("/login", {"email": "jamie.rivera@example.org", "password": "a long enough password"})
    assert again.status_code == 302


def test_a_used_confirmation_link_sends_to_login(client, registration_open, app):
    client.submit("/register", registration())
    path = confirmation_path("jamie.rivera@example.org")
    client.get(path)
    browser = PortalClient(app.test_client())

    response = browser.get(path)

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not is_logged_in(browser)


def test_a_tampered_confirmation_link_is_404(client, registration_open):
    client.submit("/register", registration())

    response = client.get(confirmation_path("jamie.rivera@example.org")[:-3] + "AAA")

    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)
    assert not is_logged_in(client)


def test_an_expired_confirmation_link_is_410(client, registration_open, app):
    client.submit("/register", registration())
    hours = app.config["PORTAL"]["security"]["confirm_link_hours"]

    with time_machine.travel(later(hours=hours, minutes=1)):
        response = client.get(confirmation_path("jamie.rivera@example.org"))

    assert response.status_code == 410
    assert not User.get(User.email == "jamie.rivera@example.org").email_confirmed


def test_register_as_both_creates_mentor_and_mentee_participants(client, registration_open):
    client.submit("/register", registration(role="both"))

    user = User.get(User.email == "jamie.rivera@example.org")
    roles = sorted(p.role for p in Participant.select().where(Participant.user == user))
    assert roles == ["mentee", "mentor"]


def test_register_stores_email_lower_case_and_password_hashed(client, registration_open):
    client.submit("/register", registration(email="Jamie.Rivera@Example.ORG"))

    user = User.get(User.email == "jamie.rivera@example.org")
    assert user.password_hash != "a long enough password"
    assert "a long enough password" not in user.password_hash
    assert check_password_hash(user.password_hash, "a long enough password")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"name": ""}, "Enter your name."),
        ({"name": "   "}, "Enter your name."),
        ({"email": ""}, "Enter your email address."),
        ({"password": "", "confirm": ""}, "Choose a password."),
        ({"role": ""}, "Choose how you are joining."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters."),
        ({"confirm": "something else entirely"}, "The two passwords differ."),
        ({"role": "admin"}, "Not a valid choice"),
    ],
    ids=["no-name", "blank-name", "no-email", "no-password", "no-role", "invalid-email", "short-password",
         "mismatched-confirm", "invalid-role"],
)
def test_register_with_bad_input_rerenders_form_with_error(client, registration_open, changes, error):
    data = registration(**changes)
    response = client.submit("/register", data)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error in html
    assert 'class="field-error"' in html
    assert User.select().count() == 0


@pytest.mark.parametrize(
    "changes",
    [{"email": "not-an-email"}, {"password": "Qz7-tiny", "confirm": "Qz7-tiny"}, {"role": "admin"}],
    ids=["invalid-email", "short-password", "invalid-role"],
)
def test_register_error_keeps_name_and_email_but_not_passwords(client, registration_open, changes):
    data = registration(name="Zoë O'Brien-Smith", **changes)
    html = client.submit("/register", data).get_data(as_text=True)

    assert 'value="Zoë O&#39;Brien-Smith"' in html
    assert f'value="{data["email"]}"' in html
    assert data["password"] not in html


def test_register_with_existing_email_answers_as_for_a_new_one_and_tells_the_owner(client, registration_open,
                                                                                   create_user):
    create_user("jamie.rivera@example.org", name="Jamie Rivera")

    response = client.submit("/register", registration(email="Jamie.Rivera@example.org", name="Another Jamie"))

    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    assert User.select().count() == 1
    assert User.get(User.email == "jamie.rivera@example.org").name == "Jamie Rivera"
    assert not is_logged_in(client)
    told = Email.get(Email.to_address == "jamie.rivera@example.org")
    assert told.subject == "You already have an account"
    assert "http://localhost/login" in told.text_body and "http://localhost/password/forgot" in told.text_body


def test_registering_twice_before_confirming_sends_the_link_again_not_a_contradiction(client, registration_open):
    client.submit("/register", registration())
    again = client.submit("/register", registration(password="another long password",
                                                    confirm="another long password"))

    assert again.status_code == 200 and "Check your email" in again.get_data(as_text=True)
    sent = list(Email.select().where(Email.to_address == "jamie.rivera@example.org").order_by(Email.id))
    # Not "You already have an account ... log in": that login refuses until the address is confirmed.
    assert [e.subject for e in sent] == ["Confirm your email address", "Confirm your email address"]
    assert "You registered again with this address before confirming it" in sent[1].text_body
    assert "/register/confirm/" in sent[1].text_body
    # A third try in the same hour sends nothing more.
    client.submit("/register", registration())
    assert Email.select().where(Email.to_address == "jamie.rivera@example.org").count() == 2


def test_register_page_says_closed_when_no_registration_is_open(client, program):
    set_phases(program, mentor_registration=False, mentee_registration=False)

    html = client.get("/register").get_data(as_text=True)

    assert "Registration is not open right now." in html
    assert "Create account" not in html


def test_register_post_while_closed_creates_nothing(client, program):
    set_phases(program, mentor_registration=False, mentee_registration=False)
    token = client.token("/login")

    response = client.post("/register", data={"csrf_token": token, **registration(role="mentor")})

    assert response.status_code == 400
    assert "Registration is not open right now." in response.get_data(as_text=True)
    assert User.select().count() == 0 and Participant.select().count() == 0
    assert not is_logged_in(client)


def test_register_offers_only_mentor_while_only_mentor_registration_is_open(client, program):
    set_phases(program, mentor_registration=True, mentee_registration=False)

    html = client.get("/register").get_data(as_text=True)

    assert 'value="mentor"' in html
    assert 'value="mentee"' not in html and 'value="both"' not in html


def test_register_as_mentee_while_only_mentor_registration_is_open_is_refused(client, program):
    set_phases(program, mentor_registration=True, mentee_registration=False)

    response = client.submit("/register", registration(role="mentee"))

    assert response.status_code == 400
    assert User.select().count() == 0 and Participant.select().count() == 0


# Login and logout --------------------------------------------------------------------------------


def test_login_with_right_password_redirects_home(client, create_user):
    create_user("mia@example.org")

    response = client.submit("/login", {"email": "Mia@Example.org", "password": PASSWORD})

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert is_logged_in(client)


def test_login_with_wrong_password_is_401_with_message_and_keeps_email(client, create_user):
    create_user("mia@example.org")

    response = client.submit("/login", {"email": "mia@example.org", "password": "not the password"})

    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "That email and password do not match an account." in html
    assert 'value="mia@example.org"' in html
    assert "not the password" not in html
    assert not is_logged_in(client)


def test_login_with_unknown_email_gives_the_same_answer(client, create_user):
    response = client.submit("/login", {"email": "nobody@example.org", "password": PASSWORD})

    assert response.status_code == 401
    assert "That email and password do not match an account." in response.get_data(as_text=True)


def test_logout_by_get_is_not_allowed(client, create_user):
    create_user("mia@example.org")
    client.login("mia@example.org")

    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)


def test_logout_without_csrf_token_is_refused(client, create_user):
    create_user("mia@example.org")
    client.login("mia@example.org")

    response = client.post("/logout")

    assert response.status_code == 400
    assert is_logged_in(client)


def test_after_logout_protected_pages_redirect_to_login(client, create_user):
    create_user("mia@example.org")
    client.login("mia@example.org")

    response = client.submit("/logout", page="/")

    assert response.status_code == 302
    profile = client.get("/profile")
    assert profile.status_code == 302
    assert profile.headers["Location"] == "/login?next=%2Fprofile"


def test_login_follows_local_next_path(client, create_user):
    create_user("mia@example.org")

    response = client.submit("/login?next=/questionnaire", {"email": "mia@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/questionnaire"


@pytest.mark.parametrize(
    "target", ["https://evil.example.com/phish", "//evil.example.com/phish", "javascript:alert(1)"]
)
def test_login_ignores_next_pointing_outside_the_portal(client, create_user, target):
    create_user("mia@example.org")

    response = client.post(
        "/login",
        query_string={"next": target},
        data={"csrf_token": client.token("/login"), "email": "mia@example.org", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/\\evil.example.com", "/\t/evil.example.com", "\\\\evil.example.com"])
def test_login_next_tricks_with_backslashes_or_tabs_stay_on_the_portal(client, create_user, target):
    """Browsers read `/\\host` and `/<tab>/host` as `//host`; the redirect must not become one."""
    create_user("mia@example.org")

    response = client.post(
        "/login",
        query_string={"next": target},
        data={"csrf_token": client.token("/login"), "email": "mia@example.org", "password": PASSWORD},
    )

    location = response.headers["Location"]
    assert response.status_code == 302
    assert location.startswith("/") and not location.startswith("//")
    assert urlparse(location).netloc == ""
    assert "\\" not in location and "\t" not in location


# Throttling --------------------------------------------------------------------------------------


@pytest.fixture
def strict_client(make_app):
    """A client of an app allowing three failed logins per address in 15 minutes."""
    strict = make_app(security={"login_max_failures": 3, "login_window_minutes": 15})
    return PortalClient(strict.test_client())


def fail_logins(client, email: str, times: int) -> None:
    for _ in range(times):
        response = client.submit("/login", {"email": email, "password": "wrong password!"})
        assert response.status_code == 401


def test_too_many_failures_refuse_even_the_right_password(strict_client, create_user):
    create_user("mia@example.org")
    fail_logins(strict_client, "mia@example.org", 3)

    response = strict_client.submit("/login", {"email": "mia@example.org", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert not is_logged_in(strict_client)


def test_failures_below_the_limit_do_not_block(strict_client, create_user):
    create_user("mia@example.org")
    fail_logins(strict_client, "mia@example.org", 2)

    response = strict_client.submit("/login", {"email": "mia@example.org", "password": PASSWORD})

    assert response.status_code == 302


def test_login_works_again_after_the_window_passes(strict_client, create_user):
    create_user("mia@example.org")
    fail_logins(strict_client, "mia@example.org", 3)

    with time_machine.travel(later(minutes=16)):
        response = strict_client.submit("/login", {"email": "mia@example.org", "password": PASSWORD})

    assert response.status_code == 302


def test_still_blocked_just_before_the_window_passes(strict_client, create_user):
    create_user("mia@example.org")
    fail_logins(strict_client, "mia@example.org", 3)

    with time_machine.travel(later(minutes=14)):
        response = strict_client.submit("/login", {"email": "mia@example.org", "password": PASSWORD})

    assert response.status_code == 429


def test_failures_are_counted_per_email(strict_client, create_user):
    create_user("mia@example.org")
    create_user("noor@example.org")
    fail_logins(strict_client, "mia@example.org", 3)

    response = strict_client.submit("/login", {"email": "noor@example.org", "password": PASSWORD})

    assert response.status_code == 302


# Password reset ----------------------------------------------------------------------------------


@pytest.fixture
def mail_client(smtp_app):
    return PortalClient(smtp_app.test_client())


@pytest.fixture
def mia(create_user):
    return create_user("mia@example.org", name="Mia Wallace")


@pytest.fixture
def reset_path(mail_client, mia, smtp_sink) -> str:
    """Ask for a reset for Mia and return the path of the emailed link."""
    response = mail_client.submit("/password/forgot", {"email": "mia@example.org"})
    assert response.status_code == 200
    message = smtp_sink.wait_for(1)[0]["message"]
    return urlparse(link_in(text_of(message), "/password/reset/")).path


def test_reset_request_sends_one_multipart_email_with_link(mail_client, mia, smtp_sink):
    response = mail_client.submit("/password/forgot", {"email": "MIA@example.org"})

    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    smtp_sink.wait_for(1)
    assert len(smtp_sink.messages) == 1
    assert smtp_sink.messages[0]["to"] == ["mia@example.org"]
    message = smtp_sink.messages[0]["message"]
    assert message["Subject"] == "Reset your password"
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    link = link_in(text_of(message), "/password/reset/")
    assert link.startswith("http://localhost/password/reset/")
    assert link in message.get_body(preferencelist=("html",)).get_content()


def test_reset_link_shows_the_new_password_form(mail_client, reset_path):
    response = mail_client.get(reset_path)

    assert response.status_code == 200
    assert "Choose a new password" in response.get_data(as_text=True)


def test_reset_with_bad_new_password_rerenders_with_errors(mail_client, reset_path, mia):
    response = mail_client.submit(reset_path, {"password": "short", "confirm": "short"})

    assert response.status_code == 400
    assert "Use at least 10 characters." in response.get_data(as_text=True)
    assert check_password_hash(User.get_by_id(mia.id).password_hash, PASSWORD)


def test_reset_with_mismatched_confirm_rerenders_with_errors(mail_client, reset_path):
    response = mail_client.submit(reset_path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})

    assert response.status_code == 400
    assert "The two passwords differ." in response.get_data(as_text=True)


def test_reset_changes_the_password(mail_client, reset_path, smtp_app):
    response = mail_client.submit(reset_path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    browser = PortalClient(smtp_app.test_client())
    old = browser.submit("/login", {"email": "mia@example.org", "password": PASSWORD})
    assert old.status_code == 401
    browser.login("mia@example.org", NEW_PASSWORD)
    assert is_logged_in(browser)


def test_reset_link_works_only_once(mail_client, reset_path):
    mail_client.submit(reset_path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    again = mail_client.get(reset_path)
    assert again.status_code == 404
    assert "This link does not work" in again.get_data(as_text=True)
    reuse = mail_client.submit(
        reset_path, {"password": "yet another passphrase", "confirm": "yet another passphrase"}, page="/password/forgot"
    )
    assert reuse.status_code == 404


def test_expired_reset_link_is_410(mail_client, reset_path, smtp_app, mia):
    minutes = smtp_app.config["PORTAL"]["security"]["reset_link_minutes"]

    with time_machine.travel(later(minutes=minutes + 1)):
        response = mail_client.get(reset_path)

    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)


def test_reset_link_still_works_just_before_it_expires(mail_client, reset_path, smtp_app):
    minutes = smtp_app.config["PORTAL"]["security"]["reset_link_minutes"]

    with time_machine.travel(later(minutes=minutes - 1)):
        assert mail_client.get(reset_path).status_code == 200


def test_tampered_reset_token_is_404(mail_client, reset_path):
    tampered = reset_path[:-3] + ("AAA" if not reset_path.endswith("AAA") else "BBB")

    response = mail_client.get(tampered)

    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)


def test_reset_for_unknown_email_looks_the_same_and_sends_nothing(mail_client, mia, smtp_sink):
    response = mail_client.submit("/password/forgot", {"email": "nobody@example.org"})

    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    assert smtp_sink.messages == []
    assert Email.select().count() == 0


def test_password_change_signs_out_other_sessions(mail_client, smtp_app, mia):
    elsewhere = PortalClient(smtp_app.test_client())
    elsewhere.login("mia@example.org")
    assert is_logged_in(elsewhere)
    reset_path = urlparse(_request_reset_link(mail_client)).path

    mail_client.submit(reset_path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert not is_logged_in(elsewhere)
    assert elsewhere.get("/profile").headers["Location"].startswith("/login")


def _request_reset_link(client) -> str:
    """Ask for a reset for Mia and return the link from the stored (and sent) email."""
    client.submit("/password/forgot", {"email": "mia@example.org"})
    email = Email.select().where(Email.to_address == "mia@example.org").order_by(Email.id.desc()).first()
    assert email is not None and email.status == "sent"
    return link_in(email.text_body, "/password/reset/")


# CSRF --------------------------------------------------------------------------------------------


def test_login_without_csrf_token_is_400_and_logs_nobody_in(client, create_user):
    create_user("mia@example.org")

    response = client.post("/login", data={"email": "mia@example.org", "password": PASSWORD})

    assert response.status_code == 400
    assert "Please try again" in response.get_data(as_text=True)
    assert not is_logged_in(client)
    assert LoginAttempt.select().count() == 0


def test_register_without_csrf_token_is_400_and_creates_nothing(client, registration_open):
    response = client.post("/register", data=registration())

    assert response.status_code == 400
    assert User.select().count() == 0 and Participant.select().count() == 0
