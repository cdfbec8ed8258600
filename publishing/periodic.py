"""Periodic jobs, queued by a scheduler: ``manage.py run_scheduler`` (a loop, docker-compose's
``scheduler`` service) or ``manage.py run_periodic_jobs`` (one pass, for cron once a minute).

``settings.PERIODIC_JOBS`` names each job: ``{name: (dotted path of a job, every how many
seconds)}``. A job is a ``publishing.jobs`` job, so it runs in the worker and is tried again when
it fails; it receives the window of time its run covers, ``since`` and ``until`` (ISO 8601
strings): from the previous run to this one, so that nothing that happened between two runs is
missed, however late a run is.

Time is cut into slots of each job's interval (minutes, days: UTC), and a job is queued once per
slot, **however many schedulers run**: each claims the job's :class:`PeriodicRun` row before it
queues it, and only the one that moves its time on does. The claim is a row lock taken with
``skip_locked`` (another scheduler holding it is passed by, never waited for) and a
compare-and-set of the time it read (which holds on SQLite too, where there are no row locks).
With the database task backend the job is written in the claim's own transaction, so a claimed
run is never lost.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from publishing import jobs
from publishing.models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    """One periodic job: its name, its task, and how often it runs."""

    name: str
    task: object
    every: timedelta

    def slot(self, moment):
        """Which interval ``moment`` falls in: the job runs once in each."""
        return int(moment.timestamp() // self.every.total_seconds())


def schedule():
    """The periodic jobs of ``settings.PERIODIC_JOBS``."""
    return [
        Periodic(name, import_string(path), timedelta(seconds=seconds))
        for name, (path, seconds) in settings.PERIODIC_JOBS.items()
    ]


def run_due(now=None):
    """Queue each periodic job whose slot has come and that no other scheduler has claimed for it;
    returns the names of those queued."""
    now = now or timezone.now()
    entries = schedule()
    PeriodicRun.objects.bulk_create([PeriodicRun(name=entry.name) for entry in entries], ignore_conflicts=True)
    queued = []
    for entry in entries:
        try:
            if claim_and_queue(entry, now):
                queued.append(entry.name)
        except Exception:
            # One job that cannot be queued must not keep the others from their turn.
            logger.exception("Could not queue the periodic job %s", entry.name)
    return queued


@transaction.atomic
def claim_and_queue(entry, now):
    """Queue ``entry`` for the window since its previous run if its slot has come and this
    scheduler wins the claim; True if it did."""
    run = PeriodicRun.objects.select_for_update(skip_locked=True).filter(name=entry.name).first()
    if run is None or (run.started_at and entry.slot(run.started_at) >= entry.slot(now)):
        return False
    claimed = PeriodicRun.objects.filter(pk=run.pk, started_at=run.started_at).update(started_at=now)
    if not claimed:
        return False
    since = run.started_at or now - entry.every
    jobs.enqueue_on_commit(entry.task, since.isoformat(), now.isoformat())
    logger.info("Queued the periodic job %s for %s – %s", entry.name, since, now)
    return True


def window(since, until):
    """The ``(since, until)`` a periodic job receives, as aware datetimes."""
    return datetime.fromisoformat(since), datetime.fromisoformat(until)
