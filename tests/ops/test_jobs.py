"""Background jobs (publishing.jobs): a failing job is tried again after a backoff that doubles,
up to its limit, then logged as an error; a job asked for twice before it runs runs once.

The worker is ``manage.py db_worker --batch`` on the production backend (``worker_queue``), and
time moves as in tests/bulletin/test_scheduling.py.
"""

import logging
from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from publishing import jobs

# The worker commits as it claims each job, so these tests commit too.
pytestmark = pytest.mark.django_db(transaction=True)

RUNS = []
FAILURES = Counter()


@jobs.job(attempts=3, backoff=timedelta(minutes=1))
def flaky(key):
    """Fails as many times as ``FAILURES[key]`` says, then succeeds."""
    RUNS.append(key)
    if FAILURES[key] > 0:
        FAILURES[key] -= 1
        raise ConnectionError("service unreachable")
    return key


@pytest.fixture(autouse=True)
def fresh_record():
    RUNS.clear()
    FAILURES.clear()


def waiting():
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by("run_after"))


def test_a_failing_job_is_tried_again_after_a_backoff_that_doubles(worker_queue, travel):
    FAILURES["mail"] = 2
    start = timezone.now()
    flaky.enqueue("mail")

    worker_queue()
    [second] = waiting()
    worker_queue()  # not yet due: nothing runs
    runs_before_the_backoff = len(RUNS)
    travel(second.run_after + timedelta(seconds=1))
    worker_queue()
    [third] = waiting()
    travel(third.run_after + timedelta(seconds=1))
    worker_queue()

    assert runs_before_the_backoff == 1
    assert timedelta(minutes=1) <= second.run_after - start < timedelta(minutes=1, seconds=5)
    assert timedelta(minutes=2) <= third.run_after - second.run_after < timedelta(minutes=2, seconds=5)
    assert (second.args_kwargs["kwargs"], third.args_kwargs["kwargs"]) == ({"attempt": 2}, {"attempt": 3})
    assert RUNS == ["mail"] * 3
    assert waiting() == []
    assert DBTaskResult.objects.order_by("-enqueued_at").first().return_value == "mail"


def test_a_job_that_keeps_failing_stops_at_its_limit_and_is_logged_as_an_error(worker_queue, travel, caplog):
    FAILURES["mail"] = 99
    flaky.enqueue("mail")

    with caplog.at_level(logging.WARNING, logger="publishing.jobs"):
        for _ in range(5):
            worker_queue()
            if pending := waiting():
                travel(pending[0].run_after + timedelta(seconds=1))

    assert RUNS == ["mail"] * 3
    assert waiting() == []
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 1
    records = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "publishing.jobs"]
    assert [level for level, _ in records] == ["WARNING", "WARNING", "ERROR"]
    assert "failed for good after 3 attempts: service unreachable" in records[-1][1]
    assert "flaky('mail',)" in records[-1][1]


def test_a_job_asked_for_twice_before_it_runs_runs_once(worker_queue):
    with transaction.atomic():
        jobs.enqueue_on_commit(flaky, "pdf")
        jobs.enqueue_on_commit(flaky, "pdf")
    jobs.enqueue_on_commit(flaky, "pdf")
    jobs.enqueue_on_commit(flaky, "other")

    worker_queue()

    assert sorted(RUNS) == ["other", "pdf"]


def test_a_job_asked_for_again_once_a_worker_has_started_it_runs_again(worker_queue):
    # The running job may have read the data before the change that asks again: it must not count.
    jobs.enqueue_on_commit(flaky, "pdf")
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)

    jobs.enqueue_on_commit(flaky, "pdf")

    assert len(waiting()) == 1


def test_a_job_for_later_is_not_taken_for_one_due_now(worker_queue):
    later = timezone.now() + timedelta(hours=1)
    jobs.enqueue_on_commit(flaky, "pdf", run_after=later)
    jobs.enqueue_on_commit(flaky, "pdf", run_after=later)

    jobs.enqueue_on_commit(flaky, "pdf")

    assert sorted(job.run_after == later for job in waiting()) == [False, True]


def test_a_job_queued_in_a_transaction_that_is_rolled_back_never_runs(worker_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue_on_commit(flaky, "pdf")
        raise RuntimeError("the change fails")

    worker_queue()

    assert RUNS == []


def test_with_the_immediate_backend_a_job_runs_once_after_the_commit_however_often_it_was_asked_for():
    with transaction.atomic():
        jobs.enqueue_on_commit(flaky, "pdf")
        jobs.enqueue_on_commit(flaky, "pdf")
        assert RUNS == []

    assert RUNS == ["pdf"]


def test_with_the_immediate_backend_a_failure_is_logged_as_an_error_at_once(caplog):
    FAILURES["mail"] = 1

    with caplog.at_level(logging.ERROR, logger="publishing.jobs"):
        flaky.enqueue("mail")

    assert RUNS == ["mail"]
    assert [
        "failed for good after 1 attempts" in r.getMessage() for r in caplog.records if r.name == "publishing.jobs"
    ] == [True]
