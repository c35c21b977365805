"""/healthz: is the portal up and its database answering."""
from __future__ import annotations

from flask import Blueprint, jsonify
from peewee import PeeweeException
from playhouse.pool import MaxConnectionsExceeded

from portal.db import database

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    """200 with the database checked, 503 when it does not answer."""
    try:
        database.connect(reuse_if_open=True)
        database.execute_sql("SELECT 1").fetchone()
    except (PeeweeException, OSError, MaxConnectionsExceeded) as error:
        return jsonify(status="error", database=f"{type(error).__name__}"), 503
    return jsonify(status="ok", database="ok")
