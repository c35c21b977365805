"""The settings page, built from the sections features registered, and the save every section's handler shares."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from portal import settings
from portal.access import current_program
from portal.admin import registry
from portal.models import Program


def render(program: Program, anchor: str | None = None, form=None, status: int = 200):
    """Every section in order; the section `anchor` shows `form` (with its errors and what was typed)."""
    parts = []
    for section in registry.sections():
        shown = form if section.anchor == anchor else section.new_form(program) if section.form else None
        extra = section.context(program) if section.context else {}
        parts.append((section, Markup(render_template(section.template, section=section, form=shown, **extra))))
    return render_template("admin/settings.html", sections=parts), status


def save_section(anchor: str):
    """Validate a section's form and save its settings together, or show the page again with the errors."""
    section = registry.SECTIONS[anchor]
    program = current_program()
    form = section.form()
    if not form.validate():
        return render(program, anchor, form, status=400)
    changed = settings.save(program, {key: form[key].data for key in section.keys}, current_user)
    flash(section.saved if changed else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("admin.settings") + f"#{anchor}")
