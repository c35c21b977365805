"""Reading a rendered form back: what a browser would show in each field."""
from __future__ import annotations

import re
from html.parser import HTMLParser


class Page(HTMLParser):
    """A rendered form: field values and field errors by element id, checked boxes by name."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.values, self.errors, self.checked = {}, {}, {}
        self._text_for = None
        self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") in ("radio", "checkbox"):
            if "checked" in a:
                self.checked.setdefault(a["name"], []).append(a.get("value"))
        elif tag == "input" and "id" in a:
            self.values[a["id"]] = a.get("value", "")
        elif tag == "textarea":
            self.values[a["id"]] = ""
            self._text_for = ("values", a["id"])
        elif tag == "select":
            self._select = a["id"]
            self.values[a["id"]] = None
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value")
        elif tag == "small" and "field-error" in a.get("class", ""):
            self.errors[a["id"].removesuffix("-error")] = ""
            self._text_for = ("errors", a["id"].removesuffix("-error"))

    def handle_endtag(self, tag):
        if tag == "textarea":
            # As in browsers, a newline straight after <textarea> is not part of the value.
            store, key = self._text_for
            self.values[key] = re.sub(r"^\r?\n", "", self.values[key])
        if tag in ("textarea", "small"):
            self._text_for = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._text_for:
            store, key = self._text_for
            getattr(self, store)[key] += data
