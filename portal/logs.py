"""Log lines never carry a personal link's secret: a filter for the access and error logs that print addresses."""
from __future__ import annotations

import logging

from portal.redaction import Redactor

# werkzeug's development server and gunicorn print each request line (gunicorn's access format may add the
# Referer, which on our own pages is one of these addresses); Flask's app logger and gunicorn's error log name
# the path of a request that failed.
ADDRESS_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


class TokenFilter(logging.Filter):
    """Rewrites a record whose message holds a token path segment or a secret query parameter, hiding the secret."""

    def __init__(self, redactor: Redactor):
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a broken record is logging's own problem to report
        hidden = self.redactor.text(message)
        if hidden != message:
            # Formatted once here, so no handler formats the secret back in from the arguments.
            record.msg, record.args = hidden, ()
        return True


def install(redactor: Redactor, *logger_names: str) -> TokenFilter:
    """Put one token filter on each named logger, replacing any an earlier app put there (tests build many apps)."""
    token_filter = TokenFilter(redactor)
    for name in logger_names:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, TokenFilter)]:
            logger.removeFilter(old)
        logger.addFilter(token_filter)
    return token_filter
