"""Events go through the same workflow as articles, by the same functions, under events.* permissions."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from bulletin import workflow
from events.models import Event
from publishing.models import WorkflowLog
from tests import factories as make

pytestmark = pytest.mark.django_db


def state(event):
    event.refresh_from_db()
    return event.status, event.review_stage and event.review_stage.name


@pytest.fixture
def event(newsroom):
    return make.event(title="全委会议", status=make.DRAFT, created_by=newsroom.author, updated_by=newsroom.author)


def test_an_event_passes_the_three_stages_and_is_published(newsroom, event, client):
    workflow.submit(event, by=newsroom.author)
    assert state(event) == ("in_review", "初审")
    workflow.approve(event, by=newsroom.reviewer)
    assert state(event) == ("in_review", "复审")
    workflow.approve(event, by=newsroom.second_reviewer)
    assert state(event) == ("in_review", "终审")
    workflow.approve(event, by=newsroom.chief)
    assert state(event) == ("approved", None)
    assert client.get(event.get_absolute_url()).status_code == 404

    workflow.publish(event, by=newsroom.chief)

    assert state(event) == ("published", None)
    assert "全委会议" in client.get(event.get_absolute_url()).content.decode()


def test_a_withdrawn_event_leaves_the_site(newsroom, client):
    event = make.event(title="全委会议", created_by=newsroom.author)

    workflow.withdraw(event, by=newsroom.chief, comment="会议延期")

    assert state(event) == ("withdrawn", None)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert "全委会议" not in client.get(reverse("events:event-list")).content.decode()


def test_event_decisions_are_logged_against_the_event(newsroom, event):
    workflow.submit(event, by=newsroom.author, comment="请审")
    workflow.send_back(event, by=newsroom.reviewer, comment="地点写错了")

    assert [(e.action, e.actor, e.comment, e.stage.name) for e in event.workflow_log.all()] == [
        ("submit", newsroom.author, "请审", "初审"),
        ("send_back", newsroom.reviewer, "地点写错了", "初审"),
    ]
    assert all(isinstance(e.subject, Event) for e in WorkflowLog.objects.all())


def test_the_same_person_cannot_decide_two_stages_of_an_event(newsroom, event):
    workflow.submit(event, by=newsroom.author)
    workflow.approve(event, by=newsroom.reviewer)

    with pytest.raises(workflow.TransitionRefused, match="各审核环节须由不同的人决定"):
        workflow.approve(event, by=newsroom.reviewer)


def test_nobody_approves_an_event_they_created(newsroom):
    event = make.event(status=make.IN_REVIEW, review_stage=make.stage("终审"), created_by=newsroom.chief)

    with pytest.raises(workflow.TransitionRefused, match="不能审核自己创建或修改过的活动"):
        workflow.approve(event, by=newsroom.chief)


def test_a_reviewer_without_the_event_permission_may_approve_articles_but_not_events(newsroom):
    make.group(make.REVIEWER).permissions.remove(Permission.objects.get(codename="review_event"))
    event = make.event(status=make.IN_REVIEW, review_stage=make.stage("初审"), created_by=newsroom.author)
    article = make.in_review(at="初审", by=newsroom.author)

    with pytest.raises(workflow.TransitionRefused, match="您没有“审核通过”的权限"):
        workflow.approve(event, by=make.reviewer("article-only"))
    workflow.approve(article, by=make.reviewer("article-reviewer"))

    assert state(event) == ("in_review", "初审")


def test_an_editor_without_the_event_permission_cannot_submit_an_event(newsroom, event):
    make.group(make.EDITOR).permissions.remove(Permission.objects.get(codename="submit_event"))

    with pytest.raises(workflow.TransitionRefused, match="您没有“提交审核”的权限"):
        workflow.submit(event, by=make.editor("article-writer"))

    assert state(event) == ("draft", None)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("author", False), ("reviewer", False), ("chief", True), ("superuser", True), ("nobody", False)],
)
def test_only_those_with_the_event_publish_permission_publish_an_event(newsroom, role, allowed):
    event = make.event(status=make.APPROVED, created_by=newsroom.author)

    if allowed:
        workflow.publish(event, by=getattr(newsroom, role))
        assert state(event) == ("published", None)
    else:
        with pytest.raises(workflow.TransitionRefused, match="您没有“发布”的权限"):
            workflow.publish(event, by=getattr(newsroom, role))
        assert state(event) == ("approved", None)


def test_an_event_published_for_later_appears_at_its_time(newsroom, client, monkeypatch):
    event = make.event(title="全委会议", status=make.APPROVED, created_by=newsroom.author)
    later = timezone.now() + timedelta(hours=2)
    workflow.publish(event, by=newsroom.chief, at=later)

    assert client.get(event.get_absolute_url()).status_code == 404
    assert "全委会议" not in client.get(reverse("events:event-list")).content.decode()

    monkeypatch.setattr("events.models.timezone.now", lambda: later + timedelta(minutes=1))

    assert client.get(event.get_absolute_url()).status_code == 200
    assert "全委会议" in client.get(reverse("events:event-list")).content.decode()


def test_submitting_an_event_mails_the_reviewers_a_link_to_the_event_admin_page(
    newsroom, event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(event, by=newsroom.author)

    [mail] = mailoutbox
    assert mail.subject == "【待审】活动《全委会议》等待初审"
    link = settings.SITE_URL.rstrip("/") + reverse("admin:events_event_change", args=[event.pk])
    assert link in mail.body
