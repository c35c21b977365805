"""A MentorDirectory written to a file and read back: one process indexes, every other one loads the result.

Each mentor's profile is pickled on its own. A process that holds the last copy passes it to `load`, which keeps that
copy's profile objects for the mentors whose bytes did not change and unpickles only the others: after one mentor
saves their answers, each worker reads the new index without rebuilding 8,000 profiles (most of the time reading the
file took), and holds its interpreter lock for that much less while its other requests wait.
"""
from __future__ import annotations

import copy
import os
import pickle
import threading
from pathlib import Path

from matching.directory import MentorDirectory

# Raised when what a directory holds changes shape, so a file written by other code is never read as this one.
FORMAT = 3
# Left out of the written state: what each process keeps for itself (fit tables of recent lookers and their lock), and
# the profiles, which are written beside the state as their bytes.
_OWN = ("_scorers", "_scorers_lock", "_blobs", "mentors")


def save(directory: MentorDirectory, path: Path, like: MentorDirectory | None = None) -> None:
    """Write the directory to `path` whole or not at all (a reader never sees half a file).

    `like`: the copy it was revised from, whose bytes are taken for the very profiles both hold.
    """
    state = {name: value for name, value in directory.__dict__.items() if name not in _OWN}
    columns = copy.copy(directory.columns)
    columns._overlaps = {}  # working-hour overlaps of recent lookers, rebuilt on demand
    state["columns"] = columns
    blobs = _blobs(directory, like)
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    with open(partial, "wb") as out:
        pickle.dump((FORMAT, state, blobs), out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)


def load(path: Path, held: MentorDirectory | None = None) -> MentorDirectory:
    """The directory saved at `path` (ValueError if it was written in another format).

    `held`: a copy this process already has; its profiles whose bytes are unchanged are taken as they are.
    """
    with open(path, "rb") as source:
        # Only files the portal wrote itself, in its own instance folder, are read.
        written = pickle.load(source)
    found = written[0] if isinstance(written, tuple) and written else None
    if found != FORMAT or len(written) != 3:
        raise ValueError(f"{path} holds format {found}, not {FORMAT}")
    _, state, blobs = written
    directory = MentorDirectory.__new__(MentorDirectory)
    directory.__dict__.update(state)
    ids = sorted(state["_position"])  # positions follow the mentors' ids
    directory.mentors = _profiles(ids, blobs, held)
    directory._blobs = (directory.mentors, blobs)
    directory._scorers = {}
    directory._scorers_lock = threading.Lock()
    return directory


def _blobs(directory: MentorDirectory, like: MentorDirectory | None = None) -> tuple[bytes, ...]:
    """Each profile's bytes: those it was read from, or pickled now (and kept for the next save)."""
    return _held_blobs(directory) or _pickled(directory, like)


def _held_blobs(directory: MentorDirectory) -> tuple[bytes, ...] | None:
    """The bytes the directory's profiles were read from or written as, if it still holds those very profiles."""
    kept = directory.__dict__.get("_blobs")
    return kept[1] if kept is not None and kept[0] is directory.mentors else None


def _pickled(directory: MentorDirectory, like: MentorDirectory | None) -> tuple[bytes, ...]:
    theirs = _held_blobs(like) if like is not None else None
    position, mentors = (like._position, like.mentors) if theirs else ({}, ())

    def blob(mentor) -> bytes:
        at = position.get(mentor.id)
        if at is not None and mentors[at] is mentor:
            return theirs[at]
        return pickle.dumps(mentor, protocol=pickle.HIGHEST_PROTOCOL)

    blobs = tuple(map(blob, directory.mentors))
    directory._blobs = (directory.mentors, blobs)
    return blobs


def _profiles(ids: list[int], blobs: tuple[bytes, ...], held: MentorDirectory | None) -> tuple:
    """The profiles for these bytes, taken from the held copy where its bytes for the same mentor are the same."""
    held_blobs = _held_blobs(held) if held is not None else None
    if not held_blobs:
        return tuple(pickle.loads(blob) for blob in blobs)
    position, mentors = held._position, held.mentors
    profiles = []
    for mentor_id, blob in zip(ids, blobs):
        at = position.get(mentor_id)
        profiles.append(mentors[at] if at is not None and held_blobs[at] == blob else pickle.loads(blob))
    return tuple(profiles)
