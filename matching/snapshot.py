"""A MentorDirectory written to a file and read back: one process indexes, every other one loads the result."""
from __future__ import annotations

import copy
import os
import pickle
import threading
from pathlib import Path

from matching.directory import MentorDirectory

# Raised when what a directory holds changes shape, so a file written by other code is never read as this one.
FORMAT = 2
# What each process keeps for itself: fit tables of recent lookers and the lock that guards them.
_OWN = ("_scorers", "_scorers_lock")


def save(directory: MentorDirectory, path: Path) -> None:
    """Write the directory to `path` whole or not at all (a reader never sees half a file)."""
    state = {name: value for name, value in directory.__dict__.items() if name not in _OWN}
    columns = copy.copy(directory.columns)
    columns._overlaps = {}  # working-hour overlaps of recent lookers, rebuilt on demand
    state["columns"] = columns
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    with open(partial, "wb") as out:
        pickle.dump((FORMAT, state), out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)


def load(path: Path) -> MentorDirectory:
    """The directory saved at `path` (ValueError if it was written in another format)."""
    with open(path, "rb") as source:
        # Only files the portal wrote itself, in its own instance folder, are read.
        written, state = pickle.load(source)
    if written != FORMAT:
        raise ValueError(f"{path} holds format {written}, not {FORMAT}")
    directory = MentorDirectory.__new__(MentorDirectory)
    directory.__dict__.update(state)
    directory._scorers = {}
    directory._scorers_lock = threading.Lock()
    return directory
