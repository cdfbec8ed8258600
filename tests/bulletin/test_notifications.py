"""Emails of the workflow: who gets which, in Chinese, with a link to the admin; sent after commit."""

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bulletin import workflow
from bulletin.models import Article
from tests import factories as make

pytestmark = pytest.mark.django_db


class BrokenBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """``act(transition, obj, by=…, …)``: run a transition and the mails it queues on commit."""

    def run(transition, obj, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return transition(obj, **kwargs)

    return run


@pytest.fixture
def article(newsroom):
    return make.draft(by=newsroom.author, title="动员大会召开")


def admin_link(article):
    return settings.SITE_URL.rstrip("/") + reverse("admin:bulletin_article_change", args=[article.pk])


def recipients(mailoutbox):
    return [sorted(mail.to) for mail in mailoutbox]


def test_submitting_tells_the_first_stage_reviewers_who_have_an_email(newsroom, article, act, mailoutbox):
    make.reviewer("no-email")
    inactive = make.reviewer("gone", email="gone@kexie.example")
    inactive.is_active = False
    inactive.save()

    act(workflow.submit, article, by=newsroom.author)

    assert recipients(mailoutbox) == [["reviewer2@kexie.example", "reviewer@kexie.example"]]
    assert mailoutbox[0].subject == "【待审】稿件《动员大会召开》等待初审"


def test_submitting_does_not_mail_the_author_even_when_the_author_is_a_reviewer(newsroom, act, mailoutbox):
    article = make.draft(by=newsroom.reviewer, title="动员大会召开")
    newsroom.reviewer.groups.add(make.group(make.EDITOR))

    act(workflow.submit, article, by=newsroom.reviewer)

    assert recipients(mailoutbox) == [["reviewer2@kexie.example"]]


def test_the_review_mail_is_in_chinese_with_a_link_to_the_admin_page(newsroom, article, act, mailoutbox):
    act(workflow.submit, article, by=newsroom.author)

    body = mailoutbox[0].body
    assert "《动员大会召开》已进入“初审”环节，请您审核。" in body
    assert f"在编辑部后台查看：{admin_link(article)}" in body
    assert body.endswith(f"——{settings.PERIODICAL_NAME}编辑部")


def test_approval_to_the_next_stage_tells_that_stages_group(newsroom, article, act, mailoutbox):
    workflow.submit(article, by=newsroom.author)

    act(workflow.approve, article, by=newsroom.reviewer)
    act(workflow.approve, article, by=newsroom.second_reviewer)

    assert recipients(mailoutbox) == [
        ["reviewer2@kexie.example", "reviewer@kexie.example"],
        ["zhubian@kexie.example"],
    ]
    assert [m.subject for m in mailoutbox] == [
        "【待审】稿件《动员大会召开》等待复审",
        "【待审】稿件《动员大会召开》等待终审",
    ]


def test_final_approval_tells_the_author(newsroom, article, act, mailoutbox):
    workflow.submit(article, by=newsroom.author)
    workflow.approve(article, by=newsroom.reviewer)
    workflow.approve(article, by=newsroom.second_reviewer)

    act(workflow.approve, article, by=newsroom.chief)

    assert recipients(mailoutbox) == [["author@kexie.example"]]
    assert mailoutbox[0].subject == "【已通过】稿件《动员大会召开》审核通过"
    assert "《动员大会召开》已通过全部审核环节，等待发布。" in mailoutbox[0].body
    assert admin_link(article) in mailoutbox[0].body


def test_sending_back_tells_the_author_who_sent_it_back_and_why(newsroom, article, act, mailoutbox):
    workflow.submit(article, by=newsroom.author)

    act(workflow.send_back, article, by=newsroom.reviewer, comment="第二段的数据请核实出处。")

    assert recipients(mailoutbox) == [["author@kexie.example"]]
    mail = mailoutbox[0]
    assert mail.subject == "【退回修改】稿件《动员大会召开》被退回"
    assert "《动员大会召开》被reviewer退回修改。" in mail.body
    assert "审核意见：第二段的数据请核实出处。" in mail.body
    assert admin_link(article) in mail.body


def test_publishing_tells_the_author(newsroom, act, mailoutbox):
    article = newsroom.approved(title="动员大会召开")

    act(workflow.publish, article, by=newsroom.chief)

    assert recipients(mailoutbox) == [["author@kexie.example"]]
    assert mailoutbox[0].subject == "【已发布】稿件《动员大会召开》已发布"
    assert "读者可以在网站上看到了" in mailoutbox[0].body


def test_publishing_for_later_tells_the_author_when_readers_will_see_it(newsroom, act, mailoutbox):
    article = newsroom.approved(title="动员大会召开")
    at = timezone.now() + timedelta(days=2)

    act(workflow.publish, article, by=newsroom.chief, at=at)

    [mail] = mailoutbox
    local = timezone.localtime(at)
    assert f"读者将从 {local.year}年{local.month}月{local.day}日 {local:%H:%M} 起在网站上看到" in mail.body
    assert "读者可以在网站上看到了" not in mail.body


def test_releasing_an_issue_tells_the_author_of_each_article(newsroom, act, mailoutbox):
    issue = make.draft_issue()
    newsroom.approved(issue, title="动员大会召开")
    newsroom.approved(issue, title="科普讲座举行")

    act(workflow.release_issue, issue, by=newsroom.chief)

    assert sorted(m.subject for m in mailoutbox) == [
        "【已发布】稿件《动员大会召开》已发布",
        "【已发布】稿件《科普讲座举行》已发布",
    ]
    assert recipients(mailoutbox) == [["author@kexie.example"]] * 2


def test_publishing_a_revision_tells_the_author_of_the_live_article_with_its_link(newsroom, act, mailoutbox):
    live = make.news(title="动员大会召开", created_by=newsroom.author)
    revision = workflow.start_revision(live, by=newsroom.second_reviewer, changes={"title": "动员大会隆重召开"})
    workflow.submit(revision, by=newsroom.author)
    workflow.approve(revision, by=newsroom.reviewer)
    workflow.approve(revision, by=newsroom.superuser)
    workflow.approve(revision, by=newsroom.chief)

    act(workflow.publish, revision, by=newsroom.chief)

    assert recipients(mailoutbox) == [["author@kexie.example"]]
    assert admin_link(live) in mailoutbox[0].body


def test_mails_wait_until_the_transaction_commits(newsroom, article, mailoutbox):
    workflow.submit(article, by=newsroom.author)

    assert mailoutbox == []


def test_an_author_without_an_email_gets_nothing_and_nothing_fails(newsroom, act, mailoutbox):
    writer = make.editor("no-email")
    article = make.draft(by=writer, title="动员大会召开")
    newsroom.review(article)

    act(workflow.publish, article, by=newsroom.chief)

    assert mailoutbox == []
    assert Article.objects.get(pk=article.pk).status == "published"


def test_a_title_stored_with_a_line_break_is_mailed_under_a_one_line_subject(newsroom, article, act, mailoutbox):
    # As a row saved before titles were made one line would hold it.
    Article.objects.filter(pk=article.pk).update(title="动员大会\n召开")
    article.refresh_from_db()

    act(workflow.submit, article, by=newsroom.author)

    assert [mail.subject for mail in mailoutbox] == ["【待审】稿件《动员大会 召开》等待初审"]


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_is_logged_and_the_decision_stands(newsroom, article, settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    workflow.submit(article, by=newsroom.author)
    caplog.clear()

    # A real commit: the mail is sent after it (the immediate backend cannot try again later),
    # fails, and the decision is already stored.
    with caplog.at_level(logging.ERROR, logger="publishing.jobs"):
        workflow.send_back(article, by=newsroom.reviewer, comment="请补充图片说明。")

    article.refresh_from_db()
    assert article.status == "draft"
    assert article.workflow_log.filter(action="send_back").exists()
    [record] = [r for r in caplog.records if r.name == "publishing.jobs"]
    assert "【退回修改】稿件《动员大会召开》被退回" in record.getMessage()
    assert "author@kexie.example" in record.getMessage()
    assert record.exc_info[0] is ConnectionRefusedError


class FlakyBackend(locmem.EmailBackend):
    """A mail server that refuses the first mail and takes the next ones."""

    refused = 0

    def send_messages(self, email_messages):
        if not FlakyBackend.refused:
            FlakyBackend.refused += 1
            raise ConnectionRefusedError("SMTP server restarting")
        return super().send_messages(email_messages)


def run_due_jobs(worker_queue, travel, rounds):
    """Run the worker ``rounds`` times, moving the clock to each retry as it falls due."""
    for _ in range(rounds):
        worker_queue()
        if retry := DBTaskResult.objects.filter(status="READY").order_by("run_after").first():
            travel(retry.run_after + timedelta(seconds=1))


@pytest.mark.django_db(transaction=True)
def test_a_mail_the_server_refuses_is_sent_when_it_is_tried_again(
    newsroom, article, settings, worker_queue, travel, mailoutbox, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.refused = 0

    workflow.submit(article, by=newsroom.author)
    run_due_jobs(worker_queue, travel, rounds=2)

    assert [mail.subject for mail in mailoutbox] == ["【待审】稿件《动员大会召开》等待初审"]
    assert FlakyBackend.refused == 1
    assert [r.levelname for r in caplog.records if r.name == "publishing.jobs"] == ["WARNING"]


@pytest.mark.django_db(transaction=True)
def test_a_mail_the_server_keeps_refusing_is_tried_six_times_then_logged_as_an_error(
    newsroom, article, settings, worker_queue, travel, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    start = timezone.now()

    workflow.send_back(workflow.submit(article, by=newsroom.author), by=newsroom.reviewer, comment="请补充图片说明。")
    DBTaskResult.objects.filter(args_kwargs__args__0__startswith="【待审】").delete()
    with caplog.at_level(logging.WARNING, logger="publishing.jobs"):
        run_due_jobs(worker_queue, travel, rounds=8)

    records = [r for r in caplog.records if r.name == "publishing.jobs"]
    assert [r.levelname for r in records] == ["WARNING"] * 5 + ["ERROR"]
    assert "failed for good after 6 attempts" in records[-1].getMessage()
    assert "【退回修改】稿件《动员大会召开》被退回" in records[-1].getMessage()
    # 1 + 2 + 4 + 8 + 16 minutes of backoff: half an hour in which the server may come back.
    assert timezone.now() - start > timedelta(minutes=31)
    assert not DBTaskResult.objects.filter(status="READY").exists()
