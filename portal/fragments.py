"""One URL, two answers: the whole page, or for an htmx request only the block that changes."""
from __future__ import annotations

from flask import make_response, render_template, request
from jinja2_fragments.flask import render_block


def fragment_or_page(template: str, block: str, *, target: str | None = None, **context):
    """The block for htmx swaps; the full page otherwise, including htmx's history restore after a cache miss.

    With `target`, only an htmx request aimed at that element id gets the block: another element of the page (a poll
    that swaps `main`) gets the whole page, out of which it selects its part.
    """
    wants_block = request.htmx and not request.htmx.history_restore_request
    if wants_block and target is not None:
        wants_block = request.htmx.target == target
    if wants_block:
        response = make_response(render_block(template, block, **context))
    else:
        response = make_response(render_template(template, **context))
    # Caches must keep the fragment and the page apart: same URL, different answers.
    response.vary.add("HX-Request")
    if target is not None:
        response.vary.add("HX-Target")
    return response
