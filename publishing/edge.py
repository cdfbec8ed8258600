"""The HTTP caches in front of the app (the edge: Varnish with its xkey module, configured by
``deploy/varnish.vcl``, or a CDN): what they may keep, for how long, and how they are told to
drop it. On only when ``EDGE_PURGE_URLS`` names at least one edge.

* **What.** A page the page cache stores for every reader (``publishing.pagecache``: anonymous,
  built from content whose versions were still current when it was done) is marked for shared
  caches when it is served, from Redis or freshly built: ``Cache-Control: s-maxage`` until the
  next scheduled publication or midnight at most (browsers still revalidate, ``max-age=0``), and
  the tags of the content it shows, space-separated in ``xkey`` (Varnish) and ``Surrogate-Key``
  (Fastly and others), comma-separated in ``Cache-Tag`` (Cloudflare). Nothing else is marked:
  not what a session, a message or credentials asked for, no preview, nothing ``private``.
* **Purging.** Whatever makes cached pages stale (``pagecache.invalidate_on_commit``: publishing,
  withdrawing, scheduled content going live, releasing, admin changes readers see) purges the
  same tags on every edge: an :class:`~publishing.models.EdgePurge` row is written in the
  change's transaction and sent after the commit (``PURGE`` with an ``xkey-purge`` header); it is
  deleted once every edge answered 2xx, else a job tries again with backoff, and the scheduler
  every minute, until they do.
* **Grace.** When the pages showed nothing readers must stop seeing (content published, updated
  or going live: the old page only lacks the new), the purge says so (``xkey-softpurge``): the
  edge keeps the old page and serves it while one request builds the new one, so a purged home
  page or contents list brings one request to the app, not every reader at once. When content
  leaves readers (withdrawn, unpublished, deleted) the pages are dropped at once (``xkey-purge``).
* **In flight.** A page whose build ended just before a commit can reach an edge just after that
  commit's purge. Every purge is therefore sent again ``REPURGE_SECONDS`` later (by the worker:
  the immediate task backend of development runs nothing later).
"""

import logging
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.cache import patch_cache_control

from publishing import jobs
from publishing.models import EdgePurge

logger = logging.getLogger(__name__)

# An edge that does not answer a purge within this is retried later: the editor's request that
# caused it does not wait longer.
PURGE_TIMEOUT_SECONDS = 1
REPURGE_SECONDS = 5
# What deploy/varnish.vcl reads: drop now, or keep serving until the next copy is built.
PURGE_HEADERS = {False: "xkey-purge", True: "xkey-softpurge"}


class EdgeUnreachable(Exception):
    """Some edge did not confirm a purge: the job is tried again."""


def enabled():
    return bool(settings.EDGE_PURGE_URLS)


def share(response, tags, seconds):
    """Let shared caches keep ``response``, a page showing the content ``tags`` name, ``seconds``."""
    if enabled():
        names = sorted(tags)
        response["xkey"] = response["Surrogate-Key"] = " ".join(names)
        response["Cache-Tag"] = ",".join(names)
        patch_cache_control(response, s_maxage=seconds)
    return response


def purge_on_commit(tags, *, grace=False):
    """Purge the pages tagged with any of ``tags`` from every edge once the transaction commits;
    kept in the database until every edge has confirmed. ``grace``: the edge may serve them while
    they are built again (see "Grace")."""
    if not enabled():
        return
    record = EdgePurge.objects.create(tags=sorted(tags), grace=grace)
    transaction.on_commit(lambda: EdgePurge.deliver([record], purge) or _later(), robust=True)
    jobs.enqueue_on_commit(
        purge_again, sorted(tags), grace, run_after=timezone.now() + timedelta(seconds=REPURGE_SECONDS)
    )


def purge(tags, *, grace=False):
    """Tell every edge to drop the pages tagged with any of ``tags`` (with ``grace``, once their
    next copy is built); True if all of them confirmed."""
    header = " ".join(sorted(tags))
    confirmed = True
    for url in settings.EDGE_PURGE_URLS:
        request = urllib.request.Request(url, method="PURGE", headers={PURGE_HEADERS[grace]: header})
        try:
            with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT_SECONDS):
                pass  # urlopen raises for anything but 2xx (and follows no redirect for PURGE)
        except OSError as error:  # HTTPError and URLError among them
            logger.warning("Edge cache %s did not confirm the purge of %s: %s", url, header, error)
            confirmed = False
    return confirmed


def replay_pending():
    """Send the purges still waiting; True once none is left."""
    return EdgePurge.deliver_waiting(purge)


@jobs.job(attempts=8, backoff=timedelta(seconds=5), describe=lambda: "replaying edge purges")
def replay_purges():
    if not replay_pending():
        raise EdgeUnreachable("an edge cache did not confirm the purges that wait")


@jobs.job(
    attempts=5, backoff=timedelta(seconds=5), describe=lambda tags, grace=False: f"purging {' '.join(tags)} again"
)
def purge_again(tags, grace):
    if not purge(tags, grace=grace):
        raise EdgeUnreachable(f"an edge cache did not confirm the purge of {' '.join(tags)}")


def _later():
    if jobs.can_defer(replay_purges):
        jobs.enqueue_on_commit(replay_purges)
