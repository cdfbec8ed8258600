"""What readers may see: published, due, and in a published issue (or web-only). Both sides of each rule."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin.models import Article
from tests import factories as make

pytestmark = pytest.mark.django_db

SHOWN = "全省科协系统动员大会召开"
HIDDEN = "尚未公开的内部稿件"


@pytest.fixture
def coverage(published_issue):
    """A published article in every kind of listing: its issue, section, topic, person and event."""
    section = make.section("科协动态")
    topic = make.topic("党史学习教育")
    person = make.person("张启航")
    article = make.article(published_issue, title=SHOWN, section=section, topics=[topic])
    make.link(article, person)
    event = make.event(title="全委会议", articles=[article])
    return SimpleNamespace(issue=published_issue, section=section, topic=topic, person=person, event=event)


def in_the_future():
    return timezone.now() + timedelta(hours=1)


@pytest.fixture(
    params=["draft", "in review", "approved", "withdrawn", "scheduled for later", "published in a draft issue"]
)
def unseen(request, coverage, draft_issue):
    """An article readers must not see, in the same section, topic, person and event as the shown one."""
    issue, fields = coverage.issue, {}
    match request.param:
        case "draft":
            fields = {"status": Article.Status.DRAFT}
        case "in review":
            fields = {"status": Article.Status.IN_REVIEW, "review_stage": make.stage("复审")}
        case "approved":
            fields = {"status": Article.Status.APPROVED}
        case "withdrawn":
            fields = {"status": Article.Status.WITHDRAWN, "published_at": make.yesterday()}
        case "scheduled for later":
            fields = {"published_at": in_the_future()}
        case "published in a draft issue":
            issue = draft_issue
    article = make.article(issue, title=HIDDEN, section=coverage.section, topics=[coverage.topic], **fields)
    make.link(article, coverage.person)
    coverage.event.articles.add(article)
    return article


def assert_lists_only_the_shown_article(page, unseen):
    assert page.contains(SHOWN)
    assert not page.contains(HIDDEN)
    assert unseen.get_absolute_url() not in page.links()


def test_published_article_is_shown(client, read_page, coverage):
    article = Article.objects.get(title=SHOWN)

    page = read_page(client.get(article.get_absolute_url()))

    assert page.contains(SHOWN)


def test_unseen_article_is_not_found(client, unseen):
    assert client.get(unseen.get_absolute_url()).status_code == 404


def test_unseen_article_is_not_in_its_issue(client, read_page, coverage, unseen):
    page = read_page(client.get(coverage.issue.get_absolute_url()))

    assert_lists_only_the_shown_article(page, unseen)


def test_unseen_article_is_not_on_the_home_page(client, read_page, coverage, unseen):
    page = read_page(client.get(reverse("bulletin:home")))

    assert_lists_only_the_shown_article(page, unseen)


def test_unseen_article_is_not_in_its_section(client, read_page, coverage, unseen):
    page = read_page(client.get(coverage.section.get_absolute_url()))

    assert_lists_only_the_shown_article(page, unseen)


def test_unseen_article_is_not_in_its_topic(client, read_page, coverage, unseen):
    page = read_page(client.get(coverage.topic.get_absolute_url()))

    assert_lists_only_the_shown_article(page, unseen)


def test_unseen_article_is_not_on_its_persons_page(client, read_page, coverage, unseen):
    page = read_page(client.get(coverage.person.get_absolute_url()))

    assert_lists_only_the_shown_article(page, unseen)


def test_unseen_article_is_not_on_its_events_page(client, read_page, coverage, unseen):
    page = read_page(client.get(coverage.event.get_absolute_url()))

    assert_lists_only_the_shown_article(page, unseen)


def test_article_becomes_visible_once_its_time_has_come(client, coverage):
    article = make.article(coverage.issue, title="定时发布的稿件", published_at=in_the_future())
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))

    assert client.get(article.get_absolute_url()).status_code == 200


# Issues -----------------------------------------------------------------------------------------


def test_draft_issue_is_not_found(client, draft_issue):
    assert client.get(draft_issue.get_absolute_url()).status_code == 404


def test_published_issue_is_shown(client, read_page, published_issue):
    page = read_page(client.get(published_issue.get_absolute_url()))

    assert page.contains("2026年第2期（总第122期）")


def test_draft_issue_is_not_in_the_archive(client, read_page, published_issue, draft_issue):
    page = read_page(client.get(reverse("bulletin:issue-archive")))

    assert published_issue.get_absolute_url() in page.links()
    assert draft_issue.get_absolute_url() not in page.links()
    assert not page.contains("总第123期")


def test_home_page_shows_the_latest_published_issue_not_a_newer_draft(client, read_page, published_issue, draft_issue):
    page = read_page(client.get(reverse("bulletin:home")))

    assert page.contains("2026年第2期（总第122期）")
    assert not page.contains("2026年第3期")
    assert draft_issue.get_absolute_url() not in page.links()


def test_home_page_shows_no_issue_while_the_only_one_is_a_draft(client, read_page, draft_issue):
    make.article(draft_issue, title=HIDDEN)

    page = read_page(client.get(reverse("bulletin:home")))

    assert not page.contains("2026年第3期")
    assert not page.contains(HIDDEN)


# Web-only news ----------------------------------------------------------------------------------


UNSEEN_NEWS = {
    "draft": {"status": Article.Status.DRAFT},
    "withdrawn": {"status": Article.Status.WITHDRAWN, "published_at": make.yesterday()},
    "scheduled for later": {"published_at": in_the_future()},
}


def test_published_web_news_is_shown_on_its_page_and_the_home_page(client, read_page):
    news = make.news(title="第二十届科技活动周启动")

    assert read_page(client.get(news.get_absolute_url())).contains("第二十届科技活动周启动")
    assert news.get_absolute_url() in read_page(client.get(reverse("bulletin:home"))).links()


@pytest.mark.parametrize("fields", UNSEEN_NEWS.values(), ids=UNSEEN_NEWS.keys())
def test_unseen_web_news_is_not_found(client, fields):
    news = make.news(title=HIDDEN, **fields)

    assert client.get(news.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("fields", UNSEEN_NEWS.values(), ids=UNSEEN_NEWS.keys())
def test_unseen_web_news_is_not_on_the_home_page(client, read_page, fields):
    make.news(title=SHOWN)
    make.news(title=HIDDEN, **fields)

    page = read_page(client.get(reverse("bulletin:home")))

    assert page.contains(SHOWN)
    assert not page.contains(HIDDEN)


@pytest.mark.parametrize("fields", UNSEEN_NEWS.values(), ids=UNSEEN_NEWS.keys())
def test_unseen_web_news_is_not_in_the_news_list(client, read_page, fields):
    make.news(title=SHOWN)
    make.news(title=HIDDEN, **fields)

    page = read_page(client.get(reverse("bulletin:news-list")))

    assert page.contains(SHOWN)
    assert not page.contains(HIDDEN)


def test_article_in_an_issue_is_not_served_as_web_news(client, published_issue):
    article = make.article(published_issue, title=SHOWN)

    assert client.get(reverse("bulletin:news-detail", kwargs={"slug": article.slug})).status_code == 404


def test_article_is_not_found_under_another_issue(client, published_issue):
    article = make.article(published_issue, title=SHOWN)
    other = make.issue(year=2025, number=6)

    url = reverse("bulletin:article-detail", kwargs={"year": other.year, "number": other.number, "slug": article.slug})
    assert client.get(url).status_code == 404
