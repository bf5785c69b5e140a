"""Log records carry the current request's id, so a line in the logs matches an audit entry and the
id shown on an error page."""

import logging

from hamdeli.core import origin


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = origin.current().request_id or "-"
        return True
