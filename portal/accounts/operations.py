"""Account operations: register and confirm, authenticate, end sessions, reset a password."""
from __future__ import annotations

from flask import current_app
from peewee import IntegrityError

from portal import audit, events, links, person_kept
from portal.accounts import emails, passwords, tasks, throttle
from portal.db import database
from portal.models import Participant, Program, ResetRequest, User, utcnow
from portal.prepared import Prepared
from portal.steady import row_copy
from portal.organisation import operations as organisation
from portal.programme import operations as programme

# Checked against when an address is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = passwords.hashed("not-a-real-password")


class AccountError(Exception):
    """A message for the user, optionally tied to a form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def roles_for(choice: str) -> list[str]:
    return ["mentor", "mentee"] if choice == "both" else [choice]


def create_user(
    email: str, name: str, password: str, *, timezone: str = "UTC", is_admin: bool = False, confirmed: bool = True,
    password_hash: str | None = None,
) -> User:
    """A new account; AccountError if the address is taken."""
    try:
        with database.atomic():
            user = User.create(
                email=normalise_email(email),
                name=name.strip(),
                password_hash=password_hash or passwords.hashed(password),
                timezone=timezone,
                is_admin=is_admin,
                email_confirmed=confirmed,
            )
            if confirmed:
                organisation.link_account(user)
            return user
    except IntegrityError:
        raise AccountError("An account with this email already exists. Log in, or reset your password.", "email") from None


def refuse_closed_roles(program: Program, roles: list[str]) -> None:
    """AccountError (on the role field) if registration is not open for one of these roles."""
    closed = [r for r in roles if not programme.registration_open_for(program, r)]
    if closed:
        raise AccountError(f"{' and '.join(r.capitalize() for r in closed)} registration is not open.", "role")


def join_programme(user: User, program: Program, roles: list[str]) -> list[Participant]:
    """Add the user to the programme in each role whose registration is open."""
    refuse_closed_roles(program, roles)
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


def register(name: str, email: str, password: str, role_choice: str, timezone: str, program: Program) -> None:
    """Create an unconfirmed account in the programme and email the link that confirms it.

    An address that has an account already gets an email saying so instead: the person registering sees the same
    answer either way, so registration does not tell who has an account.
    """
    roles = roles_for(role_choice)
    refuse_closed_roles(program, roles)
    # Hashed on both paths, so a taken address answers as slowly as a new one.
    password_hash = passwords.hashed(password)
    try:
        with database.atomic():
            user = create_user(email, name, password, timezone=timezone, confirmed=False, password_hash=password_hash)
            join_programme(user, program, roles)
            emails.send_confirmation(user)
    except AccountError as error:
        if error.field != "email":
            raise
        existing = User.get_or_none(User.email == normalise_email(email))
        if existing is not None and not existing.email_confirmed:
            emails.send_confirmation(existing, again=True)
        elif existing is not None:
            emails.send_registration_attempt(existing)


def user_for_confirmation(token: str) -> User:
    """The account a confirmation link belongs to; LinkInvalid / LinkExpired otherwise."""
    hours = int(current_app.config["PORTAL"]["security"].get("confirm_link_hours", 72))
    payload = links.read_token(emails.CONFIRM_PURPOSE, token, hours * 3600)
    user = User.get_or_none(User.id == payload.get("u")) if isinstance(payload, dict) else None
    if user is None or not user.active or user.session_version != payload.get("v"):
        raise links.LinkInvalid("unknown or ended")
    return user


def confirm_email(user: User) -> bool:
    """Confirm the account's address now; False if it was already confirmed."""
    if user.email_confirmed:
        return False
    with database.atomic():
        user.email_confirmed = True
        user.save(only=[User.email_confirmed])
        audit.record(user, "account.confirm", f"user:{user.id}")
        # Only a confirmed address is theirs: an imported person is registered once they prove it.
        organisation.link_account(user)
    return True


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
    valid = passwords.matches(user.password_hash if user else _DUMMY_HASH, password)
    # An address not yet confirmed answers like a wrong password, or logging in would tell who registered it first.
    if not (user and valid and user.active and user.email_confirmed):
        throttle.note_failure(email, ip, device)
        raise AccountError("That email and password do not match an account.")
    throttle.forget(email)
    user.last_login_at = utcnow()
    changed = [User.last_login_at]
    if passwords.outdated(user.password_hash):
        # The password is at hand only now: an older kind of hash is replaced as its owner signs in.
        user.password_hash = passwords.hashed(password)
        changed.append(User.password_hash)
    user.save(only=changed)
    return user


# Every signed-in request reads its user: compiled once (portal/prepared.py).
_USER_BY_ID = Prepared(lambda user_id: User.select().where(User.id == user_id).paginate(1, 1), 1)


def user_for_session(session_id: str) -> User | None:
    """The active user of a session id "<id>:<session version>"; None once that version has ended."""
    user_id, _, version = (session_id or "").partition(":")
    if not all(part.isascii() and part.isdigit() and len(part) < 10 for part in (user_id, version)):
        return None
    user = person_kept.kept(int(user_id), "user", lambda: _USER_BY_ID.first(int(user_id)), row_copy)
    if user is None or user.session_version != int(version):
        return None
    return user


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: sessions and remember-me cookies carry the old version and stop working."""
    User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
    user.session_version = User.get_by_id(user.id).session_version


def request_password_reset(email: str, ip: str) -> None:
    """Store the request and leave the rest to a job: the same work in the request for any address, known or not."""
    email = normalise_email(email)
    ResetRequest.delete().where(ResetRequest.at < utcnow() - emails.reset_window()).execute()
    request = ResetRequest.create(email=email, ip=ip)
    tasks.send_reset_link(request.id)


def user_for_reset(token: str) -> User:
    """The user a reset link belongs to; LinkInvalid / LinkExpired otherwise."""
    minutes = int(current_app.config["PORTAL"]["security"]["reset_link_minutes"])
    payload = links.read_token(emails.RESET_PURPOSE, token, minutes * 60)
    user = User.get_or_none(User.id == payload.get("u"))
    if not user or user.password_hash[-12:] != payload.get("p"):
        raise links.LinkInvalid("used or unknown")
    return user


def set_password(user: User, password: str, actor=None) -> None:
    with database.atomic():
        user.password_hash = passwords.hashed(password)
        # A reset link came to this address, so the address is confirmed as well.
        user.email_confirmed = True
        user.save(only=[User.password_hash, User.email_confirmed])
        end_sessions(user)
        throttle.forget(user.email)
        audit.record(actor or user, "account.password", f"user:{user.id}")
