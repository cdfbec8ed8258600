"""What readers see on the public pages of the periodical."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin.models import ArticlePerson
from bulletin.views import LATEST_NEWS_COUNT
from tests import factories as make

pytestmark = pytest.mark.django_db


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


@pytest.fixture
def contents(published_issue):
    """A printed issue in miniature: front matter, a special column with a sub-column, news, science."""
    special = make.section("学党史 强科技", order=2)
    make.article(
        published_issue,
        title="致全省科技工作者的倡议书",
        section=make.section("卷首", order=1),
        first_page=1,
        last_page=2,
    )
    make.article(
        published_issue,
        title="读史明理守初心 科技为民勇担当",
        subtitle="——省科协党史学习教育动员大会侧记",
        section=make.section("要情快报", parent=special, order=60),
        first_page=11,
        last_page=18,
    )
    make.article(
        published_issue,
        title="省科协召开全委会议",
        section=make.section("科协动态", order=30),
        byline="文_省科协办公室",
        first_page=25,
    )
    make.article(
        published_issue,
        kicker="难解之谜：",
        title="地球内部有什么",
        byline="文_张启航",
        section=make.section("科海观澜", order=50),
        first_page=44,
        last_page=45,
    )
    return published_issue


def toc_of(page, issue):
    """(section heading, article title) of each article in the table of contents, in order."""
    prefix = issue.get_absolute_url()
    return [
        (heading.split()[0], title)
        for heading, title, href in page.headed_links()
        if href.startswith(prefix) and href != prefix
    ]


EXPECTED_TOC = [
    ("卷首", "致全省科技工作者的倡议书"),
    ("要情快报", "读史明理守初心 科技为民勇担当"),
    ("科协动态", "省科协召开全委会议"),
    ("科海观澜", "难解之谜：地球内部有什么"),
]


# Home -------------------------------------------------------------------------------------------


def test_home_page_shows_the_latest_issue_and_its_contents(client, read_page, contents):
    make.issue(year=2025, number=6, running_number=120)

    page = read_page(client.get(reverse("bulletin:home")))

    assert page.contains("2026年第2期（总第122期）")
    assert not page.contains("2025年第6期")
    assert toc_of(page, contents) == EXPECTED_TOC


def test_home_page_shows_the_latest_web_news_newest_first(client, read_page):
    for age in range(LATEST_NEWS_COUNT + 1):
        make.news(title=f"网站新闻{age:02d}", published_at=hours_ago(age + 1))

    news = read_page(client.get(reverse("bulletin:home"))).region("网站新闻")

    assert news.in_order(*(f"网站新闻{age:02d}" for age in range(LATEST_NEWS_COUNT)))
    assert not news.contains(f"网站新闻{LATEST_NEWS_COUNT:02d}")


def test_home_page_does_not_list_issue_articles_as_web_news(client, read_page, contents):
    news = read_page(client.get(reverse("bulletin:home"))).region("网站新闻")

    assert not news.contains("省科协召开全委会议")


# Archive and issue ------------------------------------------------------------------------------


def test_archive_groups_issues_by_year_newest_first(client, read_page):
    issues = [
        make.issue(year=2025, number=6, running_number=120),
        make.issue(year=2026, number=1, running_number=121),
        make.issue(year=2026, number=2, running_number=122),
    ]

    page = read_page(client.get(reverse("bulletin:issue-archive")))

    urls = {issue.get_absolute_url(): str(issue) for issue in issues}
    listed = [(heading, urls[href]) for heading, _, href in page.headed_links() if href in urls]
    assert listed == [
        ("2026年", "2026年第2期（总第122期）"),
        ("2026年", "2026年第1期（总第121期）"),
        ("2025年", "2025年第6期（总第120期）"),
    ]


def test_issue_page_lists_sections_in_order_with_their_articles(client, read_page, contents):
    page = read_page(client.get(contents.get_absolute_url()))

    assert toc_of(page, contents) == EXPECTED_TOC


def test_issue_page_shows_a_sub_column_under_its_parent_column(client, read_page, contents):
    page = read_page(client.get(contents.get_absolute_url()))

    assert page.in_order("学党史 强科技", "要情快报", "读史明理守初心")


def test_issue_page_prints_an_unlabelled_column_in_place_without_its_name(client, read_page, published_issue):
    make.article(published_issue, title="省科协召开全委会议", section=make.section("科协动态", order=30))
    profile = make.section("人物通讯", order=20, show_heading=False)
    make.article(published_issue, title="泥土里长出来的科技书记", section=profile)
    make.article(published_issue, title="读史明理守初心", section=make.section("要情快报", order=10))

    page = read_page(client.get(published_issue.get_absolute_url()))

    assert page.in_order("要情快报", "读史明理守初心", "泥土里长出来的科技书记", "科协动态", "省科协召开全委会议")
    assert not page.contains("人物通讯")


def test_issue_page_shows_subtitles_bylines_and_page_ranges(client, read_page, contents):
    page = read_page(client.get(contents.get_absolute_url()))

    assert page.in_order("致全省科技工作者的倡议书", "1—2")
    assert page.in_order("读史明理守初心 科技为民勇担当", "11—18", "——省科协党史学习教育动员大会侧记")
    assert page.in_order("省科协召开全委会议", "25", "文_省科协办公室")
    assert page.in_order("难解之谜：", "地球内部有什么", "44—45", "文_张启航")


def test_issue_page_shows_the_issue_its_theme_and_cover_caption(client, read_page):
    issue = make.issue(theme="党史学习教育", cover_caption="黄河岸边的地质博物馆")

    page = read_page(client.get(issue.get_absolute_url()))

    assert page.contains(str(issue))
    assert page.contains("党史学习教育")
    assert page.contains("黄河岸边的地质博物馆")


# Article ----------------------------------------------------------------------------------------


@pytest.fixture
def feature(published_issue):
    article = make.article(
        published_issue,
        kicker="难解之谜：",
        title="地球内部有什么",
        subtitle="——从黄河地质博物馆说起",
        byline="文_张启航",
        contributor="省科协科普部",
        body="<h2>一、地核</h2><p>地球内部分为地壳、地幔和地核。</p>",
        section=make.section("科海观澜"),
        first_page=44,
        last_page=45,
        topics=[make.topic("科普")],
    )
    make.link(article, make.person("张启航", title="记者"), role=ArticlePerson.Role.AUTHOR)
    make.link(
        article,
        make.person("单霁翔", title="研究员"),
        role=ArticlePerson.Role.SUBJECT,
        printed_title="党组成员、副主席",
        position=1,
    )
    return article


def test_article_page_shows_the_headline_as_printed(client, read_page, feature):
    page = read_page(client.get(feature.get_absolute_url()))

    assert page.in_order("难解之谜：", "地球内部有什么", "——从黄河地质博物馆说起", "文_张启航")


def test_article_page_shows_the_body_with_its_subheads(client, read_page, feature):
    page = read_page(client.get(feature.get_absolute_url()))

    assert page.in_order("一、地核", "地球内部分为地壳、地幔和地核。")
    assert any(h.text == "一、地核" for h in page.element.iter("h2"))


def test_article_page_credits_the_contributor(client, read_page, feature):
    page = read_page(client.get(feature.get_absolute_url()))

    assert page.contains("（供稿：省科协科普部）")


def test_article_page_names_its_issue_and_pages(client, read_page, feature):
    page = read_page(client.get(feature.get_absolute_url()))

    assert page.contains("2026年第2期（总第122期）")
    assert page.contains("第44—45页")
    assert feature.issue.get_absolute_url() in page.links()


def test_article_page_lists_people_with_their_role_and_title_as_printed(client, read_page, feature):
    people = read_page(client.get(feature.get_absolute_url())).region("本文人物")

    assert people.in_order("张启航", "作者", "记者", "单霁翔", "报道对象", "党组成员、副主席")
    assert not people.contains("研究员")
    assert "/people/shan-ji-xiang/" in people.links()


def test_article_page_shows_photos_with_captions(client, read_page, feature):
    first = make.photo(feature, caption="黄河地质博物馆外景", position=1)
    second = make.photo(feature, caption="馆内陈列的岩芯", position=2)

    page = read_page(client.get(feature.get_absolute_url()))

    # Readers get renditions of the photos (media/renditions/<photo>/<width>), not the uploads themselves.
    shown = [
        src.removeprefix("/media/renditions/").rsplit("/", 1)[0] for src in page.images() if src.startswith("/media/")
    ]
    assert shown == [first.image.name, second.image.name]
    assert page.in_order("黄河地质博物馆外景", "馆内陈列的岩芯")


def test_article_photos_are_stored_in_the_media_folder(feature, media_root):
    photo = make.photo(feature, caption="黄河地质博物馆外景")

    assert (media_root / photo.image.name).is_file()


def test_article_page_links_to_its_topics(client, read_page, feature):
    topics = read_page(client.get(feature.get_absolute_url())).region("专题")

    assert topics.contains("科普")
    assert feature.topics.get().get_absolute_url() in topics.links()


def test_article_page_links_to_published_events_only(client, read_page, feature):
    make.event(title="全省科普日活动", articles=[feature])
    make.event(title="尚在筹备的活动", articles=[feature], status=make.DRAFT)

    page = read_page(client.get(feature.get_absolute_url()))

    assert page.region("相关活动").contains("全省科普日活动")
    assert not page.contains("尚在筹备的活动")


def test_news_page_lists_web_news_newest_first_but_not_issue_articles(client, read_page, published_issue):
    make.news(title="科技活动周启动", published_at=hours_ago(30))
    make.news(title="科普日活动预告", published_at=hours_ago(3))
    make.article(published_issue, title="刊内稿件", published_at=hours_ago(1))

    page = read_page(client.get(reverse("bulletin:news-list")))

    assert page.in_order("科普日活动预告", "科技活动周启动")
    assert not page.contains("刊内稿件")


def test_home_page_links_to_all_web_news(client, read_page):
    make.news()

    page = read_page(client.get(reverse("bulletin:home")))

    assert reverse("bulletin:news-list") in page.region("网站新闻").links()


def test_web_news_page_shows_the_story(client, read_page):
    news = make.news(title="第二十届科技活动周启动", body="<p>活动周将持续一周。</p>")

    page = read_page(client.get(news.get_absolute_url()))

    assert page.in_order("第二十届科技活动周启动", "活动周将持续一周。")


# Section and topic streams ----------------------------------------------------------------------


def test_section_page_spreads_many_articles_over_pages_newest_first(client, read_page, published_issue):
    section = make.section("科协动态")
    for age in range(25):
        make.article(published_issue, title=f"科协动态第{age:02d}条", section=section, published_at=hours_ago(age + 1))

    first = read_page(client.get(section.get_absolute_url()))
    second = read_page(client.get(section.get_absolute_url(), {"page": 2}))

    on_first = [t for t in (f"科协动态第{age:02d}条" for age in range(25)) if first.contains(t)]
    on_second = [t for t in (f"科协动态第{age:02d}条" for age in range(25)) if second.contains(t)]
    assert on_first + on_second == [f"科协动态第{age:02d}条" for age in range(25)]
    assert on_first and on_second
    assert first.in_order(*on_first)
    assert second.in_order(*on_second)
    assert first.contains("第 1 页，共 2 页")


def test_section_page_beyond_the_last_page_is_not_found(client, published_issue):
    section = make.section("科协动态")
    make.article(published_issue, section=section)

    assert client.get(section.get_absolute_url(), {"page": 2}).status_code == 404


def test_section_page_includes_its_sub_columns(client, read_page, published_issue):
    parent = make.section("学党史 强科技", order=2)
    make.article(published_issue, title="专栏导语", section=parent)
    make.article(published_issue, title="要情一则", section=make.section("要情快报", parent=parent))
    make.article(published_issue, title="别的栏目的稿件", section=make.section("科协动态"))

    page = read_page(client.get(parent.get_absolute_url()))

    assert page.contains("专栏导语")
    assert page.contains("要情一则")
    assert not page.contains("别的栏目的稿件")


def test_section_page_shows_the_section_name_in_pinyin(client, read_page):
    page = read_page(client.get(make.section("科海观澜").get_absolute_url()))

    assert page.contains("科海观澜 Kehaiguanlan")


def test_unknown_section_is_not_found(client):
    assert client.get(reverse("bulletin:section-detail", kwargs={"slug": "no-such-section"})).status_code == 404


def test_topic_page_lists_its_articles_across_issues_newest_first(client, read_page, published_issue):
    topic = make.topic("乡村振兴")
    older_issue = make.issue(year=2025, number=6)
    make.article(older_issue, title="科技助力乡村振兴", topics=[topic], published_at=hours_ago(48))
    make.article(published_issue, title="乡村振兴科技特派员", topics=[topic], published_at=hours_ago(2))
    make.article(published_issue, title="平安建设", topics=[make.topic("平安建设")])

    page = read_page(client.get(topic.get_absolute_url()))

    assert page.in_order("乡村振兴科技特派员", "科技助力乡村振兴")
    assert not page.contains("平安建设")
