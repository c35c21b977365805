"""Calendar settings: the Microsoft 365 tenant and application, the private calendar servers participants may
connect and the certificate authorities they may use; the calendars section of the settings page."""
from __future__ import annotations

from portal import links, settings
from portal.admin import registry
from portal.calendars import microsoft
from portal.calendars.forms import CalendarsForm
from portal.models import Program

settings.define(
    "microsoft_tenant", "", str,
    "Microsoft 365 tenant (directory) id or domain; empty turns Microsoft calendars and sign-in off.",
)
settings.define("microsoft_client_id", "", str, "The application (client) id registered for the portal in that tenant.")
settings.define(
    "calendar_allowed_hosts", "", str,
    "Calendar servers on private or local addresses that participants may connect: host names and networks (CIDR), "
    "one per line; every other address must be public.",
)

settings.define(
    "calendar_ca_bundle", "", str,
    "Certificate authorities that private CalDAV servers' certificates may come from, besides the system's: pasted PEM "
    "certificates, or the path of a PEM file on the portal's server.",
)


def _microsoft_status(program: Program) -> dict:
    """Whether the client secret is in the environment (never its value), whether Microsoft 365 is on, and the
    redirect addresses to register for the app."""
    return {"microsoft": {
        "secret_env": microsoft.secret_env(), "secret_present": microsoft.secret_present(),
        "on": microsoft.setup() is not None,
        "redirects": [links.absolute_url("calendars.microsoft_callback"),
                      links.absolute_url("accounts.microsoft_login_callback")],
    }}


SECTION = registry.section(
    anchor="calendars", title="Calendars", template="calendars/_settings.html", order=70, form=CalendarsForm,
    endpoint="calendars.save_settings", keys=("microsoft_tenant", "microsoft_client_id", "calendar_allowed_hosts",
                                                 "calendar_ca_bundle"),
    saved="Calendar settings saved.", context=_microsoft_status,
)
