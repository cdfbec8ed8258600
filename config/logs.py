"""Request ids and the log format: one line per record on stdout, JSON in production.

Every request gets an id (the proxy's ``X-Request-ID`` when it sends a sane one, else a new one).
It is returned in the ``X-Request-ID`` response header and added to every log record written
while the request runs, so one id finds the access line, the error and the mail about it.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

# What a proxy may send as a request id: a UUID, nginx's $request_id, a trace id. Anything else
# (spaces, quotes, newlines, a kilobyte of text) is replaced, as it would corrupt the log lines.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
REQUEST_ID_HEADER = "X-Request-ID"

# Health probes run every few seconds; their successes are logged below INFO.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})

_request = contextvars.ContextVar("request", default=None)

access_log = logging.getLogger("bulletin.request")


def current_request_id():
    """The id of the request being served, or ``None`` outside a request."""
    current = _request.get()
    return current["id"] if current else None


class RequestIdMiddleware:
    """Give each request an id, write one access line when it is answered.

    Placed first in MIDDLEWARE so that the duration covers the whole stack.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request.set({"id": request_id, "path": request.path})
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            quiet = request.path in QUIET_PATHS and response.status_code == 200
            access_log.log(
                logging.DEBUG if quiet else logging.INFO,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={"status": response.status_code, "duration_ms": duration_ms, "method": request.method},
            )
            return response
        finally:
            _request.reset(token)


class RequestContextFilter(logging.Filter):
    """Add ``request_id`` and ``path`` of the current request to every record (``-`` outside one)."""

    def filter(self, record):
        current = _request.get() or {}
        if not hasattr(record, "request_id"):
            record.request_id = current.get("id", "-")
        if not hasattr(record, "path"):
            request = getattr(record, "request", None)
            record.path = current.get("path") or getattr(request, "path", "-")
        if not hasattr(record, "status"):
            # django.request names it status_code on its records of 4xx and 5xx responses.
            record.status = getattr(record, "status_code", None)
        if not hasattr(record, "duration_ms"):
            record.duration_ms = None
        return True


class Throttle(logging.Filter):
    """Write the first of a run of like records (same logger, same message), then at most one every
    ``seconds`` saying how many were held back since the last. None carries its traceback: the
    exception's own line is added to the message instead.

    For failures that recur on every request while Redis or the database is down, which would
    otherwise write the same traceback hundreds of times a minute. Each process keeps its own count.
    """

    def __init__(self, seconds=60):
        super().__init__()
        self.seconds = seconds
        self.runs = {}  # (logger, message) -> (monotonic time of the next record written, held back)

    def filter(self, record):
        key = (record.name, record.msg)
        now = time.monotonic()
        next_at, held = self.runs.get(key, (0, 0))
        if now < next_at:
            self.runs[key] = (next_at, held + 1)
            return False
        self.runs[key] = (now + self.seconds, 0)
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message = f"{message}: {type(error).__name__}: {error}"
        if held:
            message = f"{message} ({held} more since the last one)"
        record.msg, record.args = message, ()
        record.exc_info = record.exc_text = None
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, path, status, duration_ms.

    Chinese stays readable (not \\u-escaped); a traceback goes in ``exception``.
    """

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "path": getattr(record, "path", "-"),
            "status": getattr(record, "status", None),
            "duration_ms": getattr(record, "duration_ms", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)
