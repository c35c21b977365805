"""Front-end packages installed by npm, served from node_modules (never committed)."""
from __future__ import annotations

from flask import Blueprint, abort, send_from_directory

from portal.config import ROOT

blueprint = Blueprint("vendor", __name__)

NODE_MODULES = ROOT / "node_modules"
# Only these files are served; the name in the URL is ours, the path is the package's.
FILES = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "pico.min.css": "@picocss/pico/css/pico.min.css",
}


@blueprint.get("/vendor/<name>")
def asset(name: str):
    """One whitelisted file from node_modules, cached for a day."""
    if name not in FILES:
        abort(404)
    path = NODE_MODULES / FILES[name]
    if not path.exists():
        abort(404)
    return send_from_directory(path.parent, path.name, max_age=86400)
