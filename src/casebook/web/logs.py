"""One log line for a refusal we expect; tracebacks only for what went wrong on our side.

Django logs every refused request itself: a 403 from a role gate with the whole traceback of
the `PermissionDenied` that made it, a body past `DATA_UPLOAD_MAX_MEMORY_SIZE` or a forged
Host header as an ERROR with a traceback (they are `SuspiciousOperation`s), and so on. None
of these is a fault: the request was refused as designed, and a traceback per refusal buries
the errors that matter (and fills the disk of a site that is being probed). The filter below
sits on the console handler, so it sees every record whichever logger wrote it, and turns each
refusal — any response from 400 to 499, and 503, which is our answer to a busy database — into
one WARNING line that names the method and the path (never the query string, which may hold
what someone searched for). Everything else, 500s above all, is logged as it was.
"""

from __future__ import annotations

import logging

# 503 is what Casebook answers when the database is busy: the user is asked to try again.
EXPECTED_STATUSES = frozenset(range(400, 500)) | {503}


class ExpectedRefusalFilter(logging.Filter):
    """A refused request (its record carries `status_code`) as one WARNING line."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status not in EXPECTED_STATUSES:
            return True
        message = record.getMessage()
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        method = getattr(request, "method", None)
        if path and path not in message:
            message = f"{message.rstrip('.')}: {path}"
        record.msg = f"{status} {method} {message}" if method else f"{status} {message}"
        record.args = ()
        # The request itself stays out of the record: its repr carries the query string, and a
        # handler that writes a record's attributes (JSON logs, an error tracker) would print it.
        record.request = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        # Lowered to WARNING, it must still respect a stricter threshold (CASEBOOK_LOG_LEVEL).
        return record.levelno >= logging.getLogger().getEffectiveLevel()
