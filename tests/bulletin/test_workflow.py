"""Transitions of an article: the three review stages, separation of duties, the decision log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bulletin import workflow
from bulletin.models import Article
from publishing.models import ReviewStage, WorkflowLog
from tests import factories as make

pytestmark = pytest.mark.django_db


def state(article):
    article.refresh_from_db()
    return article.status, article.review_stage and article.review_stage.name


def decisions(article):
    """The log of ``article`` as (action, from, to, stage, actor, comment), oldest first."""
    return [
        (e.action, e.from_status, e.to_status, e.stage and e.stage.name, e.actor.username, e.comment)
        for e in WorkflowLog.objects.filter(object_id=article.pk).select_related("stage", "actor")
    ]


# Stages -----------------------------------------------------------------------------------------


def test_article_passes_the_three_stages_in_order_and_is_approved_only_after_the_last(newsroom):
    article = make.draft(by=newsroom.author)

    workflow.submit(article, by=newsroom.author)
    assert state(article) == ("in_review", "初审")
    workflow.approve(article, by=newsroom.reviewer)
    assert state(article) == ("in_review", "复审")
    workflow.approve(article, by=newsroom.second_reviewer)
    assert state(article) == ("in_review", "终审")
    workflow.approve(article, by=newsroom.chief)
    assert state(article) == ("approved", None)


def test_the_same_person_cannot_decide_two_stages_of_one_article(newsroom):
    article = make.draft(by=newsroom.author)
    workflow.submit(article, by=newsroom.author)
    workflow.approve(article, by=newsroom.reviewer)

    with pytest.raises(workflow.TransitionRefused, match="各审核环节须由不同的人决定"):
        workflow.approve(article, by=newsroom.reviewer)

    assert state(article) == ("in_review", "复审")


def test_a_superuser_who_decided_one_stage_cannot_decide_the_next(newsroom):
    article = make.in_review(at="复审", by=newsroom.author)
    workflow.approve(article, by=newsroom.superuser)

    with pytest.raises(workflow.TransitionRefused, match="各审核环节须由不同的人决定"):
        workflow.approve(article, by=newsroom.superuser)

    assert state(article) == ("in_review", "终审")


@pytest.mark.parametrize(("role", "stage"), [("reviewer", "初审"), ("chief", "终审"), ("superuser", "初审")])
def test_nobody_approves_an_article_they_created(newsroom, role, stage):
    person = getattr(newsroom, role)
    article = make.in_review(at=stage, by=person)
    Article.objects.filter(pk=article.pk).update(updated_by=newsroom.author)

    with pytest.raises(workflow.TransitionRefused, match="不能审核自己创建或修改过的稿件"):
        workflow.approve(article, by=person)

    assert state(article) == ("in_review", stage)


@pytest.mark.parametrize(("role", "stage"), [("reviewer", "复审"), ("chief", "终审"), ("superuser", "终审")])
def test_nobody_approves_an_article_they_last_edited(newsroom, role, stage):
    person = getattr(newsroom, role)
    article = make.in_review(at=stage, by=newsroom.author)
    Article.objects.filter(pk=article.pk).update(updated_by=person)

    with pytest.raises(workflow.TransitionRefused, match="不能审核自己创建或修改过的稿件"):
        workflow.approve(article, by=person)

    assert state(article) == ("in_review", stage)


def test_a_reviewer_cannot_decide_the_final_stage(newsroom):
    article = make.in_review(at="终审", by=newsroom.author)

    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.approve(article, by=newsroom.reviewer)

    assert str(refused.value) == "“终审”环节由“主编”组的成员决定。"
    assert state(article) == ("in_review", "终审")


def test_a_chief_editor_who_is_also_in_the_reviewers_group_may_decide_the_first_stage(newsroom):
    newsroom.chief.groups.add(make.group(make.REVIEWER))
    article = make.in_review(at="初审", by=newsroom.author)

    workflow.approve(article, by=newsroom.chief)

    assert state(article) == ("in_review", "复审")


@pytest.mark.parametrize("stage", ["初审", "复审", "终审", "approved"])
def test_sending_back_at_any_stage_returns_to_draft_and_resubmission_starts_at_the_first_stage(newsroom, stage):
    article = make.draft(by=newsroom.author)
    workflow.submit(article, by=newsroom.author)
    deciders = iter([newsroom.reviewer, newsroom.second_reviewer, newsroom.chief])
    while state(article) != (("approved", None) if stage == "approved" else ("in_review", stage)):
        workflow.approve(article, by=next(deciders))

    workflow.send_back(article, by=newsroom.superuser, comment="数据需要核实")
    assert state(article) == ("draft", None)
    workflow.submit(article, by=newsroom.author)
    assert state(article) == ("in_review", "初审")


def test_who_decided_which_stage_counts_afresh_after_a_send_back(newsroom):
    article = make.draft(by=newsroom.author)
    workflow.submit(article, by=newsroom.author)
    workflow.approve(article, by=newsroom.reviewer)
    workflow.send_back(article, by=newsroom.second_reviewer, comment="第二段数据有误")
    workflow.submit(article, by=newsroom.author)

    workflow.approve(article, by=newsroom.second_reviewer)
    workflow.approve(article, by=newsroom.reviewer)

    assert state(article) == ("in_review", "终审")


def test_with_a_single_stage_one_approval_approves(newsroom):
    ReviewStage.objects.filter(name__in=["复审", "终审"]).delete()
    article = make.draft(by=newsroom.author)
    workflow.submit(article, by=newsroom.author)

    workflow.approve(article, by=newsroom.reviewer)

    assert state(article) == ("approved", None)


def test_submitting_is_refused_while_no_review_stage_is_set_up(newsroom):
    ReviewStage.objects.all().delete()
    article = make.draft(by=newsroom.author)

    with pytest.raises(workflow.TransitionRefused, match="还没有设置审核环节"):
        workflow.submit(article, by=newsroom.author)

    assert state(article) == ("draft", None)


def test_a_transition_checks_the_state_in_the_database_not_a_stale_copy(newsroom):
    article = make.draft(by=newsroom.author)
    stale = Article.objects.get(pk=article.pk)
    workflow.submit(article, by=newsroom.author)

    with pytest.raises(workflow.TransitionRefused, match="“待审”状态下不能提交审核"):
        workflow.submit(stale, by=newsroom.author)

    assert WorkflowLog.objects.filter(object_id=article.pk).count() == 1


def test_time_waiting_at_a_stage_starts_when_the_article_reaches_it(newsroom, monkeypatch):
    article = make.draft(by=newsroom.author)
    submitted = timezone.now() - timedelta(days=3)
    monkeypatch.setattr("django.utils.timezone.now", lambda: submitted)
    workflow.submit(article, by=newsroom.author)
    monkeypatch.undo()

    workflow.approve(article, by=newsroom.reviewer)
    article.refresh_from_db()
    assert article.stage_entered_at > submitted + timedelta(days=2)

    workflow.approve(article, by=newsroom.second_reviewer)
    workflow.approve(article, by=newsroom.chief)
    article.refresh_from_db()
    assert article.stage_entered_at is None


# The decision log -------------------------------------------------------------------------------


def test_every_decision_writes_one_log_row_with_its_stage_actor_and_comment(newsroom):
    article = make.draft(by=newsroom.author)

    workflow.submit(article, by=newsroom.author, comment="请审阅")
    workflow.approve(article, by=newsroom.reviewer, comment="同意")
    workflow.send_back(article, by=newsroom.second_reviewer, comment="标题过长")
    newsroom.review(article)
    workflow.publish(article, by=newsroom.chief)

    assert decisions(article) == [
        ("submit", "draft", "in_review", "初审", "author", "请审阅"),
        ("approve", "in_review", "in_review", "初审", "reviewer", "同意"),
        ("send_back", "in_review", "draft", "复审", "reviewer2", "标题过长"),
        ("submit", "draft", "in_review", "初审", "author", ""),
        ("approve", "in_review", "in_review", "初审", "reviewer", "同意"),
        ("approve", "in_review", "in_review", "复审", "reviewer2", "同意"),
        ("approve", "in_review", "approved", "终审", "zhubian", "同意刊发"),
        ("publish", "approved", "published", None, "zhubian", ""),
    ]


def test_a_log_row_is_stamped_with_the_moment_of_the_decision(newsroom):
    article = make.draft(by=newsroom.author)
    before = timezone.now()

    workflow.submit(article, by=newsroom.author)

    entry = WorkflowLog.objects.get(object_id=article.pk)
    assert before <= entry.at <= timezone.now()
    assert entry.subject == article


@pytest.mark.parametrize("comment", ["", "   "])
def test_sending_back_without_a_comment_is_refused_and_changes_nothing(newsroom, comment):
    article = make.in_review(at="初审", by=newsroom.author)

    with pytest.raises(workflow.TransitionRefused, match="退回修改时请写明原因"):
        workflow.send_back(article, by=newsroom.reviewer, comment=comment)

    assert state(article) == ("in_review", "初审")
    assert not WorkflowLog.objects.exists()


def test_withdrawing_without_a_reason_is_refused_and_changes_nothing(newsroom):
    article = make.news(created_by=newsroom.author)

    with pytest.raises(workflow.TransitionRefused, match="撤稿时请写明原因"):
        workflow.withdraw(article, by=newsroom.chief, comment="")

    assert state(article) == ("published", None)
    assert not WorkflowLog.objects.exists()


def test_decisions_do_not_change_who_last_edited_the_article(newsroom):
    article = make.draft(by=newsroom.author)

    newsroom.review(article)
    workflow.publish(article, by=newsroom.chief)
    workflow.withdraw(article, by=newsroom.chief, comment="信息有误")

    article.refresh_from_db()
    assert (article.created_by, article.updated_by) == (newsroom.author, newsroom.author)


# Publishing and withdrawing ---------------------------------------------------------------------


def test_publishing_without_a_time_publishes_as_of_now(newsroom, client):
    article = newsroom.approved(title="全省科协系统动员大会召开")
    before = timezone.now()

    workflow.publish(article, by=newsroom.chief)

    article.refresh_from_db()
    assert article.status == "published"
    assert before <= article.published_at <= timezone.now()
    assert "全省科协系统动员大会召开" in client.get(article.get_absolute_url()).content.decode()


def test_a_withdrawn_article_leaves_the_site_and_can_be_reopened_as_a_draft(newsroom, client):
    article = make.news(title="有误的旧闻", created_by=newsroom.author)

    workflow.withdraw(article, by=newsroom.chief, comment="数据有误")
    assert client.get(article.get_absolute_url()).status_code == 404

    workflow.reopen(article, by=newsroom.author)
    assert state(article) == ("draft", None)
    assert client.get(article.get_absolute_url()).status_code == 404
