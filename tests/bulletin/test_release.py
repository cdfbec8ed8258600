"""Releasing an issue publishes it and its approved articles in one go, or nothing at all."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from bulletin import workflow
from bulletin.models import Article, Issue
from bulletin.workflow import issues
from publishing.models import WorkflowLog
from tests import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(db):
    return make.draft_issue(year=2026, number=3, running_number=123, page_count=48)


TITLES = ["动员大会召开", "科普讲座举行", "尚在修改的稿件", "等待复审的稿件"]


def statuses(issue):
    """The articles of these tests, as (title, status, whether in ``issue``), by title."""
    return sorted((a.title, a.status, a.issue_id == issue.pk) for a in Article.objects.filter(title__in=TITLES))


@pytest.fixture
def ready(newsroom, issue):
    """Two approved articles in the issue."""
    return [
        newsroom.approved(issue, title="动员大会召开", first_page=1, last_page=2),
        newsroom.approved(issue, title="科普讲座举行", first_page=3, last_page=4),
    ]


@pytest.fixture
def unready(newsroom, issue, ready):
    """Besides the approved ones, a draft and an article waiting at 复审."""
    draft = make.draft(issue, by=newsroom.author, title="尚在修改的稿件", first_page=5, last_page=6)
    waiting = make.in_review(issue, at="复审", by=newsroom.author, title="等待复审的稿件", first_page=7)
    return [draft, waiting]


def test_release_publishes_the_issue_and_all_its_approved_articles_at_the_same_moment(
    newsroom, issue, ready, client, read_page
):
    workflow.release_issue(issue, by=newsroom.chief)

    issue.refresh_from_db()
    assert issue.status == "published"
    assert {a.published_at for a in Article.objects.filter(issue=issue)} == {issue.published_at}
    page = read_page(client.get(issue.get_absolute_url()))
    assert page.contains("动员大会召开") and page.contains("科普讲座举行")


def test_release_without_a_release_date_takes_today(newsroom, issue, ready):
    workflow.release_issue(issue, by=newsroom.chief)

    issue.refresh_from_db()
    assert issue.released_on == timezone.localdate()


def test_release_keeps_the_printed_release_date_already_filled_in(newsroom, issue, ready):
    Issue.objects.filter(pk=issue.pk).update(released_on=date(2026, 3, 15))

    workflow.release_issue(issue, by=newsroom.chief)

    issue.refresh_from_db()
    assert issue.released_on == date(2026, 3, 15)


def test_release_is_recorded_against_the_issue(newsroom, issue, ready):
    workflow.release_issue(issue, by=newsroom.chief)

    entry = WorkflowLog.objects.get(content_type=ContentType.objects.get_for_model(Issue))
    assert (entry.object_id, entry.action, entry.actor) == (issue.pk, "release", newsroom.chief)
    publications = WorkflowLog.objects.filter(action="publish", object_id__in=[a.pk for a in ready])
    assert [e.comment for e in publications] == ["随2026年第3期发布"] * 2


def test_release_is_refused_while_articles_are_not_approved_and_names_them(newsroom, issue, unready):
    before = statuses(issue)
    log = WorkflowLog.objects.count()

    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.release_issue(issue, by=newsroom.chief)

    message = str(refused.value)
    assert message.startswith("以下稿件尚未审核通过，本期不能发布：")
    assert "《尚在修改的稿件》（草稿）" in message
    assert "《等待复审的稿件》（待审）" in message
    assert "动员大会召开" not in message
    issue.refresh_from_db()
    assert (issue.status, issue.published_at) == ("draft", None)
    assert statuses(issue) == before
    assert WorkflowLog.objects.count() == log


def test_release_can_move_unapproved_articles_out_of_the_issue_and_publish_the_rest(newsroom, issue, unready):
    workflow.release_issue(issue, by=newsroom.chief, move_out_unapproved=True)

    assert statuses(issue) == [
        ("动员大会召开", "published", True),
        ("尚在修改的稿件", "draft", False),
        ("科普讲座举行", "published", True),
        ("等待复审的稿件", "in_review", False),
    ]
    moved = Article.objects.get(title="尚在修改的稿件")
    assert (moved.first_page, moved.last_page) == (None, None)


def test_moving_an_article_out_does_not_clash_with_web_news_of_the_same_name(newsroom, issue, ready):
    news = make.news(title="同名新闻", slug="tong-ming")
    make.draft(issue, by=newsroom.author, title="尚在修改的稿件", slug="tong-ming")

    workflow.release_issue(issue, by=newsroom.chief, move_out_unapproved=True)

    moved = Article.objects.get(title="尚在修改的稿件")
    assert moved.issue is None
    assert moved.slug != news.slug


def test_withdrawn_articles_neither_block_a_release_nor_come_back(newsroom, issue, ready):
    make.article(issue, title="撤下的稿件", status=make.WITHDRAWN, published_at=make.yesterday())

    workflow.release_issue(issue, by=newsroom.chief)

    assert Article.objects.get(title="撤下的稿件").status == "withdrawn"


def test_a_pending_revision_neither_blocks_a_release_nor_is_published_by_it(newsroom, issue, ready):
    live = make.article(issue, title="已发布的稿件", created_by=newsroom.author)
    revision = workflow.start_revision(live, by=newsroom.author, changes={"title": "修改中"})

    workflow.release_issue(issue, by=newsroom.chief)

    revision.refresh_from_db()
    assert (revision.status, revision.live_article) == ("draft", live)


def test_an_article_published_before_the_release_keeps_its_publish_time(newsroom, issue, ready):
    first = ready[0]
    workflow.publish(first, by=newsroom.chief, at=make.yesterday())
    published_at = Article.objects.get(pk=first.pk).published_at

    workflow.release_issue(issue, by=newsroom.chief)

    assert Article.objects.get(pk=first.pk).published_at == published_at


def test_a_failure_midway_leaves_nothing_half_published(
    newsroom, issue, unready, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    # Releasing moves each article through bulletin.workflow.state.move, as the issues module names it.
    move, calls = issues.move, []

    def fail_on_the_second_article(obj, *args, **kwargs):
        calls.append(obj.pk)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return move(obj, *args, **kwargs)

    monkeypatch.setattr(issues, "move", fail_on_the_second_article)
    before = statuses(issue)
    log = WorkflowLog.objects.count()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        workflow.release_issue(issue, by=newsroom.chief, move_out_unapproved=True)

    assert len(calls) == 2
    issue.refresh_from_db()
    assert (issue.status, issue.published_at, issue.released_on) == ("draft", None, None)
    assert statuses(issue) == before
    assert not Article.objects.filter(published_at__isnull=False).exists()
    assert WorkflowLog.objects.count() == log
    assert mailoutbox == []


@pytest.mark.parametrize("role", ["author", "reviewer", "nobody"])
def test_only_the_chief_editor_can_release_an_issue(newsroom, issue, ready, role):
    with pytest.raises(workflow.TransitionRefused, match="只有主编可以发布期刊"):
        workflow.release_issue(issue, by=getattr(newsroom, role))

    issue.refresh_from_db()
    assert issue.status == "draft"
    assert set(Article.objects.filter(issue=issue).values_list("status", flat=True)) == {"approved"}


def test_an_issue_cannot_be_released_twice(newsroom, issue, ready):
    workflow.release_issue(issue, by=newsroom.chief)

    with pytest.raises(workflow.TransitionRefused, match="2026年第3期已经发布"):
        workflow.release_issue(issue, by=newsroom.chief)


# Unpublishing -----------------------------------------------------------------------------------


def test_unpublishing_hides_the_issue_and_its_articles(newsroom, issue, ready, client, read_page):
    workflow.release_issue(issue, by=newsroom.chief)

    workflow.unpublish_issue(issue, by=newsroom.chief, comment="封面有误")

    assert client.get(issue.get_absolute_url()).status_code == 404
    for article in ready:
        assert client.get(Article.objects.get(pk=article.pk).get_absolute_url()).status_code == 404
    assert not read_page(client.get(reverse("bulletin:home"))).contains("动员大会召开")
    assert issue.get_absolute_url() not in read_page(client.get(reverse("bulletin:issue-archive"))).links()
    entry = WorkflowLog.objects.filter(object_id=issue.pk, action="unpublish").get()
    assert (entry.actor, entry.comment) == (newsroom.chief, "封面有误")


def test_a_later_release_brings_an_unpublished_issue_back_with_its_articles(newsroom, issue, ready, client):
    workflow.release_issue(issue, by=newsroom.chief)
    workflow.unpublish_issue(issue, by=newsroom.chief)

    workflow.release_issue(issue, by=newsroom.chief)

    assert client.get(issue.get_absolute_url()).status_code == 200
    for article in ready:
        assert client.get(Article.objects.get(pk=article.pk).get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", ["author", "reviewer", "nobody"])
def test_only_the_chief_editor_can_unpublish_an_issue(newsroom, issue, ready, role):
    workflow.release_issue(issue, by=newsroom.chief)

    with pytest.raises(workflow.TransitionRefused, match="只有主编可以撤回期刊"):
        workflow.unpublish_issue(issue, by=getattr(newsroom, role))

    issue.refresh_from_db()
    assert issue.status == "published"


def test_an_issue_not_yet_released_cannot_be_unpublished(newsroom, issue):
    with pytest.raises(workflow.TransitionRefused, match="2026年第3期尚未发布"):
        workflow.unpublish_issue(issue, by=newsroom.chief)
