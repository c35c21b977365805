"""Password hashing runs one at a time per process: each scrypt hash holds 32 MiB while it runs."""
from __future__ import annotations

import threading
import time

from portal.accounts import operations


def test_hashes_and_checks_never_overlap_in_one_process(monkeypatch):
    running, most = [0], [0]
    lock = threading.Lock()

    def slow(*args):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return "hash"

    monkeypatch.setattr(operations, "generate_password_hash", slow)
    monkeypatch.setattr(operations, "check_password_hash", slow)
    work = [lambda: operations._hash("secret"), lambda: operations._password_matches("hash", "secret")] * 3
    threads = [threading.Thread(target=call) for call in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1


def test_a_password_still_checks_against_its_own_hash():
    stored = operations._hash("correct horse")
    assert operations._password_matches(stored, "correct horse")
    assert not operations._password_matches(stored, "wrong horse")
