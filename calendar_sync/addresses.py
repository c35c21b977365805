"""Which network addresses the portal may connect to for a person: public ones, and what an admin allows.

A CalDAV address is typed by whoever connects a calendar, so without this rule the server could be made to fetch
its own network (cloud metadata, admin consoles, databases). Loopback, private, link-local, unique-local, multicast,
reserved and unspecified addresses are refused, IPv4 inside IPv6 (mapped, 6to4, NAT64) included, unless the admin
allows the host by name or its network. Plain functions and data: `guarded_http` applies them when connecting.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
# A DNS name: labels of letters, digits and hyphens; the last one not all digits (that would be an IPv4 address).
_HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)*"
                   r"(?=[a-z0-9-]*[a-z-])[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def address(text: str) -> IPAddress:
    """An address as getaddrinfo gives it (an IPv6 zone like %eth0 dropped), IPv4-mapped IPv6 as the IPv4 it is."""
    parsed = ipaddress.ip_address(text.split("%", 1)[0])
    if parsed.version == 6 and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped
    return parsed


def _embedded(ip: IPAddress) -> list[IPAddress]:
    """IPv4 addresses an IPv6 address leads to: 6to4, Teredo's client."""
    if ip.version == 4:
        return []
    found = []
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.append(ip.teredo[1])
    return found


def is_public(ip: IPAddress | str) -> bool:
    """True for an address on the public internet; False for loopback, private, link-local, unique-local,
    site-local, multicast, reserved, unspecified and shared (carrier-grade NAT) ones, and for IPv6 forms that
    carry such an IPv4 address."""
    ip = address(ip) if isinstance(ip, str) else address(str(ip))
    if ip.version == 6 and ip in _NAT64:
        # DNS64 gives IPv6-only networks these for every IPv4 host: as public as the IPv4 address inside.
        return is_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified or (ip.version == 6 and ip.is_site_local)):
        return False
    return all(is_public(inner) for inner in _embedded(ip))


def host_key(host: str | bytes) -> str:
    """A host name as compared with the allow-list: lower case, no trailing dot, international names in IDNA."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses, plus the host names and networks an admin allows (an internal Nextcloud, say)."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = field(default=())

    def refusal(self, host: str | bytes, addresses: list[str]) -> str | None:
        """Why connecting to `host`, which resolved to `addresses`, is refused (for logs), or None when allowed.

        Every address must pass: a name that resolves to one public and one internal address is refused.
        """
        if host_key(host) in self.hosts:
            return None
        for text in addresses:
            ip = address(text)
            if any(ip.version == net.version and ip in net for net in self.networks):
                continue
            if not is_public(ip):
                return f"{host_key(host)} resolves to {ip}, which is not a public address and not allowed"
        return None


def _network(entry: str) -> IPNetwork:
    """A network (or one address) as written; IPv4-mapped IPv6 as the IPv4 network it is, as addresses are."""
    network = ipaddress.ip_network(entry.strip("[]").split("%", 1)[0], strict=True)
    if network.version == 6 and network.prefixlen >= 96 and network.subnet_of(_MAPPED):
        return ipaddress.IPv4Network((int(network.network_address) & 0xFFFFFFFF, network.prefixlen - 96))
    return network


def parse_allow_list(text: str) -> tuple[AddressPolicy, list[str]]:
    """Read an admin's allow-list, one host name or network (CIDR, or one address) per line.

    -> (the policy made from the lines that read, a message for each line that does not). Blank lines and lines
    starting with # are skipped.
    """
    hosts: set[str] = set()
    networks: list[IPNetwork] = []
    problems: list[str] = []
    for number, line in enumerate((text or "").splitlines(), 1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        try:
            networks.append(_network(entry))
            continue
        except ValueError:
            pass
        shown = entry if len(entry) <= 60 else entry[:57] + "..."
        if "/" in entry and "://" not in entry:
            try:
                loose = ipaddress.ip_network(entry, strict=False)
            except ValueError:
                problems.append(f"Line {number}: “{shown}” is not a network. Write networks like 10.0.0.0/8 or "
                                f"fd00::/8.")
            else:
                problems.append(f"Line {number}: “{shown}” has bits set after the prefix; did you mean {loose}?")
            continue
        host = host_key(entry)
        if _HOST.match(host):
            hosts.add(host)
        else:
            problems.append(f"Line {number}: “{shown}” is not a host name or a network. Write one per line without "
                            f"https://, a port or a path, like nextcloud.example.org or 10.0.0.0/8.")
    return AddressPolicy(frozenset(hosts), tuple(networks)), problems
