"""Password hashes: Argon2id for every new hash; older werkzeug (scrypt, pbkdf2) hashes still check, and are replaced
by an Argon2id one at the owner's next sign-in.

Argon2id with 7 MiB, five passes and one lane is one of the five settings OWASP's password storage guidance lists
as equally strong (46 MiB and one pass, 19 MiB and two, 12 MiB and three, 9 MiB and four, 7 MiB and five), each
trading memory for CPU. A web worker's memory budget is the scarcer of the two: a check holds 7 MiB for about 16 ms
of CPU. Under the production allocator settings (portal/supervisor.py) each check maps its memory afresh, so the
smaller block is also the quicker: 12 MiB and three passes took about 19 ms, 19 MiB and two about 22, werkzeug's scrypt
32 MiB and about 90. Hashes made with other settings still check and are replaced at their owner's next sign-in.
"""
from __future__ import annotations

import threading

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

_HASHER = PasswordHasher(time_cost=5, memory_cost=7 * 1024, parallelism=1, type=Type.ID)
# Each hash or check holds its memory while it runs: one at a time per process keeps a worker whose threads all sign
# people in from holding twice that. It is CPU work either way, so waiting costs no throughput.
_ONE_AT_A_TIME = threading.BoundedSemaphore(1)


def hashed(password: str) -> str:
    """A new hash of the password."""
    with _ONE_AT_A_TIME:
        return _HASHER.hash(password)


def matches(password_hash: str, password: str) -> bool:
    """Whether the password is the one hashed, whichever kind of hash the account has."""
    with _ONE_AT_A_TIME:
        if password_hash.startswith("$argon2"):
            try:
                return _HASHER.verify(password_hash, password)
            except (VerificationError, InvalidHashError):
                return False
        return check_password_hash(password_hash, password)


def outdated(password_hash: str) -> bool:
    """Whether the hash should be replaced by a new one at the next sign-in (another kind, or other settings)."""
    return not password_hash.startswith("$argon2") or _HASHER.check_needs_rehash(password_hash)
