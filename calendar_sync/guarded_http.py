"""An HTTP session (niquests, which caldav uses) that connects only where an AddressPolicy allows, within a deadline.

The check runs when a connection is made, in the resolver: the name is resolved once, every address it resolves
to must pass the policy, and the socket connects to exactly those addresses. So the first request, every redirect
and every address a server's answers name (principal, calendar home, calendars) are checked the same way, and a
name that resolves elsewhere a moment later (DNS rebinding) gains nothing; the Host header and TLS name stay the
name typed. Nothing else reaches the network: no proxy or .netrc from the environment, no HTTP/3 upgrade, no
certificate-revocation fetch (its address comes from the server's certificate), no http+unix.

Every request's connect and read timeouts are cut to what is left of the deadline, and bodies are read in chunks
that stop at the deadline, so a server that answers a byte at a time cannot hold a worker.
"""
from __future__ import annotations

import logging
import time

import niquests
from niquests.exceptions import InvalidSchema, RequestException, Timeout
from niquests.packages.urllib3.contrib.resolver.system import SystemResolver

from calendar_sync.addresses import AddressPolicy

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
MAX_RESPONSE_BYTES = 50 * 1024 * 1024
_CHUNK = 64 * 1024


class AddressRefused(OSError):
    """The policy refused the address a name resolved to; nothing was connected."""


class DeadlinePassed(Timeout):
    """The connection attempt used up its overall time."""


class ResponseTooLarge(RequestException):
    """The server sent more than MAX_RESPONSE_BYTES in one answer."""


class GuardedResolver(SystemResolver):
    """The system resolver, refusing any name that resolves to an address the policy does not allow."""

    def __init__(self, policy: AddressPolicy):
        super().__init__()
        self.policy = policy

    def recycle(self) -> GuardedResolver:
        return self

    def getaddrinfo(self, host, port, family, type, proto=0, flags=0, *, quic_upgrade_via_dns_rr=False):
        records = super().getaddrinfo(host, port, family, type, proto, flags)
        reason = self.policy.refusal(host or "", [str(record[4][0]) for record in records])
        if reason is not None:
            log.warning("calendar connection refused: %s", reason)
            raise AddressRefused(reason)
        return records


class GuardedSession(niquests.Session):
    """A session whose connections pass the resolver's policy and whose requests end by `deadline` (monotonic)."""

    def __init__(self, policy: AddressPolicy, *, timeout: float, deadline: float):
        self.guard = GuardedResolver(policy)
        super().__init__(resolver=self.guard, disable_http3=True, revocation_configuration=None)
        self.trust_env = False
        self.max_redirects = MAX_REDIRECTS
        self.adapters.pop("http+unix://", None)
        self.request_timeout = float(timeout)
        self.deadline = deadline

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.deadline

    def send(self, request, **kwargs):
        """Send within the deadline: http and https only, timeouts cut to the time left, the body read by
        `_read_body` (the first response hook, so before any other hook reads it, redirects included)."""
        scheme = (request.url or "").split(":", 1)[0].lower()
        if scheme not in ("http", "https"):
            raise InvalidSchema(f"only http and https addresses are fetched, not {scheme}")
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlinePassed("the calendar server took too long overall")
        given = kwargs.get("timeout")
        kwargs["timeout"] = min(float(given) if isinstance(given, int | float) else self.request_timeout, remaining)
        hooks = request.hooks.setdefault("response", [])
        if self._read_body not in hooks:
            hooks.insert(0, self._read_body)
        # Streamed, so the adapter does not read the body itself (with no overall bound); the hook reads it.
        kwargs["stream"] = True
        return super().send(request, **kwargs)

    def _read_body(self, response, **kwargs) -> None:
        """Read the whole body now, giving up at the deadline or past MAX_RESPONSE_BYTES."""
        if response._content is not False:
            return
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise ResponseTooLarge(f"an answer larger than {MAX_RESPONSE_BYTES} bytes")
                if self.expired:
                    raise DeadlinePassed("the calendar server took too long overall")
                chunks.append(chunk)
        except BaseException:
            response.close()
            raise
        response._content = b"".join(chunks)
        response._content_consumed = True


def session(policy: AddressPolicy | None = None, *, timeout: float = 15, deadline: float = 60) -> GuardedSession:
    """A guarded session: `timeout` seconds for each connect and each read, `deadline` seconds for everything."""
    return GuardedSession(policy or AddressPolicy(), timeout=timeout, deadline=time.monotonic() + deadline)
