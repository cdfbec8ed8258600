"""While the database cannot be reached, requests are answered 503 with ``Retry-After``, not 500.

During a PostgreSQL restart or failover every request that needs the database fails with a
connection error, wherever it asks: a view, a template, a middleware (sessions, the page cache's
next scheduled time). Django would answer each with a 500, log its traceback and mail it to
ADMINS. Instead readers get a page that asks them to come back shortly, browsers and crawlers are
told when, nothing is mailed, and the log gets one line, then one a minute with a count
(``config.logs.Throttle`` on this module's logger).

It lives in ``config`` beside the health checks: no app owns the database connection.
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

# What the database drivers raise when the connection fails (refused, dropped, server shutting
# down, too many clients), as opposed to a query the database refuses.
UNREACHABLE = (OperationalError, InterfaceError)
# A restart of PostgreSQL takes seconds; a failover, tens of seconds.
RETRY_AFTER_SECONDS = 30


def is_outage(error):
    return isinstance(error, UNREACHABLE)


class DatabaseOutageMiddleware:
    """Turn the 500 of a request that failed because the database could not be reached into a 503.

    Django has already made the 500 when the error comes up from an inner middleware, so the error
    is noted on the request as Django reports it (``got_request_exception``) and the answer is
    replaced here. With DEBUG on, Django's own error page stays: it says which database and why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "database_unreachable", False) and not settings.DEBUG:
            return unavailable()
        return response


def unavailable():
    """The 503 page readers get while the database is unreachable."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


@receiver(got_request_exception)
def _note_outage(sender, request=None, **kwargs):
    # Sent while Django handles the exception, which is therefore the one being handled.
    error = sys.exc_info()[1]
    if request is not None and is_outage(error):
        request.database_unreachable = True
        logger.error("Database unreachable, answering 503: %s: %s", type(error).__name__, error)


class NotAnOutage(logging.Filter):
    """Keeps the requests that met an unreachable database out of ``django.request``, which would
    write the traceback of the error and the 503 of each and mail them to ADMINS; this module logs
    them instead."""

    def filter(self, record):
        return not getattr(getattr(record, "request", None), "database_unreachable", False)
