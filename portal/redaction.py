"""Hiding the secrets that personal addresses carry (signed link tokens, calendar-feed secrets, sign-in codes) in text
shown to admins or written to logs, found from the app's own URL rules."""
from __future__ import annotations

import re

from werkzeug.routing import Map

MARK = "…"
# A URL rule's variable with one of these names is a key to someone's data: whoever holds the address gets in.
SECRET_ARGUMENTS = frozenset({"token", "secret"})
# Query parameters that carry secrets: sign-in codes and state from Microsoft, and any token or password.
SECRET_PARAMETERS = frozenset({"token", "secret", "code", "state", "session_state", "client_info", "id_token",
                               "access_token", "refresh_token", "password", "key"})
# What a token is made of: itsdangerous' URL-safe base64 with its dots, or secrets.token_urlsafe.
_TOKEN = r"[A-Za-z0-9_.~-]+"
_TOKEN_END = r"(?![A-Za-z0-9_.~-])"
_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([A-Za-z_][A-Za-z0-9_]*)>")
_SEPARATOR = r"(?:/|%2[Ff])"  # a path, or the same path percent-encoded inside a query parameter (?next=...)
_PARAMETER = re.compile(r"(?P<lead>[?&;]|&amp;)(?P<name>[A-Za-z_]+)=(?P<value>[^&;#\s\"'<>]*)")


def _segment_pattern(segment: str) -> tuple[str, bool]:
    """A regex for one path segment of a rule, and whether it holds a secret (then as the group `secret`)."""
    pattern, at = "", 0
    for variable in _VARIABLE.finditer(segment):
        pattern += re.escape(segment[at:variable.start()])
        if variable.group(1) in SECRET_ARGUMENTS:
            suffix = segment[variable.end():]
            if suffix:  # e.g. <secret>.ics: the secret stops where the rule's own text starts (or the address ends)
                pattern += rf"(?P<secret>{_TOKEN}?)(?={re.escape(suffix)}|{_TOKEN_END})"
            else:
                pattern += rf"(?P<secret>{_TOKEN}){_TOKEN_END}"
            return pattern, True
        pattern += r"[^/?#\s]+"
        at = variable.end()
    return pattern + re.escape(segment[at:]), False


def secret_path_patterns(url_map: Map) -> list[re.Pattern]:
    """One pattern per URL rule with a secret in its path, matching up to and including the secret."""
    patterns = {}
    for rule in url_map.iter_rules():
        if not rule.arguments & SECRET_ARGUMENTS:
            continue
        pieces = []
        for segment in rule.rule.split("/")[1:]:
            pattern, secret = _segment_pattern(segment)
            pieces.append(pattern)
            if secret:
                break
        patterns[_SEPARATOR + _SEPARATOR.join(pieces)] = None
    return [re.compile(p) for p in patterns]


class Redactor:
    """Replaces the secret part of every personal address in a text with a mark, leaving the rest readable."""

    def __init__(self, url_map: Map, mark: str = MARK):
        self.patterns = secret_path_patterns(url_map)
        self.mark = mark

    def _hide_secret(self, found: re.Match) -> str:
        start, end = found.span("secret")
        return found.group(0)[: start - found.start()] + self.mark + found.group(0)[end - found.start():]

    def _hide_parameter(self, found: re.Match) -> str:
        if found.group("name").lower() not in SECRET_PARAMETERS or not found.group("value"):
            return found.group(0)
        return f"{found.group('lead')}{found.group('name')}={self.mark}"

    def text(self, text: str) -> str:
        """The text with every secret path segment and secret query parameter replaced by the mark."""
        if not text:
            return text
        for pattern in self.patterns:
            text = pattern.sub(self._hide_secret, text)
        return _PARAMETER.sub(self._hide_parameter, text)


def for_app(app) -> Redactor:
    """The app's redactor, built once from its URL map."""
    found = app.extensions.get("portal.redactor")
    if found is None:
        found = app.extensions["portal.redactor"] = Redactor(app.url_map)
    return found
