"""Calendar connection forms."""
from __future__ import annotations

from urllib.parse import urlparse

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def web_address(form, field):
    parts = urlparse(field.data or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("Enter the full address, starting with https://.")


class CaldavForm(FlaskForm):
    url = URLField(
        "Calendar server address", filters=[_strip],
        validators=[DataRequired("Enter your calendar server's address."), Length(max=255), web_address],
        description="For example https://cloud.example.org/remote.php/dav/ (Nextcloud) or "
                    "https://caldav.fastmail.com/ (Fastmail). Your provider's help pages name it.",
    )
    username = StringField("User name", filters=[_strip],
                           validators=[DataRequired("Enter your user name."), Length(max=255)])
    password = PasswordField(
        "App password", validators=[InputRequired("Enter the password."), Length(max=500)],
        description="Create an app password for the portal in your account's security settings where your "
                    "provider offers one. It is stored encrypted.",
    )
