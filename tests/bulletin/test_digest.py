"""The daily digest (【待办】): what waits on each member of staff, once a day at most, never to
those who turned it off, and once even when two workers run the job at the same moment."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bulletin import planning
from bulletin.models import IssueDeadline
from publishing.housekeeping import send_digests
from publishing.models import DeskSettings
from tests import factories as make
from tests.bulletin.test_races import INTERLEAVINGS


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the block leaves for after its commit, the queued mail."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def run_digests(now=None):
    now = now or timezone.now()
    send_digests.call((now - timedelta(days=1)).isoformat(), now.isoformat())


def digests(mailoutbox, to=None):
    return [m for m in mailoutbox if m.subject.startswith("【待办】") and (to is None or m.to == [to])]


@pytest.mark.django_db
def test_the_digest_lists_what_waits_late_first_with_links(newsroom, mailoutbox, committed, draft_issue):
    planning.plan(draft_issue)
    yesterday = timezone.localdate() - timedelta(days=1)
    IssueDeadline.objects.filter(issue=draft_issue, stage__name="初审").update(due_on=yesterday)
    with committed():
        make.in_review(at="初审", by=newsroom.author, title="网站新闻稿")
        late = make.in_review(draft_issue, at="初审", by=newsroom.author, title="本期逾期稿")
    mailoutbox.clear()

    with committed():
        run_digests()

    [mail] = digests(mailoutbox, "reviewer@kexie.example")
    today = timezone.localdate()
    assert mail.subject == f"【待办】{today.month}月{today.day}日：2项待您处理，1项已逾期"
    body = mail.body
    site = settings.SITE_URL.rstrip("/")
    assert body.index("《本期逾期稿》") < body.index("《网站新闻稿》")
    assert f"逾期：初审应于{yesterday.month}月{yesterday.day}日前完成" in body
    assert f"{site}{reverse('admin:bulletin_article_change', args=[late.pk])}" in body
    assert f"{site}{reverse('desk:settings')}" in body


@pytest.mark.django_db
def test_nobody_with_nothing_waiting_gets_a_digest(newsroom, mailoutbox, committed):
    with committed():
        run_digests()

    assert digests(mailoutbox) == []


@pytest.mark.django_db
def test_a_user_who_turned_the_digest_off_gets_none(newsroom, client, mailoutbox, committed):
    with committed():
        make.in_review(at="初审", by=newsroom.author)
    client.force_login(newsroom.reviewer)
    response = client.post(reverse("desk:settings"), {})
    mailoutbox.clear()

    with committed():
        run_digests()

    assert response.status_code == 302
    assert DeskSettings.objects.get(user=newsroom.reviewer).daily_digest is False
    assert digests(mailoutbox, "reviewer@kexie.example") == []
    assert digests(mailoutbox, "reviewer2@kexie.example") != []


@pytest.mark.django_db
def test_running_the_job_again_the_same_day_sends_nothing_more(newsroom, mailoutbox, committed):
    with committed():
        make.in_review(at="初审", by=newsroom.author)
    mailoutbox.clear()

    with committed():
        run_digests()
        run_digests(timezone.now() + timedelta(minutes=5))

    assert len(digests(mailoutbox, "reviewer@kexie.example")) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks race only on PostgreSQL (CI runs it)")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_two_workers_running_the_digest_at_once_send_each_person_one(newsroom, mailoutbox, delays):
    make.in_review(at="初审", by=newsroom.author)
    mailoutbox.clear()
    barrier = threading.Barrier(2)

    def worker(delay):
        try:
            barrier.wait()
            time.sleep(delay)
            run_digests()
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(worker, delay) for delay in delays]:
            future.result()

    recipients = sorted(mail.to[0] for mail in digests(mailoutbox))
    assert recipients == sorted(set(recipients))
    assert "reviewer@kexie.example" in recipients
