"""Which addresses the library may fetch, and the admin's allow-list: plain functions, no network."""
from __future__ import annotations

import ipaddress

import pytest

from calendar_sync.addresses import AddressPolicy, is_public, parse_allow_list

REFUSED = [
    "127.0.0.1", "127.8.9.10", "0.0.0.0", "0.1.2.3", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
    "100.64.0.1",  # carrier-grade NAT
    "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.2.10", "198.18.0.1",
    "::1", "::", "fe80::1", "fe80::1%eth0", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "ff0e::1",
    "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254",  # IPv4-mapped
    "2002:7f00:1::1", "2002:a00:1::1",  # 6to4 around 127.0.0.1 and 10.0.0.1
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",  # NAT64 around 127.0.0.1 and 169.254.169.254
    "2001::1", "2001:db8::1", "100::1",
]
PUBLIC = ["93.184.216.34", "1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001:81c::200e",
          "::ffff:93.184.216.34", "2002:5db8:d822::1", "64:ff9b::5db8:d822"]


@pytest.mark.parametrize("address", REFUSED)
def test_internal_and_special_addresses_are_not_public(address):
    assert not is_public(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_public(address):
    assert is_public(address)


def test_by_default_only_public_addresses_pass_and_every_address_of_a_name_must():
    policy = AddressPolicy()

    assert policy.refusal("example.org", ["93.184.216.34", "2606:4700:4700::1111"]) is None
    assert "127.0.0.1" in policy.refusal("localhost", ["127.0.0.1"])
    # One internal address among public ones is enough to refuse the name.
    assert "10.0.0.7" in policy.refusal("mixed.example.org", ["93.184.216.34", "10.0.0.7"])
    assert policy.refusal("mapped.example.org", ["::ffff:127.0.0.1"]) is not None


def test_an_allowed_host_passes_by_name_and_an_allowed_network_by_address():
    policy, problems = parse_allow_list("Nextcloud.Intra.Example.\n\n# the office network\n10.20.0.0/16\nfd00::/8\n")

    assert problems == []
    assert policy.hosts == {"nextcloud.intra.example"}
    assert policy.networks == (ipaddress.ip_network("10.20.0.0/16"), ipaddress.ip_network("fd00::/8"))
    assert policy.refusal("NEXTCLOUD.intra.example.", ["10.99.0.1", "127.0.0.1"]) is None
    assert policy.refusal("cal.intra.example", ["10.20.3.4"]) is None
    assert policy.refusal("cal.intra.example", ["::ffff:10.20.3.4"]) is None  # mapped: the IPv4 it is
    assert policy.refusal("cal6.intra.example", ["fd00::5"]) is None
    # Only what is listed: a neighbouring network, another host name, loopback stay refused.
    assert policy.refusal("cal.intra.example", ["10.21.0.1"]) is not None
    assert policy.refusal("other.intra.example", ["10.99.0.1"]) is not None
    assert policy.refusal("localhost", ["127.0.0.1"]) is not None


def test_an_address_alone_allows_that_address():
    policy, problems = parse_allow_list("127.0.0.1\n[::1]\n::ffff:10.0.0.0/104")

    assert problems == []
    assert policy.refusal("mapped.intra.example", ["10.9.9.9"]) is None  # written mapped, matched as IPv4
    assert policy.refusal("127.0.0.1", ["127.0.0.1"]) is None
    assert policy.refusal("::1", ["::1"]) is None
    assert policy.refusal("127.0.0.2", ["127.0.0.2"]) is not None


@pytest.mark.parametrize("line, says", [
    ("https://cloud.example.org/", "without https://"),
    ("cloud.example.org:8443", "without https://"),
    ("cloud.example.org/dav", "is not a network"),
    ("10.0.0.1/8", "did you mean 10.0.0.0/8?"),
    ("10.0.0.0/33", "is not a network"),
    ("10.0.0.256", "is not a host name or a network"),
    ("not a host", "is not a host name or a network"),
    ("-bad-.example.org", "is not a host name or a network"),
])
def test_lines_that_are_neither_a_host_nor_a_network_are_named(line, says):
    policy, problems = parse_allow_list(f"good.example.org\n{line}")

    assert len(problems) == 1 and problems[0].startswith("Line 2:") and says in problems[0], problems
    assert policy.hosts == {"good.example.org"}  # the lines that read still count
