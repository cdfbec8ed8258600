"""Health endpoints for the load balancer, docker compose and monitoring.

``/healthz`` (liveness) answers as long as the process serves requests; it touches neither the
database nor the cache, so a database outage does not get healthy web processes restarted.
``/readyz`` (readiness) checks what a page needs: the database answers and the cache keeps a key.
Only the database is needed to serve: without the cache every page is built afresh, so a failing
cache makes the process *degraded* (200), and a load balancer keeps sending it readers.

They live in ``config`` beside the settings and URLs because they check the deployment, not
the periodical: no app owns the database connection or the cache. Neither is cached, needs a
login or takes a form, so no CSRF check applies (both are GET only).
"""

import json
import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# The key lives only as long as the probe needs it, even if the delete is lost.
PROBE_TIMEOUT = 5


@never_cache
@require_safe
def liveness(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def readiness(request):
    """200 ``ok`` when the database and the cache work. Otherwise JSON naming what does not:
    ``{"status": "degraded", "failed": [], "degraded": ["cache"]}`` with 200 when pages are still
    served, ``{"status": "unavailable", "failed": ["database"], ...}`` with 503 when they are not.

    Why a check failed is logged, not shown: the reasons name hosts and ports.
    """
    failed = [] if _passes("database", _database) else ["database"]
    degraded = [] if _passes("cache", _cache) else ["cache"]
    if not failed and not degraded:
        return HttpResponse("ok", content_type="text/plain; charset=utf-8")
    body = json.dumps({"status": "unavailable" if failed else "degraded", "failed": failed, "degraded": degraded})
    return HttpResponse(body, status=503 if failed else 200, content_type="application/json")


def _passes(name, check):
    try:
        if check():
            return True
        logger.warning("readiness: %s check failed", name)
    except Exception:
        logger.warning("readiness: %s check failed", name, exc_info=True)
    return False


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache():
    # A cache that swallows its errors (django-redis with IGNORE_EXCEPTIONS) returns None on
    # get, so the round trip catches it too.
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=PROBE_TIMEOUT)
    answered = cache.get(key) == value
    cache.delete(key)
    return answered
