"""An article's and an issue's page in one statement each (``bulletin.article_page``,
``bulletin.issue_page``, ``publishing.statements``): compiled once per process, their values bound
at each request, prepared once per PostgreSQL connection, and showing what ``public()`` allows at
the moment of the request."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bulletin import article_page
from bulletin.models import Article, ArticlePerson, IssuePrint
from publishing.models import PublicationStatus
from tests import factories as make

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
pooled = connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS", False)


def page(client, shown):
    """The page of ``shown`` built afresh: a request with credentials is personal, so the page
    cache neither serves nor stores it (publishing.pagecache)."""
    response = client.get(shown.get_absolute_url(), HTTP_AUTHORIZATION="Bearer 0")
    assert response.status_code == 200
    return response.content.decode()


def test_the_article_page_asks_the_database_once(client, published_issue):
    article = make.article(published_issue, title="一条查询读完的稿件")
    person = make.person(name="林知远")
    make.link(article, person, role=ArticlePerson.Role.SUBJECT)
    make.photo(article, caption="现场照片")
    article.topics.add(make.topic(name="科普惠民"))
    make.event(articles=[article], title="科普讲座")
    make.article(published_issue, title="同栏目的另一篇", section=article.section)

    with CaptureQueriesContext(connection) as queries:
        html = page(client, article)

    assert len(queries) == 1, [q["sql"][:300] for q in queries]
    for shown in ("林知远", "现场照片", "科普惠民", "科普讲座", "同栏目的另一篇"):
        assert shown in html


def test_what_becomes_due_shows_on_the_next_request_not_the_compiled_moment(client, published_issue):
    article = make.article(published_issue, title="先发的稿件")
    later = make.article(published_issue, title="定时发布的相关稿件", section=article.section)
    Article.objects.filter(pk=later.pk).update(published_at=timezone.now() + timedelta(hours=1))
    event = make.event(articles=[article], title="定时公布的活动")
    type(event).objects.filter(pk=event.pk).update(published_at=timezone.now() + timedelta(hours=1))

    before = page(client, article)
    Article.objects.filter(pk=later.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    type(event).objects.filter(pk=event.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    after = page(client, article)

    assert "定时发布的相关稿件" not in before and "定时公布的活动" not in before
    assert "定时发布的相关稿件" in after and "定时公布的活动" in after


def test_neighbours_and_related_articles_are_public_ones_only(client, published_issue):
    first = make.article(published_issue, title="第一篇", position=1)
    hidden = make.article(published_issue, title="撤回的第二篇", position=2, section=first.section)
    third = make.article(published_issue, title="第三篇", position=3, section=first.section)
    Article.objects.filter(pk=hidden.pk).update(status=PublicationStatus.DRAFT)

    html = page(client, first)

    assert "撤回的第二篇" not in html
    assert f'href="{third.get_absolute_url()}" rel="next"' in html


def test_the_issue_page_asks_the_database_once(client, published_issue):
    parent = make.section("学党史 强科技", order=2)
    make.article(published_issue, title="栏目下的稿件", section=make.section("要情快报", parent=parent))
    make.article(published_issue, title="另一栏目的稿件", section=make.section("科协动态", order=3))
    make.article(published_issue, title="尚未发布的稿件", status=PublicationStatus.DRAFT)
    IssuePrint.objects.create(issue=published_issue, file="issues/print/2026/x.pdf", page_total=12)

    with CaptureQueriesContext(connection) as queries:
        html = page(client, published_issue)

    assert len(queries) == 1, [q["sql"][:300] for q in queries]
    for shown in ("学党史 强科技", "要情快报", "栏目下的稿件", "科协动态", "另一栏目的稿件", "下载本期 PDF（12页）"):
        assert shown in html
    assert "尚未发布的稿件" not in html


def test_an_issue_released_later_shows_once_its_time_has_come(client, published_issue):
    make.article(published_issue, title="定时上线的一期里的稿件")
    type(published_issue).objects.filter(pk=published_issue.pk).update(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(published_issue.get_absolute_url(), HTTP_AUTHORIZATION="Bearer 0").status_code == 404

    type(published_issue).objects.filter(pk=published_issue.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )

    assert "定时上线的一期里的稿件" in page(client, published_issue)


@postgresql_only
@pytest.mark.skipif(pooled, reason="behind a transaction pooler nothing is prepared")
@pytest.mark.django_db(transaction=True)
def test_the_statement_is_prepared_once_per_connection_and_again_after_a_reconnect(client, published_issue):
    article = make.article(published_issue, title="连接断开后仍能打开")

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [article_page.IN_ISSUE.name])
            return cursor.fetchone()[0]

    page(client, article)
    page(client, article)
    assert prepared() == 1

    # A new session has no prepared statements: the next request prepares it there again.
    connection.close()
    assert prepared() == 0
    assert "连接断开后仍能打开" in page(client, article)
    assert prepared() == 1


@postgresql_only
def test_behind_a_transaction_pooler_nothing_is_prepared(client, published_issue):
    """In CI's PgBouncer pass this runs through PgBouncer itself."""
    article = make.article(published_issue, title="经连接池打开的稿件")
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        with CaptureQueriesContext(connection) as queries:
            html = page(client, article)
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = pooled

    assert "经连接池打开的稿件" in html
    assert [query["sql"] for query in queries if "EXECUTE" in query["sql"]] == []
