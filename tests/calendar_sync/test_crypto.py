"""Stored credentials: encryption round trip, a missing or changed secret, rotation."""
from __future__ import annotations

import pytest

from calendar_sync import crypto
from calendar_sync.errors import CredentialUnreadable, SecretMissing

SECRET = "vW3m4m3pQ3d9ZcQfYb2r0kq7Hk1aT8sN"
OTHER = "Jx5u2LrQe7Wc1Tn9Zp4Ks8Vb3Ya6Md0F"


def test_round_trip_through_the_environment(monkeypatch):
    monkeypatch.setenv("CALENDAR_SECRET", SECRET)
    token = crypto.encrypt("caldav password: hunter2")
    assert "hunter2" not in token and token.isascii()
    assert crypto.decrypt(token) == "caldav password: hunter2"
    assert crypto.encrypt("same") != crypto.encrypt("same")  # a fresh IV each time


def test_no_secret_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("CALENDAR_SECRET", raising=False)
    with pytest.raises(SecretMissing) as caught:
        crypto.encrypt("x")
    assert "CALENDAR_SECRET" in caught.value.message
    with pytest.raises(SecretMissing):
        crypto.encrypt("x", environ={"CALENDAR_SECRET": "short"})


def test_another_secret_or_a_changed_token_cannot_decrypt():
    token = crypto.encrypt("token cache", environ={"CALENDAR_SECRET": SECRET})
    with pytest.raises(CredentialUnreadable):
        crypto.decrypt(token, environ={"CALENDAR_SECRET": OTHER})
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(CredentialUnreadable):
        crypto.decrypt(tampered, environ={"CALENDAR_SECRET": SECRET})


def test_rotation_keeps_old_tokens_readable_and_reencrypts_them():
    old = crypto.encrypt("token cache", environ={"CALENDAR_SECRET": SECRET})
    rotated = {"CALENDAR_SECRET": OTHER, "CALENDAR_SECRET_PREVIOUS": SECRET}
    assert crypto.decrypt(old, environ=rotated) == "token cache"
    fresh = crypto.reencrypt(old, environ=rotated)
    assert crypto.decrypt(fresh, environ={"CALENDAR_SECRET": OTHER}) == "token cache"


def test_is_current_tells_a_token_under_the_new_secret_from_one_under_the_old():
    old = crypto.encrypt("password", environ={"CALENDAR_SECRET": SECRET})
    rotated = {"CALENDAR_SECRET": OTHER, "CALENDAR_SECRET_PREVIOUS": SECRET}
    assert crypto.is_current(old, environ={"CALENDAR_SECRET": SECRET})
    assert not crypto.is_current(old, environ=rotated)
    assert crypto.is_current(crypto.reencrypt(old, environ=rotated), environ=rotated)
    assert not crypto.is_current("not a token", environ=rotated)


def test_the_key_is_derived_not_the_secret_itself():
    key = crypto.derive_key(SECRET)
    assert key != SECRET.encode() and len(key) == 44  # 32 bytes, urlsafe base64
    assert crypto.derive_key(SECRET) == key and crypto.derive_key(OTHER) != key
