"""CSRF refused on every POST route of the URL map, for a caller the route would otherwise serve (the route matrix
says who): no token, or a token from another browser's session, is a 400 that does nothing."""
from __future__ import annotations

import pytest

from portal.models import AuditLog, Email
from tests.meetings.conftest import calendar_secret, frozen  # noqa: F401
from tests.pairing.conftest import _fresh_directory_cache, within  # noqa: F401
from tests.security.test_route_matrix import TABLE, asked
from tests.security.world import ROLES, world  # noqa: F401

REFUSED = {"login", "403", "404"}  # answers that mean the caller may not use the route at all
CSRF_MESSAGE = "Your session changed since the form was opened"


def _user_of(answers: dict[str, str]) -> str:
    """The first role the route serves: the CSRF check must hold where the access check lets the request through."""
    return next(role for role in ROLES if answers[role] not in REFUSED)


POSTS = {endpoint: _user_of(answers) for endpoint, method, answers in TABLE if method == "POST"}


def test_every_post_route_has_a_caller_to_try():
    assert len(POSTS) >= 60 and set(POSTS.values()) >= {"anonymous", "mentee", "mentor", "admin"}


@pytest.mark.parametrize("role", sorted(set(POSTS.values())))
def test_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(world, role):
    client, stranger = world.client(role), world.client("anonymous")
    foreign_token = stranger.token("/login")  # genuine, but signed for another browser's session
    routes = [(endpoint, rule) for endpoint, method, rule in asked(world.app) if method == "POST"
              and POSTS[endpoint] == role]
    writes_before = (AuditLog.select().count(), Email.select().count())
    accepted = []

    for endpoint, rule in routes:
        url = world.url(rule)
        for data in ({}, {"csrf_token": foreign_token}, {"csrf_token": "forged"}):
            response = client.post(url, data=data)
            if response.status_code != 400 or CSRF_MESSAGE not in response.get_data(as_text=True):
                accepted.append(f"POST {url} ({endpoint}) with {data or 'no token'}: {response.status_code}")

    assert routes and not accepted, "\n".join(accepted)
    assert (AuditLog.select().count(), Email.select().count()) == writes_before
