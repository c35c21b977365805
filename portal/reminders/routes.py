"""The reminders' one page handler: saving their settings from the settings page."""
from __future__ import annotations

from flask import Blueprint

from portal.access import admin_required
from portal.admin import settings_page
from portal.reminders import settings as reminder_settings

blueprint = Blueprint("reminders", __name__)


@blueprint.post("/admin/settings/reminders")
@admin_required
def save_settings():
    """Save which reminders go and after how many days, all together."""
    return settings_page.save_section(reminder_settings.SECTION.anchor)
