"""Background jobs: django-tasks tasks that are tried again, later, when they fail, and queued once
however many changes ask for them.

* :func:`job` makes a task of a function, like django-tasks' ``@task()``, with a retry policy:
  when a run raises, the same job is queued again to run after a backoff that doubles with each
  attempt (``backoff``, ``2 × backoff``, ``4 × backoff`` …), the attempt counted in its arguments;
  after ``attempts`` runs it is logged as an error and left failed. django-tasks has no retries of
  its own. A job must therefore be idempotent: running it twice does what running it once does.
* :func:`enqueue_on_commit` queues a job for after the current transaction. With the database
  backend (production) the job is a row written in the caller's transaction: it is recorded with
  the change it follows, vanishes if that is rolled back, and the worker sees it only once it is
  committed. With the immediate backend (development, tests) it runs when the transaction commits.
  Either way a job that is already waiting with the same arguments is not queued a second time.

A backend that cannot run a job later (the immediate one) cannot retry either: there a failure is
logged as an error at once.
"""

import functools
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks.utils import normalize_json
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retry:
    """How a job is retried: how many runs in all, and the wait before the second."""

    attempts: int
    backoff: timedelta

    def delay(self, attempt):
        """The wait after failed run number ``attempt`` (1 for the first)."""
        return self.backoff * 2 ** (attempt - 1)


def job(*, attempts=5, backoff=timedelta(seconds=30), describe=None):
    """Decorator: the function as a django-tasks task that is retried with backoff on failure.

    ``describe(*args)`` names the job in the log (by default its arguments are shown). The task is
    queued as usual (``.enqueue(…)``, or :func:`enqueue_on_commit`); its function receives only its
    own arguments, never the attempt number.
    """
    policy = Retry(attempts, backoff)

    def decorate(function):
        @functools.wraps(function)
        def run(*args, attempt=1, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception as error:
                name = describe(*args, **kwargs) if describe else f"{function.__qualname__}{tuple(args)!r}"
                if attempt < policy.attempts and can_defer(queued):
                    delay = policy.delay(attempt)
                    queued.using(run_after=timezone.now() + delay).enqueue(*args, attempt=attempt + 1, **kwargs)
                    logger.warning(
                        "Job %s failed (attempt %s of %s: %s); trying again in %s s",
                        name,
                        attempt,
                        policy.attempts,
                        error,
                        int(delay.total_seconds()),
                    )
                    return {"retried": attempt + 1}
                logger.error("Job %s failed for good after %s attempts: %s", name, attempt, error, exc_info=True)
                raise

        run.retry = policy
        queued = task()(run)
        return queued

    return decorate


def can_defer(queued):
    """Whether the backend of ``queued`` can run a job later (the database backend can)."""
    return queued.get_backend().supports_defer


def enqueue_on_commit(queued, *args, run_after=None):
    """Run ``queued(*args)`` once the current transaction commits, or at ``run_after`` if later.

    Not queued again while the same job (same task and arguments, due at the same moment) is
    waiting and no worker has started it: that one will run after this commit and see what it
    changed. A job for later is dropped, with a note in the log, by a backend that cannot wait.
    """
    if run_after is not None:
        if not can_defer(queued):
            logger.info("Not queueing %s%r for %s: the task backend runs nothing later", queued.name, args, run_after)
            return
        queued = queued.using(run_after=run_after)
    if isinstance(queued.get_backend(), DatabaseBackend):
        _enqueue_once(queued, args)
    else:
        pending = _Enqueue(queued, args)
        if not any(pending == callback and not callback.done for _sids, callback, _robust in connection.run_on_commit):
            transaction.on_commit(pending)


@dataclass
class _Enqueue:
    """The commit callback that queues one job; equal to any other queueing the same job, so a
    transaction that asks for a job ten times queues it once."""

    queued: Any
    args: tuple
    done: bool = field(default=False, compare=False)

    def __call__(self):
        self.done = True
        self.queued.enqueue(*self.args)


def _enqueue_once(queued, args):
    with transaction.atomic():
        # A waiting job is locked until this transaction ends, so no worker starts it before the
        # change it must see is committed; one a worker is claiming is skipped, and queued anew.
        if not waiting(queued, args).select_for_update(skip_locked=True)[:1]:
            queued.enqueue(*args)


def waiting(queued, args=()):
    """The jobs of the database backend that would do what ``queued(*args)`` asks and have not started."""
    jobs = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        task_path=queued.module_path,
        backend_name=queued.backend,
        queue_name=queued.queue_name,
        args_kwargs__args=normalize_json(list(args)),
    )
    if queued.run_after is None:
        return jobs.filter(Q(run_after=get_date_max()) | Q(run_after__lte=timezone.now()))
    return jobs.filter(run_after=queued.run_after)
