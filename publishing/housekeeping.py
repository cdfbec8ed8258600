"""The platform's periodic jobs (``settings.PERIODIC_JOBS``, queued by ``publishing.periodic``):
each receives the window ``since``–``until`` its run covers, and may run again for the same window
without harm."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from publishing import desk, edge, jobs, notify, pagecache, periodic


@jobs.job(attempts=3, backoff=timedelta(minutes=1))
def clear_expired_sessions(since, until):
    """Delete the sessions that have expired, as ``manage.py clearsessions`` does."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@jobs.job(attempts=3, backoff=timedelta(minutes=1))
def prune_task_results(since, until):
    """Delete the records of jobs that finished more than ``TASK_RESULTS_KEEP_DAYS`` days ago."""
    _since, until = periodic.window(since, until)
    cutoff = until - timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()


@jobs.job(attempts=3, backoff=timedelta(seconds=10))
def replay_page_invalidations(since, until):
    """Apply the page invalidations that could not reach the cache (``pagecache.replay_pending``),
    and send the purges the edge caches did not confirm (``edge.replay_pending``)."""
    if not pagecache.replay_pending():
        raise pagecache.CacheUnreachable("the page cache cannot be told of the invalidations that wait")
    if not edge.replay_pending():
        raise edge.EdgeUnreachable("an edge cache did not confirm the purges that wait")


@jobs.job(attempts=3, backoff=timedelta(minutes=5))
def send_digests(since, until):
    """Mail each member of staff the short list of what waits on them and what is late
    (``publishing.desk``): once a day at most, only when something waits, never to those who
    turned it off. Run again for the same day, it sends nothing more."""
    _since, until = periodic.window(since, until)
    today = timezone.localdate(until)
    staff = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .exclude(desk_settings__daily_digest=False)
        .order_by("pk")
    )
    for user in staff:
        tasks = desk.agenda(user, until)
        if not tasks:
            continue
        # The mail is queued in the claim's transaction: claimed and not queued cannot happen.
        with transaction.atomic():
            if desk.claim_digest(user, today):
                notify.digest(user, tasks, today)
