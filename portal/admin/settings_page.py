"""The settings page, built from the sections features registered, and the save every section's handler shares."""
from __future__ import annotations

from flask import flash, get_flashed_messages, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from portal import settings
from portal.access import current_program
from portal.admin import registry
from portal.models import Program


# A section's own messages are flashed under this prefix and shown next to it; base.html leaves them out.
SECTION_FLASH = "section:"


def flash_saved(anchor: str, message: str, level: str = "success") -> None:
    """A message for one section, shown next to it when the page comes back."""
    flash(message, f"{SECTION_FLASH}{anchor}:{level}")


def _section_messages() -> dict[str, list[tuple[str, str]]]:
    messages: dict[str, list[tuple[str, str]]] = {}
    for category, message in get_flashed_messages(with_categories=True):
        if category.startswith(SECTION_FLASH):
            anchor, _, level = category.removeprefix(SECTION_FLASH).rpartition(":")
            messages.setdefault(anchor, []).append((level, message))
    return messages


def _errors(form) -> list[tuple[str, str, str]]:
    """(field id, label, message) for each error of the form shown with errors, in the form's order."""
    if form is None:
        return []
    found = [("", "", message) for message in getattr(form, "form_errors", [])]
    for field in form:
        for message in field.errors if isinstance(field.errors, list) else []:
            found.append((field.id, field.label.text, message))
    return found


def render(program: Program, anchor: str | None = None, form=None, status: int = 200):
    """Every section in order; the section `anchor` shows `form` (with its errors and what was typed)."""
    parts = []
    for section in registry.sections():
        shown = form if section.anchor == anchor else section.new_form(program) if section.form else None
        extra = section.context(program) if section.context else {}
        parts.append((section, Markup(render_template(section.template, section=section, form=shown, **extra))))
    errors = _errors(form) if status >= 400 else []
    return render_template("admin/settings.html", sections=parts, messages=_section_messages(), errors=errors,
                           failed=registry.SECTIONS.get(anchor) if errors else None), status


def save_section(anchor: str):
    """Validate a section's form and save its settings together, or show the page again with the errors."""
    section = registry.SECTIONS[anchor]
    program = current_program()
    form = section.form()
    if not form.validate():
        return render(program, anchor, form, status=400)
    changed = settings.save(program, {key: form[key].data for key in section.keys}, current_user)
    flash_saved(anchor, section.saved if changed else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("admin.settings") + f"#{anchor}")
