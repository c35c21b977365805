"""The chat channels' settings form and the test-message button."""
from __future__ import annotations

from urllib.parse import urlparse

from wtforms import BooleanField, HiddenField, URLField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, ValidationError

from portal.chat.webhooks import CHANNELS
from portal.forms import PortalForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def https_address(form, field):
    parts = urlparse(field.data or "")
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError("Paste the whole webhook address; it starts with https://.")
    if parts.username or parts.password or any(c.isspace() for c in field.data):
        raise ValidationError("This is not a webhook address: paste it exactly as the channel gave it.")


class ChatForm(PortalForm):
    slack_webhook_url = URLField(
        "Slack webhook address", filters=[_strip], validators=[Optional(), Length(max=1000), https_address],
        description="From a Slack app with Incoming Webhooks turned on, for the channel to post to "
                    "(https://hooks.slack.com/services/...). Leave empty to keep the address saved.",
    )
    forget_slack = BooleanField("Stop posting to Slack (remove the saved address)")
    teams_webhook_url = URLField(
        "Microsoft Teams webhook address", filters=[_strip], validators=[Optional(), Length(max=1000), https_address],
        description="From the channel's workflow “Post to a channel when a webhook request is received”. Leave empty "
                    "to keep the address saved.",
    )
    forget_teams = BooleanField("Stop posting to Microsoft Teams (remove the saved address)")


class ChatTestForm(PortalForm):
    channel = HiddenField(validators=[InputRequired("Choose a channel to test."), AnyOf(list(CHANNELS))])
