"""The database went away: every visitor gets the friendly 503 page, and the next request starts afresh."""
from __future__ import annotations

import logging
import sqlite3

import psycopg2
from flask import Flask, current_app, g
from peewee import InterfaceError, OperationalError
from playhouse.pool import MaxConnectionsExceeded

from portal.db import database, discard_connection

log = logging.getLogger(__name__)

# What a missing, locked or dropped database raises: peewee's wrappers, and the drivers' own errors where they
# escape unwrapped (a rollback or close on a connection the server has already dropped), and a pool with every
# connection busy for longer than `[database] pool_wait_seconds`.
DATABASE_DOWN = (
    OperationalError, InterfaceError, MaxConnectionsExceeded,
    sqlite3.OperationalError, sqlite3.InterfaceError,
    psycopg2.OperationalError, psycopg2.InterfaceError,
)

TITLE = "The portal is resting"
MESSAGE = "It cannot reach its database right now; please try again shortly."


def register(app: Flask, page) -> None:
    """Answer every database outage with `page(503, ...)`, rendered without touching the database."""

    def resting(error):
        log.warning("database unavailable: %s: %s", type(error).__name__, error)
        take_offline()
        body, code = page(503, TITLE, MESSAGE)
        return body, code, {"Retry-After": "30"}

    for error in DATABASE_DOWN:
        app.register_error_handler(error, resting)


def take_offline() -> None:
    """Render the rest of this request without the database: no connection, and nobody logged in."""
    discard_connection()
    # Flask-Login would call the user loader (a query) the first time the page reads current_user.
    if "_login_user" not in g or g._login_user is None:
        g._login_user = current_app.login_manager.anonymous_user()


def close_after_request() -> None:
    """Close this request's connection; one left broken or mid-transaction is discarded instead of kept."""
    try:
        database.close()
    except Exception as error:  # noqa: BLE001 - whatever went wrong, this thread must not keep the connection
        log.warning("discarding a connection that would not close: %s: %s", type(error).__name__, error)
        discard_connection()
