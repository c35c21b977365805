"""One URL, two answers: the whole page, or for an htmx request only the block that changes."""
from __future__ import annotations

from flask import make_response, render_template, request
from jinja2_fragments.flask import render_block


def fragment_or_page(template: str, block: str, **context):
    """The block for htmx swaps; the full page otherwise, including htmx's history restore after a cache miss."""
    if request.htmx and not request.htmx.history_restore_request:
        response = make_response(render_block(template, block, **context))
    else:
        response = make_response(render_template(template, **context))
    # Caches must keep the fragment and the page apart: same URL, different answers.
    response.vary.add("HX-Request")
    return response
