"""Account operations: create, authenticate, reset."""
from __future__ import annotations

from flask import current_app
from peewee import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from portal import audit, events, links, mail
from portal.accounts import throttle
from portal.db import database
from portal.models import Participant, Program, User, utcnow
from portal.programme import operations as programme

RESET_PURPOSE = "password-reset"
# Checked against when an address is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(Exception):
    """A message for the user, optionally tied to a form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def roles_for(choice: str) -> list[str]:
    return ["mentor", "mentee"] if choice == "both" else [choice]


def create_user(email: str, name: str, password: str, *, timezone: str = "UTC", is_admin: bool = False) -> User:
    """A new account; AccountError if the address is taken."""
    try:
        with database.atomic():
            return User.create(
                email=normalise_email(email),
                name=name.strip(),
                password_hash=generate_password_hash(password),
                timezone=timezone,
                is_admin=is_admin,
            )
    except IntegrityError:
        raise AccountError("An account with this email already exists. Log in, or reset your password.", "email") from None


def join_programme(user: User, program: Program, roles: list[str]) -> list[Participant]:
    """Add the user to the programme in each role whose registration is open."""
    closed = [r for r in roles if not programme.registration_open_for(program, r)]
    if closed:
        raise AccountError(f"{' and '.join(r.capitalize() for r in closed)} registration is not open.", "role")
    joined, new = [], []
    with database.atomic():
        for role in roles:
            participant, created = Participant.get_or_create(program=program, user=user, role=role)
            if created:
                audit.record(user, "participant.join", f"user:{user.id}", role=role)
                new.append(participant)
            joined.append(participant)
    for participant in new:
        events.participant_joined.send(program, user=user, participant=participant)
    return joined


def register(name: str, email: str, password: str, role_choice: str, timezone: str, program: Program) -> User:
    """Create an account and join the programme in one step: both happen or neither."""
    with database.atomic():
        user = create_user(email, name, password, timezone=timezone)
        join_programme(user, program, roles_for(role_choice))
    return user


class LoginThrottled(AccountError):
    """Too many failures: the attempt was not heard; try again after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def authenticate(email: str, password: str, ip: str, device: str = "") -> User:
    """The user for these credentials, or AccountError (wrong details) / LoginThrottled (too many failures).

    `device` is the browser's known-device id for this address (throttle.known_device), "" if none.
    """
    email = normalise_email(email)
    wait = throttle.wait_before_login(email, ip, device)
    if wait:
        raise LoginThrottled(wait.message, wait.seconds)
    user = User.get_or_none(User.email == email)
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if not (user and valid and user.active):
        throttle.note_failure(email, ip, device)
        raise AccountError("That email and password do not match an account.")
    throttle.forget(email)
    user.last_login_at = utcnow()
    user.save(only=[User.last_login_at])
    return user


def user_for_session(session_id: str) -> User | None:
    """The active user of a session id "<id>:<session version>"; None once that version has ended."""
    user_id, _, version = (session_id or "").partition(":")
    if not all(part.isascii() and part.isdigit() and len(part) < 10 for part in (user_id, version)):
        return None
    user = User.get_or_none(User.id == int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: sessions and remember-me cookies carry the old version and stop working."""
    User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
    user.session_version = User.get_by_id(user.id).session_version


def reset_token(user: User) -> str:
    # Part of the current hash is signed in, so the link stops working once the password changes.
    return links.make_token(RESET_PURPOSE, {"u": user.id, "p": user.password_hash[-12:]})


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account; say nothing either way."""
    user = User.get_or_none(User.email == normalise_email(email))
    if not user or not user.active:
        return
    minutes = int(current_app.config["PORTAL"]["security"]["reset_link_minutes"])
    url = links.absolute_url("accounts.reset_password", token=reset_token(user))
    mail.send_template(
        user, "Reset your password", "password_reset", category="account", url=url, minutes=minutes
    )


def user_for_reset(token: str) -> User:
    """The user a reset link belongs to; LinkInvalid / LinkExpired otherwise."""
    minutes = int(current_app.config["PORTAL"]["security"]["reset_link_minutes"])
    payload = links.read_token(RESET_PURPOSE, token, minutes * 60)
    user = User.get_or_none(User.id == payload.get("u"))
    if not user or user.password_hash[-12:] != payload.get("p"):
        raise links.LinkInvalid("used or unknown")
    return user


def set_password(user: User, password: str, actor=None) -> None:
    with database.atomic():
        user.password_hash = generate_password_hash(password)
        user.save(only=[User.password_hash])
        end_sessions(user)
        throttle.forget(user.email)
        audit.record(actor or user, "account.password", f"user:{user.id}")
