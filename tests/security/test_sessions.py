"""Sessions end at logout: copied session and remember-me cookies stop working; cookies are scoped and secured."""
from __future__ import annotations

import datetime as dt

import pytest

from portal.models import User
from tests.conftest import PASSWORD, PortalClient


def is_logged_in(client) -> bool:
    response = client.client.get("/profile")
    return response.status_code == 302 and response.headers["Location"].startswith("/people/")


def replay(app, cookies: dict[str, str]) -> PortalClient:
    """A fresh browser holding only copies of these cookies."""
    thief = PortalClient(app.test_client())
    for name, value in cookies.items():
        thief.client.set_cookie(name, value, domain="localhost")
    return thief


def copied(client, *names: str) -> dict[str, str]:
    cookies = {name: client.client.get_cookie(name, domain="localhost") for name in names}
    assert all(cookies.values()), f"missing cookies: {[n for n, c in cookies.items() if c is None]}"
    return {name: cookie.value for name, cookie in cookies.items()}


def login(client, email: str, remember: bool = False):
    data = {"email": email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    response = client.submit("/login", data)
    assert response.status_code == 302
    return response


def test_a_copied_session_cookie_stops_working_after_logout(app, client, create_user):
    create_user("mia@example.org")
    login(client, "mia@example.org")
    stolen = copied(client, "session")
    assert is_logged_in(replay(app, stolen))

    client.submit("/logout", page="/")

    assert not is_logged_in(replay(app, stolen))
    assert not is_logged_in(client)


def test_a_copied_remember_me_cookie_stops_working_after_logout(app, client, create_user):
    create_user("mia@example.org")
    login(client, "mia@example.org", remember=True)
    stolen = copied(client, "remember_token")
    # The remember-me cookie alone logs a browser in: that is what it is for.
    assert is_logged_in(replay(app, stolen))

    client.submit("/logout", page="/")

    assert not is_logged_in(replay(app, stolen))


def test_logging_in_again_after_logout_works(client, create_user):
    create_user("mia@example.org")
    login(client, "mia@example.org")
    client.submit("/logout", page="/")

    login(client, "mia@example.org")

    assert is_logged_in(client)


def test_logout_raises_the_session_version(client, create_user):
    mia = create_user("mia@example.org")
    login(client, "mia@example.org")

    client.submit("/logout", page="/")

    assert User.get_by_id(mia.id).session_version == mia.session_version + 1


def test_remember_cookie_lives_two_weeks_is_http_only_and_same_site_lax(client, create_user):
    create_user("mia@example.org")

    response = login(client, "mia@example.org", remember=True)

    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    expires = client.client.get_cookie("remember_token", domain="localhost").expires
    left = expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=13, hours=23) < left <= dt.timedelta(days=14)


@pytest.mark.parametrize(("base_url", "setting", "secure"), [
    ("https://mentoring.example.org", "auto", True),
    ("http://localhost", "auto", False),
    ("http://localhost", True, True),
    ("https://mentoring.example.org", False, False),
])
def test_cookies_are_secure_when_served_over_https(make_app, create_user, base_url, setting, secure):
    app = make_app(server={"base_url": base_url}, security={"secure_cookies": setting})
    create_user("mia@example.org")
    client = app.test_client()
    # The test client keeps Secure cookies only for https requests, and CSRF over https checks the Referer.
    origin = f"{base_url.split(':', 1)[0]}://localhost"
    page = client.get("/login", base_url=origin)
    found = PortalClient.TOKEN.search(page.get_data(as_text=True))
    token = found.group(1) or found.group(2)
    response = client.post(
        "/login", base_url=origin, headers={"Referer": f"{origin}/login"},
        data={"csrf_token": token, "email": "mia@example.org", "password": PASSWORD, "remember": "y"},
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(("session=", "remember_token="))]
    assert len(cookies) == 2
    assert all(("; Secure" in c) is secure for c in cookies)
