"""Log records carry the current request's id, so a line in the logs matches an audit entry and the
id shown on an error page."""

import logging

from hamdeli.core import origin


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx/5xx answer after the middleware has finished, but hands over the request.
        request = getattr(record, "request", None)
        record.request_id = origin.current().request_id or getattr(request, "request_id", None) or "-"
        return True


class RefusalsWithoutTraceback(logging.Filter):
    """A 4xx is the client's mistake or a refusal by design (403 for a role, 404 for another office's
    record): Django logs it at WARNING with the exception's traceback, which buried the real errors.
    Keep the one line (status, path, request id); tracebacks stay for 5xx."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
