"""The CalDAV client fetches only allowed addresses, on every request and redirect, and within its deadline.

Each refusal is shown to connect nothing: the address is a Listener that records every connection it accepts.
"""
from __future__ import annotations

import socket
import time

import pytest

from calendar_sync import caldav_source
from calendar_sync.addresses import parse_allow_list
from calendar_sync.caldav_source import NOT_REACHED
from calendar_sync.errors import AddressNotAllowed, Unreachable
from tests.calendar_sync import peers


def allowing(text: str):
    policy, problems = parse_allow_list(text)
    assert problems == []
    return policy


def refused(url: str, policy=None) -> AddressNotAllowed:
    started = time.monotonic()
    with pytest.raises(AddressNotAllowed) as caught:
        caldav_source.connect(url, "someone", "secret", timeout=5, policy=policy)
    assert time.monotonic() - started < 2  # refused before any connection, never waited for
    assert caught.value.message == NOT_REACHED
    return caught.value


@pytest.fixture
def listener():
    with peers.Listener() as listening:
        yield listening


@pytest.mark.parametrize("form", [
    "http://127.0.0.1:{port}/dav/",
    "http://localhost:{port}/dav/",  # a name that resolves to 127.0.0.1
    "http://[::ffff:127.0.0.1]:{port}/",  # IPv4-mapped IPv6
    "http://2130706433:{port}/",  # 127.0.0.1 written as one number
    "http://127.1:{port}/",
    "https://127.0.0.1:{port}/",
])
def test_loopback_is_refused_by_default_and_nothing_connects(listener, form):
    error = refused(form.format(port=listener.port))

    assert "127.0.0.1" in error.detail
    assert listener.accepted == []


@pytest.mark.parametrize("url", [
    "http://10.0.0.1/", "http://192.168.1.1:8080/", "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/", "http://0.0.0.0:5000/", "http://[::1]/", "http://[fe80::1]/", "http://[fd00::1]/",
    "http://[::]/", "http://224.0.0.1/",
])
def test_private_link_local_and_other_internal_addresses_are_refused_by_default(url):
    refused(url)


def test_ipv6_loopback_is_refused_and_nothing_connects():
    with peers.Listener("::1") as listening:
        refused(f"http://[::1]:{listening.port}/")
        assert listening.accepted == []


def test_an_address_allowed_by_network_or_by_name_is_fetched(caldav_account):
    for policy, url in [(allowing("127.0.0.0/8"), caldav_account.url),
                        (allowing("localhost"), caldav_account.url.replace("127.0.0.1", "localhost"))]:
        account = caldav_source.connect(url, caldav_account.username, caldav_account.password, policy=policy)
        [info] = account.calendars()
        assert info.name == "Work"
        account.close()


def test_an_allowed_name_does_not_allow_its_address(listener):
    # Allowing "localhost" is not allowing 127.0.0.1 typed as such.
    refused(f"http://127.0.0.1:{listener.port}/", allowing("localhost"))
    assert listener.accepted == []


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/dav/", "http://[::ffff:127.0.0.1]:{port}/"])
def test_a_redirect_from_an_allowed_server_to_a_refused_address_is_not_followed(listener, target):
    redirect = peers.redirecting_to(target.format(port=listener.port))
    with peers.web_server(redirect) as url:
        allowed = url.replace("127.0.0.1", "localhost")  # the server is allowed by its name only

        refused(allowed, allowing("localhost"))

    assert listener.accepted == []


def test_a_redirect_to_a_unix_socket_is_not_followed(tmp_path):
    path = tmp_path / "docker.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        server.listen(4)
        server.settimeout(0.2)
        target = "http+unix://" + str(path).replace("/", "%2F") + "/info"
        with peers.web_server(peers.redirecting_to(target)) as url:
            with pytest.raises(Unreachable) as caught:
                caldav_source.connect(url, "someone", "secret", timeout=1, policy=peers.LOOPBACK)
        with pytest.raises(TimeoutError):
            server.accept()  # nobody came

    assert caught.value.message == NOT_REACHED


def test_a_name_that_rebinds_to_a_refused_address_is_refused_on_the_next_connection(monkeypatch):
    """Each connection resolves the name once and connects to the addresses it checked: a name that first answers
    with an allowed server (127.0.0.2 here), then with 127.0.0.1, never reaches 127.0.0.1."""
    real = socket.getaddrinfo
    seen = []

    def rebinding(host, port, *args, **kwargs):
        if host == "rebind.example":
            seen.append("127.0.0.2" if not seen else "127.0.0.1")
            return real(seen[-1], port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    # The allowed server answers with a web page and closes the connection (HTTP/1.0), so telling that it is not
    # CalDAV takes a second connection, made to the same port.
    with peers.web_server(peers.WebPage, host="127.0.0.2") as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        with peers.Listener("127.0.0.1", port) as listening:
            monkeypatch.setattr(socket, "getaddrinfo", rebinding)
            with pytest.raises(Unreachable) as caught:
                caldav_source.connect(f"http://rebind.example:{port}/", "someone", "secret", timeout=1, deadline=3,
                                      policy=allowing("127.0.0.2"))

    assert isinstance(caught.value, AddressNotAllowed) and caught.value.message == NOT_REACHED
    assert seen[:2] == ["127.0.0.2", "127.0.0.1"]
    assert listening.accepted == []


def test_a_closed_port_and_a_silent_server_read_the_same(listener, free_tcp_port):
    errors = []
    for url in (f"http://127.0.0.1:{free_tcp_port}/", f"http://127.0.0.1:{listener.port}/"):
        with pytest.raises(Unreachable) as caught:
            caldav_source.connect(url, "someone", "secret", timeout=0.5, policy=peers.LOOPBACK)
        errors.append(caught.value)

    assert listener.accepted  # the silent one was reached, and let the request time out
    assert [type(e) for e in errors] == [Unreachable, Unreachable]
    assert [e.message for e in errors] == [NOT_REACHED, NOT_REACHED]


def test_a_server_that_drips_its_answer_is_cut_off_at_the_deadline():
    with peers.web_server(peers.Dripping) as url:
        started = time.monotonic()
        with pytest.raises(Unreachable) as caught:
            # Every byte comes well within the read timeout; only the deadline stops it (300 bytes take 60 s).
            caldav_source.connect(url, "someone", "secret", timeout=2, deadline=1.5, policy=peers.LOOPBACK)
        took = time.monotonic() - started

    assert caught.value.message == NOT_REACHED
    assert took < 4.5, took
