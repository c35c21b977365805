"""Calendar connection forms; the admins' calendar settings (Microsoft 365, private calendar servers allowed and
their certificate authorities)."""
from __future__ import annotations

import re
from urllib.parse import urlparse

from wtforms import PasswordField, RadioField, SelectMultipleField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from calendar_sync import trust
from calendar_sync.addresses import parse_allow_list
from portal.forms import PortalForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def web_address(form, field):
    parts = urlparse(field.data or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("Enter the full address, starting with https://.")


class CaldavForm(PortalForm):
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


GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DOMAIN = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _lower_stripped(value):
    # A field the browser did not send is None: stored as empty, which means Microsoft 365 is off.
    return value.strip().lower() if isinstance(value, str) else ""


def _lines(value):
    # One entry a line, blank lines and edge spaces dropped; a field the browser did not send is stored as empty.
    if not isinstance(value, str):
        return ""
    return "\n".join(line.strip() for line in value.splitlines() if line.strip())


def allow_list(form, field):
    problems = parse_allow_list(field.data)[1]
    if problems:
        raise ValidationError(" ".join(problems))


def certificate_authorities(form, field):
    problems = trust.problems(field.data)
    if problems:
        raise ValidationError(" ".join(problems))


class CalendarsForm(PortalForm):
    microsoft_tenant = StringField(
        "Microsoft 365 tenant", filters=[_lower_stripped], validators=[Optional(), Length(max=253)],
        description="The directory (tenant) id, or the tenant's domain such as contoso.onmicrosoft.com.",
    )
    microsoft_client_id = StringField(
        "Application (client) id", filters=[_lower_stripped], validators=[Optional(), Length(max=36)],
        description="From the portal's app registration in Microsoft Entra ID. Leave both empty to turn Microsoft 365 "
                    "calendars and sign-in off.",
    )
    calendar_allowed_hosts = TextAreaField(
        "Private calendar servers", filters=[_lines], validators=[Length(max=4000), allow_list],
        description="The portal connects participants' CalDAV calendars only on public addresses. To allow a server "
                    "on your own network (an internal Nextcloud, say), enter its host name, or a network such as "
                    "10.20.0.0/16, one per line.",
    )
    calendar_ca_bundle = TextAreaField(
        "Certificate authorities of private calendar servers", filters=[_lines],
        validators=[Length(max=100_000), certificate_authorities],
        description="If such a server's certificate comes from your organisation's own certificate authority, paste "
                    "that authority's certificate (PEM, -----BEGIN CERTIFICATE----- ...), or give the full path of a "
                    "PEM file on the portal's server. Public authorities stay trusted as well.",
    )

    def validate_microsoft_tenant(self, field):
        if not (GUID.match(field.data) or DOMAIN.match(field.data)):
            raise ValidationError("Enter the tenant id (like 72f988bf-86f1-41af-91ab-2d7cd011db47) or a domain "
                                  "(like contoso.onmicrosoft.com).")

    def validate_microsoft_client_id(self, field):
        if not GUID.match(field.data):
            raise ValidationError("Enter the application id as shown in Entra ID, like "
                                  "0a1b2c3d-4e5f-6789-abcd-ef0123456789.")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and bool(self.microsoft_tenant.data) != bool(self.microsoft_client_id.data):
            missing = self.microsoft_client_id if self.microsoft_tenant.data else self.microsoft_tenant
            missing.errors = ["Enter both the tenant and the application id, or leave both empty."]
            return False
        return valid


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (the name `render_field` draws as a fieldset); the questionnaire has its own,
    and a feature does not import another's forms."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CalendarChoiceForm(PortalForm):
    """Which of the account's calendars count as busy, and which one receives sessions (choices from the list)."""

    busy = CheckboxesField(
        "Calendars whose events make you busy", choices=[],
        validators=[DataRequired("Choose at least one calendar whose events make you busy.")],
        description="Session times are offered only when none of these has an event. Leave out calendars such as "
                    "holidays or other people's birthdays.",
    )
    sessions = RadioField(
        "Calendar that receives your sessions", choices=[],
        validators=[InputRequired("Choose the calendar your sessions go to.")],
        description="Sessions you organise are added to it.",
    )

    def offer(self, calendars) -> CalendarChoiceForm:
        """Offer the account's calendars: any that holds events as busy, those one may add to for sessions."""
        self.busy.choices = [(info.url, _label(info)) for info in calendars if info.events]
        self.sessions.choices = [(info.url, _label(info)) for info in calendars if info.takes_sessions]
        return self


def _label(info) -> str:
    return info.name + ("" if info.writable else " (read-only)")
