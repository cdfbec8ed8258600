"""The platform's periodic jobs (``settings.PERIODIC_JOBS``, queued by ``publishing.periodic``):
each receives the window ``since``–``until`` its run covers, and may run again for the same window
without harm."""

from datetime import timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from publishing import edge, jobs, notify, pagecache, periodic
from publishing.models import PublicationStatus, Reviewable


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
def remind_reviewers(since, until):
    """Remind the reviewers of a stage of each piece that has waited there ``REVIEW_REMINDER_DAYS``
    days, and again after each further such period, by mail (``notify.still_awaiting_review``).

    A piece is reminded of in the run whose window holds the moment a period is complete, so it is
    reminded once per period, however often the job runs. ``REVIEW_REMINDER_DAYS = 0`` sends none.
    """
    if not settings.REVIEW_REMINDER_DAYS:
        return
    since, until = periodic.window(since, until)
    period = timedelta(days=settings.REVIEW_REMINDER_DAYS)
    for model in apps.get_models():
        if not issubclass(model, Reviewable):
            continue
        waiting = model.objects.filter(
            status=PublicationStatus.IN_REVIEW, stage_entered_at__lte=until - period
        ).select_related("review_stage")
        for obj in waiting:
            periods = (until - obj.stage_entered_at) // period
            if periods > max(0, (since - obj.stage_entered_at) // period):
                notify.still_awaiting_review(obj, days=periods * settings.REVIEW_REMINDER_DAYS)
