"""Whole public pages cached for anonymous readers, with conditional requests (ETag, 304).

What is cached: GET requests for the pages each app's URLconf declares with :func:`cached` (home,
archive, issue, article, news, section, topic, people, events, calendar, feeds, sitemap, search)
from readers who
carry no session or messages cookie, and only 200 responses that set no cookie and do not say
``private``/``no-cache``/``no-store`` (``never_cache`` previews never are). Anyone with a session
cookie — every logged-in editor — gets a freshly built page, which is never stored. HEAD is
answered from the stored GET page.

Each page declares the query parameters it reads (``page``, the search terms and filters); the
others (``utm_source``, ``fbclid``…) are dropped before the page is built, so a link shared with
a thousand tracking variants is built and stored once, and none of them is copied into its links.

Invalidation is by dependency: each stored page is stamped with the versions of the *tags* it was
built from, and a copy whose stamp no longer matches is built again. A tag names a piece of
content (``article:12``, ``issue:3``, ``section:4``, ``topic:2``, ``person:7``, ``event:9``) or a
family of lists (``listings``: home, archive, news, search, site feeds, sitemap, people;
``events``: the event lists and calendar); every page also depends on ``site``. This module knows
no content: each app declares its pages where it routes them, and the tags of its content next
to that content (``bulletin.cache_tags``, ``events.cache_tags``).

* **What a page depends on.** :func:`cached` gives each page's list tags; pages about one thing
  add their own with :func:`depends_on` while they are built (an article page: the article, its
  issue, section and people, since its neighbours and related articles come from those). A page
  about one thing that names nothing is not stored, so a forgotten dependency costs speed, never
  correctness.
* **What a change touches.** ``bulletin.workflow`` asks the content's own tags (``page_tags`` of
  ``bulletin.cache_tags`` and ``events.cache_tags``) for what it is about to change, before and after the change (an edited article may
  have moved section or lost a person), and invalidates their union on commit. Publishing one
  article thus rebuilds its page, its issue, its section (and the parent column), its topics and
  people, the lists, and the articles related to it; the thousands of other article pages stay
  cached. Changes made in the admin to sections, topics, people and published issues or events
  reach headings, navigation and names on many pages, and are rare: they bump ``site``
  (:func:`content_changed`), as do the demo loader and a search reindex.
* **Nothing is lost with the commit.** :func:`invalidate_on_commit` writes the tags to the
  database in the transaction of the change (:class:`~publishing.models.PendingInvalidation`);
  after the commit it tells the cache and deletes the row. If the cache cannot be told (Redis
  stalled, the process stopped), the row stays and is applied before a cached copy is served
  again: each process asks the database whether rows are waiting at most every
  ``PENDING_CHECK_SECONDS``, and at once when it finds the cache again after seeing it fail; a
  job (:func:`replay_invalidations`) tries them again with backoff, the scheduler every minute
  (``publishing.periodic``), and ``manage.py replay_page_invalidations`` from a shell. So once Redis
  answers again no stale page is served, except, for at most ``PENDING_CHECK_SECONDS`` after the
  commit, by a process that never saw the failure.
* **Versions are random tokens**, never counters: if one is evicted or Redis is emptied, a new one
  cannot bring old pages back, and a missing version matches no stamp.
* **No race with the commit.** An invalidation first removes the *epoch* token (the next reader
  makes a new one), then replaces the tag versions; a page is stored only if the epoch it saw
  before it was built is still current when it reads the versions to stamp it (one MGET), so a
  page built from data read before a commit is never stamped with the versions written after it.
* **Next scheduled time.** The soonest ``published_at`` still in the future among published
  content of every kind (every ``StatefulModel``: articles, issues, events; one query, cached per
  epoch and recomputed once that moment has passed) is stored with every page, and a page is
  served only while it is still the next one. Once it passes, or another is scheduled before it,
  no page stored before is served, so scheduled content appears on time and nothing shows early.
* **Local date**: event lists and the calendar split past from upcoming by today's date.
* **What a hit costs**: one round trip to Redis, and a response made from the stored status,
  headers and bytes (no response object is unpickled). In Redis each page is a hash: one field
  holds it packed (status, headers, bytes, tags, next scheduled time), and each other field is
  named by the key of a version in its stamp and holds the bytes that key held when the page was
  stamped. A script Redis runs (``READ_PAGE``) returns the page, the epoch and the schedule at
  once, and no page if any of those versions has changed or is gone. Any other cache (the memory
  cache of development, and of the tests without Redis) costs two reads: the page, stored with its
  stamp, with the epoch and the schedule; then the versions of the stamp.

Keys: ``page:<local date>:<sha256 of the absolute URL>``.

Stored pages also expire after ``settings.PAGE_CACHE_SECONDS`` (or sooner, at the next scheduled
time or midnight), which bounds memory; in Redis a page is written with its expiry in one MULTI.

Conditional requests: every public page gets an ``ETag`` (hash of the body) and a
``Last-Modified`` (when that copy was built: never earlier than its content last changed), and a
request whose ``If-None-Match``/``If-Modified-Since`` matches gets a 304 — for cached copies too,
since the check runs here, outside the cache. Browsers are told to revalidate (``max-age=0``).

When the cache is unreachable pages are built every time; the failure is logged, and the cache is
tried again after ``UNAVAILABLE_RETRY_SECONDS`` with no restart. Sessions never depend on it
(``SESSION_ENGINE`` is the database). When the database is unreachable, cached copies are still
served.
"""

import functools
import hashlib
import logging
import secrets
import time
from datetime import datetime, timedelta
from typing import NamedTuple

import redis
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.http import HttpResponse, QueryDict
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe
from django_redis.cache import RedisCache
from django_redis.client import DefaultClient

from publishing import edge, jobs
from publishing.models import PendingInvalidation, PublicationStatus, StatefulModel

logger = logging.getLogger(__name__)

EPOCH_KEY = "page-epoch"
SCHEDULE_KEY = "page-schedule"
UNAVAILABLE_RETRY_SECONDS = 5
# How often, at most, a process asks the database whether invalidations are waiting before it
# serves a cached page: one small query a second, and the longest a change that missed the cache
# stays unseen by a process that did not see the cache fail.
PENDING_CHECK_SECONDS = 1
REPLAY_BATCH = 500
CACHE_HEADER = "X-Page-Cache"
VERSION_PREFIX = "page-tag:"

SITE = "site"
LISTINGS = "listings"


class Cached(NamedTuple):
    """A cached page: the lists it shows (pages about one thing name it with depends_on()), and the
    query parameters it reads, the only ones that make one copy of it differ from another."""

    lists: frozenset = frozenset()
    reads: tuple = ()


PAGED = ("page",)


def cached(view, *, lists=(), reads=()):
    """``view`` as a cached public page (in a URLconf: ``path("", cached(HomeView.as_view(),
    lists={LISTINGS}), name="home")``): ``lists`` are the list tags it depends on, ``reads`` the
    query parameters it reads. A parameter it reads but does not declare would never reach it."""

    @functools.wraps(view)
    def page(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    page.page_cache = Cached(frozenset(lists), tuple(reads))
    return page


def cached_pages(resolver=None, namespace=""):
    """``{view name: Cached}`` of every page declared with :func:`cached` in the URLconf."""
    pages = {}
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            pages.update(cached_pages(pattern, inner))
        elif hasattr(pattern.callback, "page_cache") and pattern.name:
            pages[f"{namespace}{pattern.name}"] = pattern.callback.page_cache
    return pages


# Cookies that may make a page differ from what every other reader sees.
PERSONAL_COOKIES = ("messages",)


# Tags ------------------------------------------------------------------------------------------


def tag(obj):
    """The tag of one article, issue, section, topic, person or event."""
    return tag_of(obj._meta.model_name, obj.pk)


def tag_of(kind, pk):
    """The tag of the ``kind`` (a model name) with primary key ``pk``, without loading it."""
    return f"{kind}:{pk}"


def depends_on(request, *tags):
    """Record, while a page is built, that it shows the content these tags name."""
    if not hasattr(request, "page_tags"):
        request.page_tags = set()
    request.page_tags.update(tags)


# Invalidation ----------------------------------------------------------------------------------


def invalidate(tags):
    """Make every cached page built from any of ``tags`` stale now; False if the cache could not be
    told. Changes go through :func:`invalidate_on_commit`, which keeps what failed."""
    versions = {_version_key(name): _new_token() for name in tags}
    cache = _cache()
    try:
        # The epoch goes first (see "No race with the commit"): the next reader makes a new one.
        # django-redis answers None, not a bool, when it ignored a connection error; one timeout
        # is enough to know, and the change waits in the database.
        if cache.delete(EPOCH_KEY) is None:
            recorded = False
        else:
            cache.set_many(versions, timeout=None)
            recorded = cache.get_many(list(versions)) == versions
    except Exception:
        recorded = False
    if not recorded:
        _unavailable(cache)
    return recorded


def invalidate_on_commit(tags, *, grace=False):
    """Make every cached page built from any of ``tags`` stale once the current transaction commits.

    The tags are written to the database now, in the caller's transaction, so a change that is
    rolled back leaves nothing and one that is committed cannot lose them: they are applied after
    the commit, or later by :func:`replay_pending` if the cache cannot be told then. Outside a
    transaction they are applied at once. ``grace``: the stale pages show nothing readers must
    stop seeing, so the edge may serve them while they are built again (``publishing.edge``).
    """
    pending = PendingInvalidation.objects.create(tags=sorted(tags))
    transaction.on_commit(lambda: _apply([pending]) or _replay_later(), robust=True)
    # After the cache's (callbacks run in order): a page the edge fetches again is then built anew.
    edge.purge_on_commit(tags, grace=grace)


def content_changed(*, grace=False):
    """Make every cached page stale: for changes that reach headings, names and navigation."""
    invalidate_on_commit({SITE}, grace=grace)


def issue_changed(issue):
    """Make the pages of ``issue`` (its contents and its articles) stale: its print edition
    changed, which only adds or replaces a download."""
    invalidate_on_commit({tag(issue)}, grace=True)


def replay_pending():
    """Apply the invalidations waiting in the database, oldest first, deleting each one applied.

    True once none is left; False as soon as the cache cannot be told (they wait for the next try).
    """
    return PendingInvalidation.deliver_waiting(invalidate, REPLAY_BATCH) or _waiting()


class CacheUnreachable(Exception):
    """Invalidations are waiting and the cache cannot be told: the job is tried again."""


@jobs.job(attempts=8, backoff=timedelta(seconds=5), describe=lambda: "replaying page invalidations")
def replay_invalidations():
    """Apply the invalidations waiting in the database (:func:`replay_pending`), as a job."""
    if not replay_pending():
        raise CacheUnreachable("the page cache cannot be told of the invalidations that wait")


def _replay_later():
    # Only a backend that can wait helps: the immediate one would fail again at once, and every
    # process replays before it serves a cached page anyway (settled()).
    if jobs.can_defer(replay_invalidations):
        jobs.enqueue_on_commit(replay_invalidations)


def settled():
    """Whether every committed invalidation has reached the cache, as far as the database says.

    Asked before a cached copy is served: at most every ``PENDING_CHECK_SECONDS``, and at once
    after this process saw the cache fail. Waiting invalidations are applied first, and the copy
    in hand is not served, since they may have made it stale.
    """
    cache = _cache()
    if time.monotonic() < getattr(cache, "_bulletin_settled_until", 0):
        return True
    try:
        pending = PendingInvalidation.objects.exists()
    except DatabaseError:
        # A change that missed the cache and a database that is down at once: the cached copies are
        # all readers can get until it is back.
        logger.warning("Page cache: database unreachable, cannot check for pending invalidations")
        pending = False
    if pending:
        replay_pending()
        return False
    cache._bulletin_settled_until = time.monotonic() + PENDING_CHECK_SECONDS
    return True


def _apply(rows):
    """Tell the cache of the invalidations ``rows`` wait for (in one round trip); False if it did
    not hear, and they wait."""
    return PendingInvalidation.deliver(rows, invalidate) or _waiting()


def _waiting():
    logger.warning(
        "Page cache: could not record new content versions; %s invalidations wait for the cache",
        PendingInvalidation.objects.count(),
    )
    return False


# Reading ---------------------------------------------------------------------------------------


def current_epoch():
    """The epoch token, or None when the cache cannot be used now."""
    cache = _cache()
    if not _available(cache):
        return None
    try:
        epoch = cache.get(EPOCH_KEY)
        if epoch is None:
            candidate = _new_token()
            added = cache.add(EPOCH_KEY, candidate, timeout=None)
            # django-redis answers None, not False, when it ignored a connection error.
            epoch = candidate if added else (cache.get(EPOCH_KEY) if added is False else None)
    except Exception:
        logger.warning("Page cache: cache unreachable", exc_info=True)
        epoch = None
    if epoch is None:
        _serve_uncached(cache)
    return epoch


def next_scheduled(epoch, now, known=None):
    """The soonest future publication time of any published article, issue or event, or None.

    Cached for ``epoch`` (under ``SCHEDULE_KEY``, with the epoch it was asked in); asked again
    once the time it names has come. ``known`` is that cached value if the caller has read it.
    """
    due = _schedule_for(known if known is not None else _cache_get(SCHEDULE_KEY), epoch, now)
    if due is not UNKNOWN:
        return due
    due = _query_next_scheduled(now)
    _cache_set(SCHEDULE_KEY, (epoch, due), settings.PAGE_CACHE_SECONDS)
    return due


UNKNOWN = object()


def _schedule_for(cached, epoch, now):
    """The next scheduled time a cached ``(epoch, time)`` holds, if it is ``epoch``'s and has
    not come yet; else UNKNOWN."""
    if not isinstance(cached, tuple) or cached[0] != epoch:
        return UNKNOWN
    due = cached[1]
    return due if due is None or due > now else UNKNOWN


def _query_next_scheduled(now):
    def later(model):
        return model.objects.filter(status=PublicationStatus.PUBLISHED, published_at__gt=now).values_list(
            "published_at"
        )

    # Every kind of content with a publication state: articles, issues and events.
    stateful = [model for model in apps.get_models() if issubclass(model, StatefulModel)]
    first, *others = (later(model).order_by() for model in stateful)
    rows = first.union(*others).order_by("published_at")[:1]
    return next((row[0] for row in rows), None)


def stamp_for(tags, epoch):
    """The current versions of ``tags``, or None if ``epoch`` has passed (a change was committed
    while the page was built, so it may be stale already)."""
    keys = [EPOCH_KEY, *(_version_key(name) for name in tags)]
    try:
        cache = _cache()
        found = cache.get_many(keys)
        missing = {key: _new_token() for key in keys[1:] if key not in found}
        if missing:
            for key, token in missing.items():
                cache.add(key, token, timeout=None)
            found = cache.get_many(keys)
    except Exception:
        logger.warning("Page cache: could not read content versions", exc_info=True)
        return None
    if found.get(EPOCH_KEY) != epoch or len(found) != len(keys):
        return None
    return {key: found[key] for key in keys[1:]}


def is_current(stamp):
    try:
        return _cache().get_many(list(stamp)) == stamp
    except Exception:
        logger.warning("Page cache: could not read content versions", exc_info=True)
        return False


# Where pages are kept ---------------------------------------------------------------------------


class CachePages:
    """Pages in any Django cache, each stored with its stamp: a hit reads the page with the epoch
    and the schedule, then the versions of its stamp."""

    def __init__(self, cache):
        self.cache = cache

    def read(self, key):
        """``(page, epoch, schedule)``: the page stored under ``key`` if it is there and its stamp
        still current (else None), the epoch and the cached next scheduled time."""
        found = self.cache.get_many([key, EPOCH_KEY, SCHEDULE_KEY])
        page = found.get(key)
        if page is not None and not is_current(page["stamp"]):
            page = None
        return page, found.get(EPOCH_KEY), found.get(SCHEDULE_KEY)

    def write(self, key, page, stamp, seconds):
        """Store ``page`` (:func:`packed`), built from the versions ``stamp`` holds, for ``seconds``."""
        self.cache.set(key, page | {"stamp": stamp}, seconds)


# Run by Redis on every read. KEYS: the page (a hash), the epoch, the schedule; ARGV[1]: the field
# that holds the page packed. Every other field names a version key of the stamp and holds the
# bytes it held then; if one holds others now or is gone (invalidated, evicted, emptied), no page
# is returned. The version keys are not passed in KEYS, since only the stored page knows them: a
# single Redis, which production and docker compose run, lets a script read any key; Redis
# Cluster would need the page and its versions in one slot (a hash tag such as ``{page-cache}``
# in every key).
READ_PAGE = """
local fields = redis.call('HGETALL', KEYS[1])
local page = false
for i = 1, #fields, 2 do
  if fields[i] == ARGV[1] then
    page = fields[i + 1]
  elseif redis.call('GET', fields[i]) ~= fields[i + 1] then
    page = false
    break
  end
end
return {page, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3])}
"""
PAGE_FIELD = "page"


class RedisPages:
    """Pages in Redis, through django-redis's own connection to the server it writes to: each is a
    hash of the page and its stamp, which ``READ_PAGE`` checks on the server, so a hit costs one
    round trip. Keys and values are those django-redis reads and writes (its ``make_key``,
    ``encode`` and ``decode``), so the versions :func:`invalidate` writes through the cache API
    are the ones compared."""

    def __init__(self, cache):
        self.cache = cache
        self.redis = cache.client.get_client()
        self.read_page = self.redis.register_script(READ_PAGE)
        self.shared_keys = [cache.make_key(EPOCH_KEY), cache.make_key(SCHEDULE_KEY)]

    def read(self, key):
        found = self.read_page(keys=[self.cache.make_key(key), *self.shared_keys], args=[PAGE_FIELD])
        return tuple(None if value is None else self.cache.client.decode(value) for value in found)

    def write(self, key, page, stamp, seconds):
        # A version encoded here is the bytes invalidate() stored for it: every process runs the
        # same code and serializer.
        encode, stored_key = self.cache.client.encode, self.cache.make_key(key)
        fields = {PAGE_FIELD: encode(page)} | {
            self.cache.make_key(name): encode(token) for name, token in stamp.items()
        }
        # At once (MULTI): the copy before, perhaps stamped with other tags, leaves no field behind,
        # and the page is never without its expiry.
        with self.redis.pipeline() as transaction:
            transaction.delete(stored_key)
            transaction.hset(stored_key, mapping=fields)
            transaction.expire(stored_key, seconds)
            transaction.execute()


def kept_in(cache):
    """How pages are kept in ``cache``: decided once for each cache object."""
    pages = getattr(cache, "_bulletin_pages", None)
    if pages is None:
        # django-redis's other clients keep values otherwise (HerdClient) or on several servers
        # (ShardClient): they take the general path.
        in_redis = isinstance(cache, RedisCache) and type(cache.client) is DefaultClient
        pages = cache._bulletin_pages = (RedisPages if in_redis else CachePages)(cache)
    return pages


class PageCacheMiddleware:
    """Serve and store anonymous readers' public pages; answer conditional requests.

    Sits near the top of ``MIDDLEWARE`` (after security and static files, before sessions), so a
    cached page is served without touching sessions, users or the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view_name, page = public_page(request)
        if page is None:
            return self.get_response(request)
        if is_personal(request):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True)
            return response
        keep_only(request, page.reads)
        if settings.PAGE_CACHE_SECONDS <= 0 or not _available(_cache()):
            return self.conditional(request, self.fresh(request), "off")
        now = timezone.now()
        today = timezone.localdate(now)
        key = page_key(request, today)
        stored, epoch, schedule = _read(key)
        epoch = epoch or current_epoch()
        if epoch is None:
            return self.conditional(request, self.fresh(request), "off")
        due = next_scheduled(epoch, now, known=schedule)
        seconds = lifetime(now, due, today)
        if stored is not None and stored["due"] == due and settled():
            return self.conditional(request, edge.share(unpacked(stored), stored["tags"], seconds), "hit")
        response = self.fresh(request)
        if request.method == "GET" and is_storable(request, response) and _available(_cache()):
            stamp = self.stamp(request, view_name, page, epoch)
            if stamp is not None:
                tags = tags_of(stamp)
                _write(key, packed(response, tags, due), stamp, seconds)
                return self.conditional(request, edge.share(response, tags, seconds), "miss")
        return self.conditional(request, response, "pass")

    def fresh(self, request):
        response = self.get_response(request)
        if is_storable(request, response):
            set_response_etag(response)
            response["Last-Modified"] = http_date(timezone.now().timestamp())
            patch_cache_control(response, max_age=0, must_revalidate=True)
        return response

    @staticmethod
    def stamp(request, view_name, page, epoch):
        tags = page.lists | getattr(request, "page_tags", set())
        if not tags:
            logger.error("Page cache: %s names no content it depends on; not stored", view_name)
            return None
        return stamp_for({SITE, *tags}, epoch)

    @staticmethod
    def conditional(request, response, outcome):
        response[CACHE_HEADER] = outcome
        etag = response.get("ETag")
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if response.status_code == 200 and (etag or last_modified):
            return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
        return response


def public_page(request):
    """The view name and declaration (:func:`cached`) of a cacheable public page, or (None, None)."""
    if request.method not in ("GET", "HEAD"):
        return None, None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None, None
    return match.view_name, getattr(match.func, "page_cache", None)


def keep_only(request, names):
    """Drop from ``request`` the query parameters not in ``names``; what is left is in their order,
    so every link to the same page builds, keys and links the same copy."""
    kept = QueryDict(mutable=True)
    for name in names:
        if name in request.GET:
            kept.setlist(name, request.GET.getlist(name))
    query = kept.urlencode()
    request.GET = QueryDict(query)
    request.META["QUERY_STRING"] = query


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


def page_key(request, today):
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page:{today.isoformat()}:{address}"


def packed(response, tags, due):
    """What is stored of a page: its status, headers and bytes (cheap to read back, unlike a
    pickled response object), the tags it shows and the next scheduled time when it was built."""
    return {
        "status": response.status_code,
        "headers": list(response.items()),
        "body": response.content,
        "tags": tags,
        "due": due,
    }


def unpacked(page):
    return HttpResponse(page["body"], status=page["status"], headers=page["headers"])


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


def _available(cache):
    return time.monotonic() >= getattr(cache, "_bulletin_unavailable_until", 0)


def _unavailable(cache):
    """Serve pages uncached for a while; once the cache is back, check for pending invalidations
    before anything is served from it, since this process saw a write to it fail or could not know."""
    cache._bulletin_unavailable_until = time.monotonic() + UNAVAILABLE_RETRY_SECONDS
    cache._bulletin_settled_until = 0


def _serve_uncached(cache, error=None):
    """Serve pages uncached for ``UNAVAILABLE_RETRY_SECONDS`` (:func:`_unavailable`), and say so."""
    _unavailable(cache)
    logger.warning(
        "Page cache: cache unavailable, serving pages uncached; trying again in %s s",
        UNAVAILABLE_RETRY_SECONDS,
        exc_info=error,
    )


def _version_key(name):
    return f"{VERSION_PREFIX}{name}"


def tags_of(stamp):
    """The tags a stored page's stamp holds the versions of."""
    return [key.removeprefix(VERSION_PREFIX) for key in stamp]


def _new_token():
    return f"{time.time_ns():x}{secrets.token_hex(4)}"


def _read(key):
    """``(page, epoch, schedule)`` (:meth:`CachePages.read`), or Nones if they cannot be read."""
    cache = _cache()
    try:
        return kept_in(cache).read(key)
    except (redis.ConnectionError, redis.TimeoutError) as error:
        # Redis is out of reach (through the cache API, django-redis would have answered nothing):
        # asking it for the epoch next would only wait as long again.
        _serve_uncached(cache, error)
    except Exception:
        logger.warning("Page cache: could not read %s", key, exc_info=True)
    return None, None, None


def _write(key, page, stamp, seconds):
    try:
        kept_in(_cache()).write(key, page, stamp, seconds)
    except Exception:
        logger.warning("Page cache: could not store %s", key, exc_info=True)


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
