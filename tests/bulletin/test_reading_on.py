"""From one article to the next: breadcrumbs, the previous and next article of the issue, related articles."""

from datetime import timedelta

import pytest

from bulletin.models import ArticlePerson
from tests import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue_articles(published_issue):
    """Four articles of an issue in printed order, across two sections and a sub-column."""
    news = make.section("科协动态", order=30)
    science = make.section("科海观澜", order=50)
    special = make.section("学党史 强科技", order=2)
    return [
        make.article(
            published_issue, title="读史明理守初心", section=make.section("要情快报", parent=special), position=0
        ),
        make.article(published_issue, title="省科协召开全委会议", section=news, position=0),
        make.article(published_issue, title="科技馆新馆开放", section=news, position=1),
        make.article(published_issue, title="地球内部有什么", section=science, position=0),
    ]


def pager(page):
    nav = page.find("nav", **{"aria-label": "本期上下篇"})
    return nav.anchors() if nav else []


def related(page):
    return [text for text, _ in page.region("相关文章").anchors()]


def test_breadcrumbs_lead_from_the_issue_through_the_section_to_the_article(client, read_page, issue_articles):
    article = issue_articles[0]

    crumbs = read_page(client.get(article.get_absolute_url())).find("nav", **{"aria-label": "位置"})

    assert crumbs.text == "首页 2026年第2期 学党史 强科技 要情快报 读史明理守初心"


def test_article_links_to_the_previous_and_next_article_in_table_of_contents_order(client, read_page, issue_articles):
    first, second, third, last = issue_articles

    assert pager(read_page(client.get(second.get_absolute_url()))) == [
        ("上一篇读史明理守初心", first.get_absolute_url()),
        ("下一篇科技馆新馆开放", third.get_absolute_url()),
    ]
    assert pager(read_page(client.get(first.get_absolute_url()))) == [
        ("下一篇省科协召开全委会议", second.get_absolute_url())
    ]
    assert pager(read_page(client.get(last.get_absolute_url()))) == [("上一篇科技馆新馆开放", third.get_absolute_url())]


def test_previous_and_next_skip_articles_readers_cannot_see(client, read_page, issue_articles):
    first, second, third, _ = issue_articles
    second.status, second.published_at = make.DRAFT, None
    second.save(update_fields=["status", "published_at"])

    assert pager(read_page(client.get(first.get_absolute_url()))) == [
        ("下一篇科技馆新馆开放", third.get_absolute_url())
    ]


def test_web_news_has_no_previous_or_next_article(client, read_page):
    news = make.news()
    make.news()

    assert pager(read_page(client.get(news.get_absolute_url()))) == []


def test_related_articles_share_the_section_or_a_person_newest_first(client, read_page, published_issue):
    section, other = make.section("科协动态"), make.section("科海观澜")
    person = make.person("王晓")
    article = make.article(published_issue, section=section)
    make.link(article, person)
    make.news(title="同栏目旧文", section=section, published_at=make.yesterday() - timedelta(days=3))
    about_person = make.news(title="同一人物的新闻", section=other)
    make.link(about_person, person, role=ArticlePerson.Role.SUBJECT)
    make.news(title="无关新闻", section=other)

    assert related(read_page(client.get(article.get_absolute_url()))) == ["同一人物的新闻", "同栏目旧文"]


def test_related_articles_are_public_only_and_a_few(client, read_page, published_issue):
    section = make.section("科协动态")
    article = make.article(published_issue, section=section)
    for n in range(6):
        make.news(title=f"新闻{n}", section=section)
    make.news(title="草稿", section=section, status=make.DRAFT)
    make.article(make.draft_issue(), title="未出版一期的稿件", section=section)

    titles = related(read_page(client.get(article.get_absolute_url())))

    assert len(titles) == 4
    assert not {"草稿", "未出版一期的稿件"} & set(titles)
