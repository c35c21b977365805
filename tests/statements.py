"""Count the SQL statements a request makes, from peewee's own log of every statement it runs."""
from __future__ import annotations

import contextlib
import logging


class _Recorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record):
        # Statements are logged as (sql, params); the connection pool's own notes ("Returning ... to pool") are not.
        if isinstance(record.msg, tuple):
            self.statements.append(record.msg[0])


@contextlib.contextmanager
def statements():
    """`with statements() as made:` then `made` lists the SQL of every statement run inside the block."""
    logger = logging.getLogger("peewee")
    recorder, level = _Recorder(), logger.level
    logger.addHandler(recorder)
    logger.setLevel(logging.DEBUG)
    try:
        yield recorder.statements
    finally:
        logger.removeHandler(recorder)
        logger.setLevel(level)


def within_bound(made: list[str], bound: int) -> str:
    """The failure message: how many statements, and which."""
    return f"{len(made)} statements (at most {bound}):\n" + "\n".join(made)
