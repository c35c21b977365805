"""Password hashes: Argon2id, one at a time per process (each holds 7 MiB while it runs); older werkzeug hashes and
Argon2id hashes of other settings still check and are replaced at their owner's next sign-in."""
from __future__ import annotations

import threading
import time

import pytest
from argon2 import PasswordHasher, Type
from werkzeug.security import generate_password_hash

from portal.accounts import passwords
from portal.models import User
from tests.conftest import PASSWORD, PortalClient


def test_hashes_and_checks_never_overlap_in_one_process(monkeypatch):
    running, most = [0], [0]
    lock = threading.Lock()

    class Slow:
        def hash(self, password):
            return self.verify()

        def verify(self, *args):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.02)
            with lock:
                running[0] -= 1
            return True

    monkeypatch.setattr(passwords, "_HASHER", Slow())
    work = [lambda: passwords.hashed("secret"), lambda: passwords.matches("$argon2id$x", "secret")] * 3
    threads = [threading.Thread(target=call) for call in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1


def test_a_password_checks_against_its_own_argon2id_hash_only():
    stored = passwords.hashed("correct horse")
    assert stored.startswith("$argon2id$v=19$m=7168,t=5,p=1$")
    assert passwords.matches(stored, "correct horse")
    assert not passwords.matches(stored, "wrong horse")
    assert not passwords.matches("$argon2id$not-a-hash", "correct horse")
    assert not passwords.outdated(stored)


def test_an_older_scrypt_hash_still_checks_and_is_replaced_at_sign_in(app, client, create_user):
    mia = create_user("mia@example.org")
    User.update(password_hash=generate_password_hash(PASSWORD)).where(User.id == mia.id).execute()
    assert passwords.outdated(User.get_by_id(mia.id).password_hash)

    response = client.login(mia.email)

    assert response.status_code == 302
    stored = User.get_by_id(mia.id).password_hash
    assert stored.startswith("$argon2id$") and passwords.matches(stored, PASSWORD)
    PortalClient(app.test_client()).login(mia.email)  # signing in again, elsewhere
    assert User.get_by_id(mia.id).password_hash == stored  # replaced once, not at every sign-in


@pytest.mark.parametrize("memory, passes", [(19, 2), (12, 3)])
def test_a_hash_of_an_earlier_argon2id_setting_still_checks_and_is_replaced_at_sign_in(client, create_user, memory,
                                                                                       passes):
    mia = create_user("mia@example.org")
    earlier = PasswordHasher(time_cost=passes, memory_cost=memory * 1024, parallelism=1, type=Type.ID).hash(PASSWORD)
    User.update(password_hash=earlier).where(User.id == mia.id).execute()
    assert passwords.matches(earlier, PASSWORD) and passwords.outdated(earlier)

    assert client.login(mia.email).status_code == 302

    stored = User.get_by_id(mia.id).password_hash
    assert stored.startswith("$argon2id$v=19$m=7168,t=5,p=1$") and passwords.matches(stored, PASSWORD)


def test_a_wrong_password_leaves_an_older_hash_as_it_was(client, create_user):
    mia = create_user("mia@example.org")
    old = generate_password_hash(PASSWORD)
    User.update(password_hash=old).where(User.id == mia.id).execute()

    response = client.submit("/login", {"email": mia.email, "password": "not the password"})

    assert "do not match an account" in response.get_data(as_text=True)

    assert User.get_by_id(mia.id).password_hash == old
