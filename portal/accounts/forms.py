"""Account forms."""
from __future__ import annotations

import functools
import zoneinfo

from markupsafe import Markup
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import Choice
from wtforms.widgets import Select
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from portal.forms import PortalForm

MIN_PASSWORD = 10
MAX_PASSWORD = 500
MAX_EMAIL = 254  # the longest address mail servers deliver; the columns hold 255

ROLE_CHOICES = [
    ("mentee", "Mentee: I want a mentor"),
    ("mentor", "Mentor: I want to mentor someone"),
    ("both", "Both: mentor someone and have a mentor"),
]


@functools.cache
def timezone_choices() -> tuple[tuple[str, str], ...]:
    """Every named time zone, UTC first; listed once per process, since listing them walks the zone files."""
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return (("UTC", "UTC"), *((z, z.replace("_", " ")) for z in zones))


class _ZoneSelect(Select):
    """A select whose options are drawn once per process: the time zone list puts about 600 on every form asking."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        return _zone_option(choice.value, choice.label, choice.selected)


@functools.cache
def _zone_option(value: str, label: str, selected: bool) -> Markup:
    # Bounded: one entry per zone, chosen or not.
    return Select.render_option(Choice(value, label, selected, None))


class TimezoneField(SelectField):
    """Someone's time zone, chosen from every named zone."""

    widget = _ZoneSelect()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=timezone_choices(), **kwargs)


def _at_most(length: int) -> Length:
    return Length(max=length, message=f"Up to {length:,} characters.")


def strong_enough(form, field):
    password = field.data or ""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Use at least {MIN_PASSWORD} characters.")
    if password.lower() in {"password123", "1234567890", "qwertyuiop"} or len(set(password)) < 4:
        raise ValidationError("This password is too easy to guess.")
    email = getattr(form, "email", None)
    if email is not None and email.data and password.lower() == email.data.lower():
        raise ValidationError("Do not use your email address as your password.")


def _email(label: str = "Email") -> EmailField:
    """The address someone signs in with, as every account form asks for it."""
    return EmailField(label, validators=[
        InputRequired("Enter your email address."), Email("Enter a valid email address."), _at_most(MAX_EMAIL)])


def _new_password(label: str) -> PasswordField:
    """A password being chosen (registering or resetting): long enough and not easy to guess."""
    return PasswordField(label, validators=[InputRequired("Choose a password."), _at_most(MAX_PASSWORD), strong_enough],
                         description=f"At least {MIN_PASSWORD} characters.")


def _repeated_password(label: str) -> PasswordField:
    """The chosen password typed again; it must equal the form's `password`."""
    return PasswordField(label, validators=[InputRequired("Repeat your password."), _at_most(MAX_PASSWORD),
                                            EqualTo("password", "The two passwords differ.")])


class LoginForm(PortalForm):
    email = _email()
    password = PasswordField("Password", validators=[InputRequired("Enter your password."), _at_most(MAX_PASSWORD)])
    remember = BooleanField("Keep me logged in on this device")


class RegisterForm(PortalForm):
    # DataRequired, not InputRequired: a name of only spaces is no name.
    name = StringField("Full name", validators=[DataRequired("Enter your name."), Length(max=120)])
    email = _email("Work email")
    password = _new_password("Password")
    confirm = _repeated_password("Repeat password")
    role = RadioField("I am joining as", choices=ROLE_CHOICES, validators=[InputRequired("Choose how you are joining.")])
    timezone = TimezoneField("Time zone", default="UTC")


class ForgotForm(PortalForm):
    email = _email()


class ResetForm(PortalForm):
    password = _new_password("New password")
    confirm = _repeated_password("Repeat new password")
