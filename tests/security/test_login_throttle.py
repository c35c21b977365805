"""Login throttling slows guessing down without letting anyone lock out someone else (README "Security")."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from portal.accounts import throttle
from portal.models import LoginAttempt
from tests.conftest import PASSWORD, PortalClient

LIMITS = {"login_max_failures": 3, "login_window_minutes": 15, "login_account_free_failures": 5,
          "login_address_free_failures": 8, "login_max_delay_seconds": 60}


def later(**delta) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(**delta)


@pytest.fixture
def throttled_app(make_app):
    return make_app(security=LIMITS)


@pytest.fixture
def browser(throttled_app):
    """make a browser: browser() -> a fresh client with no cookies."""
    return lambda: PortalClient(throttled_app.test_client())


def attempt(client, email: str, password: str = "wrong password!", ip: str = "10.0.0.1", **kwargs):
    return client.submit("/login", {"email": email, "password": password},
                         environ_base={"REMOTE_ADDR": ip}, **kwargs)


def fail(client, email: str, times: int, ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        assert attempt(client, email, ip=ip).status_code == 401


def log_in_and_out(client, email: str, ip: str = "10.0.0.1") -> None:
    """Log in once from this browser (it becomes known to the account), then out."""
    assert attempt(client, email, PASSWORD, ip=ip).status_code == 302
    assert client.submit("/logout", page="/").status_code == 302


def test_failures_from_one_address_do_not_lock_the_owner_out_from_another(browser, create_user):
    create_user("mia@example.org")
    fail(browser(), "mia@example.org", 3, ip="203.0.113.9")

    assert attempt(browser(), "mia@example.org", PASSWORD, ip="198.51.100.7").status_code == 302


def test_the_guessing_address_waits_for_the_window_even_with_the_right_password(browser, create_user):
    create_user("mia@example.org")
    attacker = browser()
    fail(attacker, "mia@example.org", 3, ip="203.0.113.9")

    refused = attempt(attacker, "mia@example.org", PASSWORD, ip="203.0.113.9")
    assert refused.status_code == 429
    assert "Too many failed attempts. Try again in 15 minutes" in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] == "900"
    with time_machine.travel(later(minutes=16)):
        assert attempt(attacker, "mia@example.org", PASSWORD, ip="203.0.113.9").status_code == 302


def test_a_colleague_behind_the_same_address_cannot_lock_the_owner_out(browser, create_user):
    """Behind one NAT address: the owner's own browser is known to her account and keeps working."""
    create_user("mia@example.org")
    mia = browser()
    log_in_and_out(mia, "mia@example.org", ip="192.0.2.1")
    fail(browser(), "mia@example.org", 3, ip="192.0.2.1")
    assert attempt(browser(), "mia@example.org", PASSWORD, ip="192.0.2.1").status_code == 429

    assert attempt(mia, "mia@example.org", PASSWORD, ip="192.0.2.1").status_code == 302


def test_guessing_one_account_from_many_addresses_meets_a_doubling_delay(browser, create_user):
    create_user("mia@example.org")
    for n in range(5):
        fail(browser(), "mia@example.org", 1, ip=f"203.0.113.{n}")

    first = attempt(browser(), "mia@example.org", PASSWORD, ip="203.0.113.100")
    assert first.status_code == 429
    assert "Too many failed attempts on this account. Wait" in first.get_data(as_text=True)
    assert 0 < int(first.headers["Retry-After"]) <= 1
    # A refused attempt is not heard, so it is not counted either.
    assert LoginAttempt.select().count() == 5
    with time_machine.travel(later(seconds=2), tick=False):
        fail(browser(), "mia@example.org", 1, ip="203.0.113.101")
        assert int(attempt(browser(), "mia@example.org", ip="203.0.113.102").headers["Retry-After"]) == 2
    with time_machine.travel(later(seconds=5)):
        assert attempt(browser(), "mia@example.org", PASSWORD, ip="203.0.113.103").status_code == 302


def test_the_delay_stops_growing_at_its_cap(browser, create_user):
    create_user("mia@example.org")
    for n in range(20):
        with time_machine.travel(later(seconds=70 * n), tick=False):
            fail(browser(), "mia@example.org", 1, ip=f"203.0.113.{n}")
    with time_machine.travel(later(seconds=70 * 19), tick=False):
        refused = attempt(browser(), "mia@example.org", ip="203.0.113.200")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"


def test_the_owners_known_browser_skips_the_account_delay(browser, create_user):
    create_user("mia@example.org")
    mia = browser()
    log_in_and_out(mia, "mia@example.org", ip="198.51.100.7")
    for n in range(5):
        fail(browser(), "mia@example.org", 1, ip=f"203.0.113.{n}")
    assert attempt(browser(), "mia@example.org", PASSWORD, ip="203.0.113.50").status_code == 429

    assert attempt(mia, "mia@example.org", PASSWORD, ip="198.51.100.7").status_code == 302


def test_one_address_spraying_accounts_waits_but_its_known_browsers_and_other_addresses_do_not(
    browser, create_user
):
    create_user("mia@example.org")
    create_user("noor@example.org")
    noor = browser()
    log_in_and_out(noor, "noor@example.org", ip="192.0.2.1")
    sprayer = browser()
    for n in range(8):
        fail(sprayer, f"person{n}@example.org", 1, ip="192.0.2.1")

    refused = attempt(browser(), "mia@example.org", PASSWORD, ip="192.0.2.1")
    assert refused.status_code == 429
    assert "Too many failed attempts from your network" in refused.get_data(as_text=True)
    assert attempt(noor, "noor@example.org", PASSWORD, ip="192.0.2.1").status_code == 302
    assert attempt(browser(), "mia@example.org", PASSWORD, ip="198.51.100.7").status_code == 302


def test_a_known_device_cookie_of_another_account_earns_nothing(browser, throttled_app, create_user):
    create_user("mia@example.org")
    create_user("eve@example.org")
    eve = browser()
    log_in_and_out(eve, "eve@example.org", ip="203.0.113.9")
    fail(eve, "mia@example.org", 3, ip="203.0.113.9")

    assert attempt(eve, "mia@example.org", PASSWORD, ip="203.0.113.9").status_code == 429
    with throttled_app.app_context():
        token = eve.client.get_cookie(throttle.DEVICE_COOKIE, domain="localhost").value
        assert throttle.known_device(token, "eve@example.org")
        assert throttle.known_device(token, "mia@example.org") == ""
        assert throttle.known_device(token + "x", "eve@example.org") == ""


def test_known_device_cookie_is_http_only_and_same_site(browser, create_user):
    create_user("mia@example.org")

    response = attempt(browser(), "mia@example.org", PASSWORD)

    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(throttle.DEVICE_COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_behind_a_trusted_proxy_the_forwarded_client_address_counts(make_app, create_user):
    app = make_app(security=LIMITS, server={"proxy_hops": 1})
    create_user("mia@example.org")
    attacker, owner = PortalClient(app.test_client()), PortalClient(app.test_client())
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(3):
        response = attacker.submit("/login", {"email": "mia@example.org", "password": "wrong password!"},
                                   environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.9"})
        assert response.status_code == 401
    assert {a.ip for a in LoginAttempt.select()} == {"203.0.113.9"}

    # Everyone comes through the same proxy; only the guesser's own address waits.
    response = owner.submit("/login", {"email": "mia@example.org", "password": PASSWORD},
                            environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.7"})
    assert response.status_code == 302


def test_without_trusted_proxies_a_forged_forwarded_header_is_ignored(browser, create_user):
    create_user("mia@example.org")
    attacker = browser()
    for n in range(3):
        response = attacker.submit("/login", {"email": "mia@example.org", "password": "wrong password!"},
                                   environ_base={"REMOTE_ADDR": "203.0.113.9"},
                                   headers={"X-Forwarded-For": f"198.51.100.{n}"})
        assert response.status_code == 401

    refused = attacker.submit("/login", {"email": "mia@example.org", "password": PASSWORD},
                              environ_base={"REMOTE_ADDR": "203.0.113.9"}, headers={"X-Forwarded-For": "198.51.100.99"})
    assert refused.status_code == 429
