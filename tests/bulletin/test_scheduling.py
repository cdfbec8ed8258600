"""Scheduled publishing: content given a future time appears at that moment, without any job.

Time moves by patching ``django.utils.timezone.now`` (what ``bulletin.models`` and
``events.models`` read as ``timezone.now``: the ``travel`` fixture of tests/conftest.py); nothing
sleeps. Each test fetches the same page before and after the moment, so a page kept from before
would show up as a failure.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin import workflow
from bulletin.models import Article, Issue
from tests import factories as make

pytestmark = pytest.mark.django_db

TITLE = "全省科协系统动员大会召开"


@pytest.fixture
def later():
    return timezone.now() + timedelta(hours=2)


def pages(article):
    """Where readers would find ``article``: its own page, its issue, its section, the home page."""
    urls = {"article": article.get_absolute_url(), "section": article.section.get_absolute_url()}
    urls["home"] = reverse("bulletin:home")
    if article.issue_id:
        urls["issue"] = article.issue.get_absolute_url()
    return urls


def shown_on(client, article):
    """The pages among :func:`pages` that show ``article``'s title."""
    shown = []
    for name, url in pages(article).items():
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        if response.status_code == 200 and TITLE in response.content.decode():
            shown.append(name)
    return sorted(shown)


@pytest.fixture
def scheduled(newsroom, published_issue, later):
    """An article of the (released) current issue, approved and published for ``later``."""
    article = newsroom.approved(published_issue, title=TITLE)
    workflow.publish(article, by=newsroom.chief, at=later)
    return Article.objects.get(pk=article.pk)


def test_an_article_scheduled_for_later_is_published_with_that_time(scheduled, later):
    assert (scheduled.status, scheduled.published_at) == ("published", later)


def test_an_article_scheduled_for_later_is_nowhere_before_its_time_and_everywhere_after(
    client, scheduled, later, travel
):
    assert shown_on(client, scheduled) == []

    travel(later + timedelta(minutes=1))

    assert shown_on(client, scheduled) == ["article", "home", "issue", "section"]


def test_a_scheduled_article_appears_exactly_at_its_time(client, scheduled, later, travel):
    travel(later - timedelta(seconds=1))
    assert shown_on(client, scheduled) == []

    travel(later)
    assert shown_on(client, scheduled) == ["article", "home", "issue", "section"]


def test_web_news_scheduled_for_later_appears_on_the_home_page_and_news_list_at_its_time(
    newsroom, client, later, travel
):
    news = newsroom.approved(title=TITLE)
    workflow.publish(news, by=newsroom.chief, at=later)
    news_list = reverse("bulletin:news-list")

    assert shown_on(client, news) == []
    assert TITLE not in client.get(news_list).content.decode()

    travel(later + timedelta(minutes=1))

    assert shown_on(client, news) == ["article", "home", "section"]
    assert TITLE in client.get(news_list).content.decode()


# Issues -----------------------------------------------------------------------------------------


@pytest.fixture
def scheduled_issue(newsroom, later):
    """2026年第3期, released for ``later`` with one approved article, while 第2期 is online."""
    make.issue(year=2026, number=2, running_number=122, theme="上一期")
    issue = make.draft_issue(year=2026, number=3, running_number=123, theme="党史学习教育")
    newsroom.approved(issue, title=TITLE)
    workflow.release_issue(issue, by=newsroom.chief, at=later)
    return Issue.objects.get(pk=issue.pk)


def test_an_issue_released_for_later_and_its_articles_stay_hidden_until_then(client, read_page, scheduled_issue):
    article = Article.objects.get(title=TITLE)

    assert client.get(scheduled_issue.get_absolute_url()).status_code == 404
    assert shown_on(client, article) == []
    assert scheduled_issue.get_absolute_url() not in read_page(client.get(reverse("bulletin:issue-archive"))).links()
    assert read_page(client.get(reverse("bulletin:home"))).contains("上一期")


def test_an_issue_released_for_later_appears_with_its_articles_at_its_time(
    client, read_page, scheduled_issue, later, travel
):
    article = Article.objects.get(title=TITLE)
    assert shown_on(client, article) == []

    travel(later + timedelta(minutes=1))

    assert client.get(scheduled_issue.get_absolute_url()).status_code == 200
    assert shown_on(client, article) == ["article", "home", "issue", "section"]
    home = read_page(client.get(reverse("bulletin:home")))
    assert home.contains("党史学习教育")
    assert scheduled_issue.get_absolute_url() in read_page(client.get(reverse("bulletin:issue-archive"))).links()


def test_an_article_scheduled_after_its_issue_waits_for_its_own_time(newsroom, client, later, travel):
    issue = make.draft_issue()
    article = newsroom.approved(issue, title=TITLE)
    workflow.publish(article, by=newsroom.chief, at=later + timedelta(days=1))
    workflow.release_issue(issue, by=newsroom.chief, at=later)
    article = Article.objects.get(pk=article.pk)

    travel(later + timedelta(minutes=1))
    assert shown_on(client, article) == []

    travel(later + timedelta(days=1, minutes=1))
    assert shown_on(client, article) == ["article", "home", "issue", "section"]
