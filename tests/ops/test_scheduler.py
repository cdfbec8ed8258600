"""The scheduler (publishing.periodic): each periodic job is queued once per interval with the
window of time since its previous run, however many schedulers run; and each job does its work.

With the immediate task backend a job runs once the claim is committed, and the worker commits
as it claims each job: those tests commit.
Two schedulers race for real on PostgreSQL, each in a thread with its own connection, as the
requests of tests/bulletin/test_races.py do.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bulletin import workflow
from bulletin.models import IssuePrint
from bulletin.scheduled import content_goes_live
from publishing import jobs, pagecache, periodic
from publishing.housekeeping import (
    clear_expired_sessions,
    prune_task_results,
    replay_page_invalidations,
    send_digests,
)
from publishing.models import PendingInvalidation, PeriodicRun
from tests import factories as make
from tests.bulletin.test_races import INTERLEAVINGS

RUNS = []  # the windows tick() was run for
_record = threading.Lock()


@jobs.job(attempts=1)
def tick(since, until):
    with _record:
        RUNS.append(periodic.window(since, until))


@pytest.fixture(autouse=True)
def only_tick(settings):
    RUNS.clear()
    settings.PERIODIC_JOBS = {"tick": (f"{__name__}.tick", 60)}


def minute(n):
    """A moment ``n`` minutes into the next hour, 10 s after the minute starts."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return hour + timedelta(minutes=n, seconds=10)


@pytest.mark.django_db(transaction=True)
def test_a_periodic_job_runs_once_per_interval_with_the_time_since_its_previous_run():
    first = periodic.run_due(now=minute(0))
    again = periodic.run_due(now=minute(0) + timedelta(seconds=40))
    later = periodic.run_due(now=minute(1) + timedelta(seconds=2))

    assert (first, again, later) == (["tick"], [], ["tick"])
    ran = list(RUNS)
    assert ran == [(minute(0) - timedelta(minutes=1), minute(0)), (minute(0), minute(1) + timedelta(seconds=2))]


@pytest.mark.django_db(transaction=True)
def test_a_scheduler_that_was_away_covers_the_whole_time_it_missed_in_one_run():
    periodic.run_due(now=minute(0))

    periodic.run_due(now=minute(30))

    assert RUNS[-1] == (minute(0), minute(30))


@pytest.mark.django_db(transaction=True)
def test_the_cron_command_queues_what_is_due_and_stops(capsys):
    call_command("run_periodic_jobs")

    assert len(RUNS) == 1
    assert "已排入：tick" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_scheduler_only_queues_and_the_worker_runs(worker_queue):
    periodic.run_due(now=minute(0))
    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()

    worker_queue()

    assert (queued, len(RUNS)) == (1, 1)


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks race only on PostgreSQL (CI runs it)"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_two_schedulers_at_once_run_a_job_once(delays):
    now = minute(0)
    PeriodicRun.objects.create(name="tick", started_at=now - timedelta(minutes=1))
    barrier = threading.Barrier(2)

    def scheduler(delay):
        try:
            barrier.wait()
            time.sleep(delay)
            return periodic.run_due(now=now)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        queued = sorted(map(len, pool.map(scheduler, delays)))

    assert queued == [0, 1]
    assert len(RUNS) == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_scheduler_passes_by_a_job_another_one_is_claiming_without_waiting():
    PeriodicRun.objects.create(name="tick", started_at=minute(0) - timedelta(minutes=1))
    claimed, release = threading.Event(), threading.Event()

    def other_scheduler():
        try:
            with transaction.atomic():
                PeriodicRun.objects.select_for_update().get(name="tick")
                claimed.set()
                release.wait(10)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        holding = pool.submit(other_scheduler)
        claimed.wait(10)
        started = time.monotonic()
        queued = periodic.run_due(now=minute(0))
        waited = time.monotonic() - started
        release.set()
        holding.result()

    assert queued == []
    assert waited < 1


# What each job does -----------------------------------------------------------------------------


def run(job, since, until):
    """Run a periodic job for the window ``since``–``until``, as the worker would."""
    return job.call(since.isoformat(), until.isoformat())


@pytest.mark.django_db
def test_content_going_live_rebuilds_its_issues_pdf_and_makes_its_pages_stale(
    newsroom, published_issue, monkeypatch, django_capture_on_commit_callbacks
):
    at = timezone.now() + timedelta(hours=1)
    article = newsroom.approved(published_issue, title="院士专家走进乡村中学")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, by=newsroom.chief, at=at)
    built = []
    monkeypatch.setattr("bulletin.print_edition.build_edition", lambda pk: built.append(pk) or _ready(pk))
    stale = []
    monkeypatch.setattr(pagecache, "invalidate", lambda tags: stale.append(set(tags)) or True)

    with django_capture_on_commit_callbacks(execute=True):
        before = run(content_goes_live, at - timedelta(minutes=2), at - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        during = run(content_goes_live, at - timedelta(seconds=30), at + timedelta(seconds=30))

    assert (before, during) == ([], [published_issue.pk])
    assert len(built) == 1
    assert {pagecache.tag(article), pagecache.tag(published_issue)} <= stale[-1]


def _ready(pk):
    edition = IssuePrint.objects.get(pk=pk)
    edition.state = IssuePrint.State.READY
    return edition


@pytest.mark.django_db
def test_expired_sessions_are_cleared(client, editor):
    client.force_login(editor)
    expired = SessionStore()
    expired.set_expiry(timezone.now() - timedelta(days=1))
    expired.save()

    run(clear_expired_sessions, timezone.now() - timedelta(days=1), timezone.now())

    assert list(Session.objects.values_list("session_key", flat=True)) == [client.session.session_key]


@pytest.mark.django_db(transaction=True)
def test_task_results_are_pruned_after_the_days_they_are_kept(worker_queue, settings):
    settings.TASK_RESULTS_KEEP_DAYS = 14
    for _ in range(3):
        tick.enqueue("", "")
    worker_queue()
    old, recent, waiting = DBTaskResult.objects.all()[:3]
    DBTaskResult.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=15))
    DBTaskResult.objects.filter(pk=waiting.pk).update(status=TaskResultStatus.READY, finished_at=None)

    run(prune_task_results, timezone.now() - timedelta(days=1), timezone.now())

    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}


@pytest.mark.django_db
def test_page_invalidations_that_missed_the_cache_are_replayed(monkeypatch):
    PendingInvalidation.objects.create(tags=["article:1"])
    told = []
    monkeypatch.setattr(pagecache, "invalidate", lambda tags: told.append(set(tags)) or True)

    run(replay_page_invalidations, timezone.now() - timedelta(minutes=1), timezone.now())

    assert told == [{"article:1"}]
    assert not PendingInvalidation.objects.exists()


@pytest.mark.django_db
def test_each_reviewer_gets_one_digest_a_day_however_often_the_job_runs(
    newsroom, mailoutbox, django_capture_on_commit_callbacks
):
    workflow.submit(make.draft(by=newsroom.author, title="动员大会召开"), by=newsroom.author)
    mailoutbox.clear()
    now, day = timezone.now(), timedelta(days=1)

    for since, until in [(now - day, now), (now - day, now), (now + day - timedelta(minutes=1), now + day)]:
        with django_capture_on_commit_callbacks(execute=True):
            run(send_digests, since, until)

    digests = [mail for mail in mailoutbox if mail.subject.startswith("【待办】")]
    # Everyone who may decide the first stage: both reviewers, the chief (a later stage's group)
    # and the superuser; once on each of the two days.
    recipients = sorted(mail.to[0] for mail in digests)
    assert recipients == sorted(
        2 * ["reviewer@kexie.example", "reviewer2@kexie.example", "zhubian@kexie.example", "root@kexie.example"]
    )
    assert "待审（初审）：《动员大会召开》" in digests[0].body
