"""Indexed directories kept as files every worker on this machine reads, one per programme and directory version.

A file is named by what it was built from (database, programme) and the counters it matches: the directory's version
and how many changes had been noted (directory_changes), so a worker knows what it still has to apply.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from flask import current_app, has_app_context

from matching import snapshot
from matching.directory import MentorDirectory
from portal.config import INSTANCE, resolve_path
from portal.queue import queue


class Stamp(NamedTuple):
    """The counters a directory matches: its version and the number of noted changes up to it."""

    version: int
    noted: int


def _folder() -> Path:
    # Outside a request or job (a shell, a script): the app this process configured, if any.
    app = current_app._get_current_object() if has_app_context() else queue.app
    configured = app.config["PORTAL"].get("directory", {}).get("index_path") if app else None
    instance = Path(app.instance_path) if app else INSTANCE
    folder = resolve_path(configured) if configured else instance / "directory-index"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _name(key: tuple) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()[:24]


def _stamps(key: tuple) -> dict[Stamp, Path]:
    found = {}
    for path in _folder().glob(f"{_name(key)}-*-*.index"):
        version, noted = path.stem.rsplit("-", 2)[1:]
        found[Stamp(int(version), int(noted))] = path
    return found


def newest(key: tuple, upto: int) -> Stamp | None:
    """The newest stamp kept for `key` at or below the version `upto`."""
    stamps = [stamp for stamp in _stamps(key) if stamp.version <= upto]
    return max(stamps) if stamps else None


def read(key: tuple, stamp: Stamp, held: MentorDirectory | None = None) -> MentorDirectory | None:
    """The directory kept under the stamp, or None when it is gone or unreadable (it is built again).

    `held`: the copy this process has, whose unchanged profiles are kept rather than read again.
    """
    try:
        return snapshot.load(_folder() / f"{_name(key)}-{stamp.version}-{stamp.noted}.index", held)
    except (OSError, ValueError, EOFError, ImportError, AttributeError):
        return None


def write(key: tuple, stamp: Stamp, directory: MentorDirectory, like: MentorDirectory | None = None) -> None:
    """Keep the directory under its stamp; older stamps of the same programme are removed.

    `like`: the copy it was revised from (the profiles both hold are not pickled again).
    """
    snapshot.save(directory, _folder() / f"{_name(key)}-{stamp.version}-{stamp.noted}.index", like)
    for older, path in _stamps(key).items():
        if older < stamp:
            path.unlink(missing_ok=True)


@contextlib.contextmanager
def claim(key: tuple, *, wait: bool) -> Iterator[bool]:
    """Hold the right to index this programme's directory (other processes on the machine wait, or skip)."""
    with open(_folder() / f"{_name(key)}.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
