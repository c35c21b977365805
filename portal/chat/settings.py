"""Chat channel settings: the Slack and Microsoft Teams webhook addresses (stored encrypted); the chat section of the
settings page, with a test button for each channel and the announcements posted so far."""
from __future__ import annotations

from portal import settings
from portal.admin import registry
from portal.chat import addresses, announcements, occasions
from portal.chat.forms import ChatForm, ChatTestForm
from portal.chat.webhooks import CHANNELS
from portal.models import Program
from portal.programme.operations import dates_of

settings.define("slack_webhook_url", "", str,
                "The Slack channel's incoming-webhook address, encrypted; empty posts nothing to Slack.")
settings.define("teams_webhook_url", "", str,
                "The Microsoft Teams channel's workflow webhook address, encrypted; empty posts nothing to Teams.")


def _blank(program: Program) -> dict:
    # Saved addresses are secrets: the form starts empty and shows only how each one begins and ends.
    return {}


def _context(program: Program) -> dict:
    return {"channels": addresses.status(program), "test_form": ChatTestForm(formdata=None),
            "occasions": occasions.calendar(dates_of(program)), "occasion_labels": occasions.LABELS,
            "channel_labels": CHANNELS, "announced": announcements.recent(program)}


SECTION = registry.section(
    anchor="chat", title="Chat channels", template="chat/_settings.html", order=75, form=ChatForm,
    endpoint="chat.save_settings", keys=("slack_webhook_url", "teams_webhook_url"),
    saved="Chat channels saved.", initial=_blank, context=_context,
)
