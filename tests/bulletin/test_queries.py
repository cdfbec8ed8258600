"""Public pages run a small, fixed number of queries however much content they show."""

import pytest
from django.urls import reverse

from bulletin.models import ArticlePerson
from tests import factories as make

pytestmark = pytest.mark.django_db

MAX_QUERIES = 8


def fill(issue, count, *, topic=None):
    """``count`` articles in ``issue``, spread over a main section and a sub-column, with pages."""
    parent = make.section("学党史 强科技", order=2)
    sections = [make.section("科协动态"), parent, make.section("要情快报", parent=parent)]
    for i in range(count):
        make.article(
            issue,
            title=f"{issue.number}期稿件{i}",
            section=sections[i % 3],
            byline="文_张启航",
            first_page=1 + i % 40,
            topics=[topic] if topic else (),
        )


def test_home_page_queries_do_not_grow_with_the_issue(client, count_queries):
    fill(make.issue(year=2025, number=1), 5)
    make.news()
    small = count_queries(client, reverse("bulletin:home"))

    fill(make.issue(year=2026, number=1), 100)
    for _ in range(10):
        make.news()
    large = count_queries(client, reverse("bulletin:home"))

    assert small == large <= MAX_QUERIES


def test_archive_queries_do_not_grow_with_the_number_of_issues(client, count_queries):
    make.issue(year=2025, number=1)
    small = count_queries(client, reverse("bulletin:issue-archive"))

    for number in range(2, 30):
        make.issue(year=2020 + number % 6, number=number)
    large = count_queries(client, reverse("bulletin:issue-archive"))

    assert small == large <= MAX_QUERIES


def test_issue_page_queries_do_not_grow_with_the_issue(client, count_queries):
    small_issue, large_issue = make.issue(), make.issue()
    fill(small_issue, 5)
    fill(large_issue, 100)

    small = count_queries(client, small_issue.get_absolute_url())
    large = count_queries(client, large_issue.get_absolute_url())

    assert small == large <= MAX_QUERIES


def test_article_page_queries_do_not_grow_with_people_photos_topics_and_events(client, count_queries, published_issue):
    def article(links):
        parent = make.section("学党史 强科技", order=2)
        obj = make.article(published_issue, section=make.section("要情快报", parent=parent))
        obj.topics.set([make.topic() for _ in range(links)])
        for i in range(links):
            make.link(obj, make.person(), role=ArticlePerson.Role.SUBJECT, position=i)
            make.photo(obj, caption=f"图{i}", position=i)
            make.event(articles=[obj])
        return obj

    small = count_queries(client, article(1).get_absolute_url())
    large = count_queries(client, article(10).get_absolute_url())

    assert small == large <= MAX_QUERIES


def test_web_news_page_queries_do_not_grow_with_people_and_topics(client, count_queries):
    small_news, large_news = make.news(), make.news()
    for i in range(10):
        make.link(large_news, make.person(), position=i)
        large_news.topics.add(make.topic())
    make.link(small_news, make.person())

    small = count_queries(client, small_news.get_absolute_url())
    large = count_queries(client, large_news.get_absolute_url())

    assert small == large <= MAX_QUERIES


def test_news_list_queries_do_not_grow_with_the_news(client, count_queries):
    make.news()
    small = count_queries(client, reverse("bulletin:news-list"))

    for _ in range(30):
        make.news(section=make.section("要情快报"))
    large = count_queries(client, reverse("bulletin:news-list"))

    assert small == large <= MAX_QUERIES


def test_section_page_queries_do_not_grow_with_the_section(client, count_queries):
    small_issue, large_issue = make.issue(), make.issue()
    fill(small_issue, 5)
    url = reverse("bulletin:section-detail", kwargs={"slug": make.section("学党史 强科技").slug})
    small = count_queries(client, url)

    fill(large_issue, 100)
    large = count_queries(client, url)

    assert small == large <= MAX_QUERIES


def test_topic_page_queries_do_not_grow_with_the_topic(client, count_queries, published_issue):
    topic = make.topic("乡村振兴")
    fill(published_issue, 5, topic=topic)
    small = count_queries(client, topic.get_absolute_url())

    fill(make.issue(), 100, topic=topic)
    large = count_queries(client, topic.get_absolute_url())

    assert small == large <= MAX_QUERIES
