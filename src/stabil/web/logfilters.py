"""Logging filters: a refused request (4xx) is one line in the server log, not a traceback.

Django logs a ``PermissionDenied`` (403) on ``django.request`` and a ``SuspiciousOperation`` (400, e.g. a
wrong ``Host``) on ``django.security.<name>`` with the exception attached, so every refusal wrote a full
traceback. A refusal is expected behaviour, not a fault: ``OneLineClientErrors`` drops the traceback of
records that carry a 4xx ``status_code`` and keeps the message ("Forbidden (Permission denied): /path").
Server errors (5xx) keep their traceback.
"""

from __future__ import annotations

import logging


class OneLineClientErrors(logging.Filter):
    """Strip the exception and stack of log records about 4xx responses; let every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
