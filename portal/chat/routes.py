"""The chat section's handlers: save the webhook addresses, post a test message."""
from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from portal.access import admin_required, current_program
from portal.admin import settings_page
from portal.chat import addresses, announcements
from portal.chat import settings as chat_settings
from portal.chat.forms import ChatForm, ChatTestForm
from portal.chat.webhooks import CHANNELS

blueprint = Blueprint("chat", __name__)
ANCHOR = chat_settings.SECTION.anchor


def _back():
    return redirect(url_for("admin.settings") + f"#{ANCHOR}")


@blueprint.post("/admin/settings/chat")
@admin_required
def save_settings():
    """Save new webhook addresses (encrypted), or remove them; an empty field keeps the saved one."""
    program = current_program()
    form = ChatForm()
    if not form.validate():
        return settings_page.render(program, ANCHOR, form, status=400)
    changes = {}
    for channel in CHANNELS:
        typed = form[f"{channel}_webhook_url"].data
        if typed or form[f"forget_{channel}"].data:
            changes[channel] = typed or ""
    changed = addresses.save(program, changes, current_user)
    settings_page.flash_saved(ANCHOR, chat_settings.SECTION.saved if changed else "Nothing changed.",
                              "success" if changed else "info")
    return _back()


@blueprint.post("/admin/settings/chat/test")
@admin_required
def send_test():
    """Post a test message to one channel now and say how it went."""
    form = ChatTestForm()
    if not form.validate():
        settings_page.flash_saved(ANCHOR, "Choose Slack or Microsoft Teams to test.", "error")
        return _back()
    posted, message = announcements.send_test(current_program(), form.channel.data)
    settings_page.flash_saved(ANCHOR, message, "success" if posted else "error")
    return _back()
