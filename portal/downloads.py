"""Files the portal hands out: streamed as they are read, saved under a given name, never kept in a shared cache."""
from __future__ import annotations

from collections.abc import Iterable

from flask import Response, stream_with_context


def attachment(chunks: Iterable, mimetype: str, filename: str) -> Response:
    """A download of `chunks`, streamed in the request's context, that the browser saves as `filename`."""
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Exports hold personal data: no proxy or shared cache may keep a copy.
    response.headers["Cache-Control"] = "private, no-store"
    return response
