"""Whole public pages cached for anonymous readers, with conditional requests (ETag, 304).

What is cached: GET requests for the pages listed in ``CACHED_PAGES`` (home, archive, issue,
article, news, section, topic, people, events, calendar, feeds, sitemap, search) from readers who
carry no session or messages cookie, and only 200 responses that set no cookie and do not say
``private``/``no-cache``/``no-store`` (``never_cache`` previews never are). Anyone with a session
cookie — every logged-in editor — gets a freshly built page, which is never stored. HEAD is
answered from the stored GET page.

Keys: ``page:<content version>:<next scheduled time>:<local date>:<sha256 of the absolute URL>``.

* **Content version.** One token under ``content-version``, replaced by :func:`content_changed`,
  which ``bulletin.workflow`` (publish, withdraw, publishing a revision, releasing and unpublishing
  an issue) and the admin (sections, topics, people, published events and issues, deletions) run
  with ``transaction.on_commit``. The version is global, not per issue or section, on purpose:
  one article reaches the home page, its issue, its section and sub-column, topics, people,
  events, related articles elsewhere, the feeds, the sitemap and any search, so a finer scheme
  would have to know every page that lists it and one missed dependency serves stale content.
  Publishing happens a few times a week, and a page costs one render the next time a reader asks
  for it, so starting over is cheap and obviously correct. The token is random, never a counter:
  if it is evicted or Redis is emptied, a new one cannot bring old pages back.
* **Next scheduled time.** The soonest ``published_at`` still in the future among published
  articles, issues and events (one query, cached per content version and recomputed once that
  moment has passed). Once it passes, every key changes, so scheduled content appears on time and
  nothing shows early: a page built before the moment is never served after it.
* **Local date**: event lists and the calendar split past from upcoming by today's date.

Stored pages also expire after ``settings.PAGE_CACHE_SECONDS`` (or sooner, at the next scheduled
time or midnight), which bounds memory and, should Redis be unreachable exactly when a new version
is written, how long a stale page can live.

Conditional requests: every public page gets an ``ETag`` (hash of the body) and a
``Last-Modified`` (when that copy was built: never earlier than its content last changed), and a
request whose ``If-None-Match``/``If-Modified-Since`` matches gets a 304 — for cached copies too,
since the check runs here, outside the cache. Browsers are told to revalidate (``max-age=0``).

When the cache is unreachable pages are built every time; the failure is logged, and the cache is
tried again after ``UNAVAILABLE_RETRY_SECONDS`` with no restart. Sessions never depend on it
(``SESSION_ENGINE`` is the database).
"""

import hashlib
import logging
import secrets
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

VERSION_KEY = "content-version"
UNAVAILABLE_RETRY_SECONDS = 5
CACHE_HEADER = "X-Page-Cache"

CACHED_PAGES = frozenset(
    {
        "bulletin:home",
        "bulletin:issue-archive",
        "bulletin:issue-detail",
        "bulletin:article-detail",
        "bulletin:news-list",
        "bulletin:news-detail",
        "bulletin:section-detail",
        "bulletin:topic-detail",
        "bulletin:search",
        "bulletin:feed-rss",
        "bulletin:feed-atom",
        "bulletin:issue-feed-rss",
        "bulletin:issue-feed-atom",
        "bulletin:section-feed-rss",
        "bulletin:section-feed-atom",
        "people:person-list",
        "people:person-detail",
        "events:event-list",
        "events:event-month",
        "events:event-detail",
        "events:event-ics",
        "events:calendar-feed",
        "sitemap",
    }
)
# Cookies that may make a page differ from what every other reader sees.
PERSONAL_COOKIES = ("messages",)


def content_changed():
    """Make every cached page stale; call it with ``transaction.on_commit`` after a change readers see."""
    token = _new_token()
    try:
        _cache().set(VERSION_KEY, token, timeout=None)
        recorded = _cache().get(VERSION_KEY) == token
    except Exception:
        logger.exception("Page cache: could not record a new content version")
        return
    if not recorded:
        logger.error(
            "Page cache: could not record a new content version; cached pages may be stale for up to %s s",
            settings.PAGE_CACHE_SECONDS,
        )


def current_version():
    """The content version, or None when the cache cannot be used now."""
    cache = _cache()
    if time.monotonic() < getattr(cache, "_bulletin_unavailable_until", 0):
        return None
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            candidate = _new_token()
            added = cache.add(VERSION_KEY, candidate, timeout=None)
            # django-redis answers None, not False, when it ignored a connection error.
            version = candidate if added else (cache.get(VERSION_KEY) if added is False else None)
    except Exception:
        logger.warning("Page cache: cache unreachable", exc_info=True)
        version = None
    if version is None:
        cache._bulletin_unavailable_until = time.monotonic() + UNAVAILABLE_RETRY_SECONDS
        logger.warning(
            "Page cache: cache unavailable, serving pages uncached; trying again in %s s", UNAVAILABLE_RETRY_SECONDS
        )
    return version


def next_scheduled(version, now):
    """The soonest future publication time of any published article, issue or event, or None.

    Cached for ``version``; asked again once the time it names has come.
    """
    key = f"page-schedule:{version}"
    cached = _cache_get(key)
    if cached == "none":
        return None
    if isinstance(cached, datetime) and cached > now:
        return cached
    due = _query_next_scheduled(now)
    _cache_set(key, due or "none", settings.PAGE_CACHE_SECONDS)
    return due


def _query_next_scheduled(now):
    from bulletin.models import Article, Issue, PublicationStatus
    from events.models import Event

    def later(model, status):
        return model.objects.filter(status=status, published_at__gt=now).order_by().values_list("published_at")

    rows = (
        later(Article, PublicationStatus.PUBLISHED)
        .union(later(Issue, Issue.Status.PUBLISHED), later(Event, PublicationStatus.PUBLISHED))
        .order_by("published_at")[:1]
    )
    return next((row[0] for row in rows), None)


class PageCacheMiddleware:
    """Serve and store anonymous readers' public pages; answer conditional requests.

    Sits near the top of ``MIDDLEWARE`` (after security and static files, before sessions), so a
    cached page is served without touching sessions, users or the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_public_page(request):
            return self.get_response(request)
        if is_personal(request):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True)
            return response
        version = current_version()
        if version is None:
            return self.conditional(request, self.fresh(request), "off")
        now = timezone.now()
        due = next_scheduled(version, now)
        today = timezone.localdate(now)
        key = page_key(request, version, due, today)
        cached = _cache_get(key)
        if cached is not None:
            return self.conditional(request, cached, "hit")
        response = self.fresh(request)
        if request.method == "GET" and is_storable(request, response):
            _cache_set(key, response, lifetime(now, due, today))
            return self.conditional(request, response, "miss")
        return self.conditional(request, response, "pass")

    def fresh(self, request):
        response = self.get_response(request)
        if is_storable(request, response):
            set_response_etag(response)
            response["Last-Modified"] = http_date(timezone.now().timestamp())
            patch_cache_control(response, max_age=0, must_revalidate=True)
        return response

    @staticmethod
    def conditional(request, response, outcome):
        response[CACHE_HEADER] = outcome
        etag = response.get("ETag")
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if response.status_code == 200 and (etag or last_modified):
            return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
        return response


def is_public_page(request):
    if request.method not in ("GET", "HEAD"):
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in CACHED_PAGES


def is_personal(request):
    """Whether the request may come from someone logged in or be about them."""
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or any(name in cookies for name in PERSONAL_COOKIES)
        or "HTTP_AUTHORIZATION" in request.META
    )


def is_storable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return False
    if "*" in response.get("Vary", ""):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def page_key(request, version, due, today):
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    boundary = int(due.timestamp()) if due else "none"
    return f"page:{version}:{boundary}:{today.isoformat()}:{address}"


def lifetime(now, due, today):
    """Seconds a page built ``now`` may be kept: until the next scheduled time or midnight at most."""
    seconds = settings.PAGE_CACHE_SECONDS
    midnight = timezone.make_aware(datetime.combine(today + timedelta(days=1), datetime.min.time()))
    for limit in (due, midnight):
        if limit is not None:
            seconds = min(seconds, (limit - now).total_seconds())
    return max(1, int(seconds))


def _cache():
    return caches["default"]


def _new_token():
    return f"{time.time_ns():x}{secrets.token_hex(4)}"


def _cache_get(key):
    try:
        return _cache().get(key)
    except Exception:
        logger.warning("Page cache: could not read %s", key, exc_info=True)
        return None


def _cache_set(key, value, timeout):
    try:
        _cache().set(key, value, timeout)
    except Exception:
        logger.warning("Page cache: could not store %s", key, exc_info=True)
