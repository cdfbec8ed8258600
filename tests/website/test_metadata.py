"""What link previews, search engines and feed readers find on every public page: a title and a
description to show, a picture, structured data about articles, events and people, topics in the
sitemap, search results kept out of the index, and the site's icons."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from bulletin.models import ArticlePerson
from tests import factories as make
from tests.bulletin.test_seo import Head

pytestmark = pytest.mark.django_db

SITE = "https://kexie.example"
PUBLISHER = {"@type": "Organization", "name": "省科学技术协会", "url": f"{SITE}/"}
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.PERIODICAL_NAME = "科协通讯"
    settings.PUBLISHER_NAME = "省科学技术协会"


def head(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    return Head(response.content.decode())


def json_ld(client, url):
    (data,) = head(client, url).json_ld()
    return data


# Articles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("文_省农业科学院 张启航", [{"@type": "Person", "name": "张启航"}]),
        ("文/李可", [{"@type": "Person", "name": "李可"}]),
        ("", [PUBLISHER]),
        ("   ", [PUBLISHER]),
    ],
)
def test_an_article_always_names_an_author_from_its_byline_or_the_publisher(client, published_issue, byline, authors):
    article = make.article(published_issue, byline=byline)

    assert json_ld(client, article.get_absolute_url())["author"] == authors


def test_news_without_byline_is_by_the_publisher(client):
    news = make.news(byline="")

    assert json_ld(client, news.get_absolute_url())["author"] == [PUBLISHER]


def test_article_without_photos_is_previewed_with_its_issue_cover(client, published_issue):
    published_issue.cover_image = make.image_upload("cover.jpg", size=(600, 800))
    published_issue.cover_caption = "麦田里的科技特派员"
    published_issue.save()
    article = make.article(published_issue)

    page = head(client, article.get_absolute_url())

    assert page.meta("og:image").startswith(f"{SITE}/media/renditions/issues/covers/")
    assert page.meta("og:image:alt") == "2026年第2期（总第122期）封面：麦田里的科技特派员"
    assert page.json_ld()[0]["image"] == [page.meta("og:image")]


def test_article_photo_comes_before_the_issue_cover(client, published_issue):
    published_issue.cover_image = make.image_upload("cover.jpg", size=(600, 800))
    published_issue.save()
    article = make.article(published_issue)
    make.photo(article, image=make.image_upload("field.jpg", size=(1200, 800)), alt="田间查看苗情")

    page = head(client, article.get_absolute_url())

    assert page.meta("og:image").startswith(f"{SITE}/media/renditions/articles/")
    assert page.meta("og:image:alt") == "田间查看苗情"


def test_article_without_any_picture_is_previewed_with_the_site_icon(client, published_issue):
    article = make.article(published_issue)

    page = head(client, article.get_absolute_url())

    assert page.meta("og:image") == f"{SITE}/static/icons/icon-512.png"
    assert (page.meta("og:image:width"), page.meta("og:image:height")) == ("512", "512")
    assert page.meta("twitter:card") == "summary"
    assert "image" not in page.json_ld()[0]  # an icon is no picture of the article
    assert finders.find("icons/icon-512.png")


# Events --------------------------------------------------------------------------------------


def test_event_page_describes_the_event(client, published_issue):
    report = make.article(published_issue, title="大篷车开进校园")
    make.photo(report, image=make.image_upload("truck.jpg", size=(1200, 800)), alt="孩子们围着大篷车")
    event = make.event(
        title="科普大篷车进校园",
        start_date=datetime.date(2026, 5, 20),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(11, 30),
        place="郑州市金水区第一小学",
        organiser="省科协科普部",
        description="<p>科普大篷车开进校园，展品现场互动。</p>",
        articles=[report],
    )

    page = head(client, event.get_absolute_url())

    (data,) = page.json_ld()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "科普大篷车进校园"
    assert data["startDate"] == "2026-05-20T09:00:00+08:00"
    assert data["endDate"] == "2026-05-20T11:30:00+08:00"
    assert data["location"] == {"@type": "Place", "name": "郑州市金水区第一小学", "address": "郑州市金水区第一小学"}
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["description"] == "科普大篷车开进校园，展品现场互动。"
    assert data["url"] == f"{SITE}{event.get_absolute_url()}"
    assert data["organizer"] == {"@type": "Organization", "name": "省科协科普部"}
    assert data["image"] == [page.meta("og:image")]
    assert page.meta("og:image").startswith(f"{SITE}/media/renditions/articles/")
    assert page.meta("og:title") == "科普大篷车进校园"
    assert page.meta("og:description") == "科普大篷车开进校园，展品现场互动。"
    assert page.link("canonical") == data["url"]


def test_an_all_day_event_over_several_days_gives_its_days(client):
    event = make.event(
        title="全省青少年科技创新大赛",
        start_date=datetime.date(2026, 7, 10),
        end_date=datetime.date(2026, 7, 12),
        place="省科技馆",
    )

    data = json_ld(client, event.get_absolute_url())

    assert (data["startDate"], data["endDate"]) == ("2026-07-10", "2026-07-12")
    assert "image" not in data


def test_an_event_says_no_more_than_is_known(client):
    event = make.event(
        title="学会工作座谈会", start_date=datetime.date(2026, 6, 3), start_time=datetime.time(15, 0), organiser=""
    )

    page = head(client, event.get_absolute_url())

    (data,) = page.json_ld()
    assert data["startDate"] == "2026-06-03T15:00:00+08:00"
    assert "endDate" not in data
    assert "location" not in data and "eventAttendanceMode" not in data
    assert data["organizer"] == PUBLISHER
    assert data["description"] == "学会工作座谈会，2026年6月3日。"
    assert page.meta("description") == page.meta("og:description") == "学会工作座谈会，2026年6月3日。"


# People --------------------------------------------------------------------------------------


def test_person_page_describes_the_person(client, published_issue):
    person = make.person(
        "张启航",
        title="研究员",
        organisation="省农业科学院",
        bio="<p>长期从事小麦育种研究。</p>",
        photo=make.image_upload("zhang.jpg", size=(400, 500)),
    )
    make.link(make.article(published_issue), person)

    page = head(client, person.get_absolute_url())

    (data,) = page.json_ld()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Person"
    assert data["name"] == "张启航"
    assert data["jobTitle"] == "研究员"
    assert data["worksFor"] == {"@type": "Organization", "name": "省农业科学院"}
    assert data["url"] == f"{SITE}{person.get_absolute_url()}"
    assert data["description"] == "长期从事小麦育种研究。"
    assert data["image"] == page.meta("og:image")
    assert page.meta("og:image").startswith(f"{SITE}/media/renditions/people/")
    assert page.meta("og:type") == "profile"
    assert page.meta("og:title") == "张启航"
    assert page.meta("og:description") == "长期从事小麦育种研究。"


def test_person_without_biography_is_described_by_role(client, published_issue):
    person = make.person("李可", title="副主席", organisation="省科学技术协会")
    make.link(make.article(published_issue), person)

    page = head(client, person.get_absolute_url())

    (data,) = page.json_ld()
    assert data["description"] == "副主席，省科学技术协会"
    assert "image" not in data
    assert page.meta("og:description") == "李可，副主席，省科学技术协会：在《科协通讯》中的稿件与活动。"


# Every page ----------------------------------------------------------------------------------


@pytest.fixture
def pages(published_issue):
    """``{name: (address, og:title)}`` of a public page of every kind."""
    topic = make.topic("乡村振兴", description="科技助力乡村振兴的报道。")
    section = make.section("科协动态")
    article = make.article(published_issue, title="院士专家进企业", section=section, topics=[topic])
    news = make.news(title="省科协召开动员大会")
    person = make.person("张启航")
    make.link(article, person, role=ArticlePerson.Role.AUTHOR)
    event = make.event(title="科普大篷车进校园", start_date=datetime.date(2026, 5, 20))
    return {
        "home": ("/", "科协通讯"),
        "issue archive": (reverse("bulletin:issue-archive"), "往期目录"),
        "issue": (published_issue.get_absolute_url(), "科协通讯 2026年第2期（总第122期）"),
        "article": (article.get_absolute_url(), "院士专家进企业"),
        "news": (news.get_absolute_url(), "省科协召开动员大会"),
        "news list": (reverse("bulletin:news-list"), "网站新闻"),
        "section": (section.get_absolute_url(), "科协动态"),
        "topic": (topic.get_absolute_url(), "专题：乡村振兴"),
        "people": (reverse("people:person-list"), "人物"),
        "person": (person.get_absolute_url(), "张启航"),
        "events": (reverse("events:event-list"), "活动"),
        "event month": (reverse("events:event-month", kwargs={"year": 2026, "month": 5}), "2026年5月活动日历"),
        "event": (event.get_absolute_url(), "科普大篷车进校园"),
        "search": (reverse("website:search"), "搜索"),
        "search results": (reverse("website:search") + "?q=院士", "搜索：院士"),
    }


PAGE_KINDS = [
    "home",
    "issue archive",
    "issue",
    "article",
    "news",
    "news list",
    "section",
    "topic",
    "people",
    "person",
    "events",
    "event month",
    "event",
    "search",
    "search results",
]


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_public_page_has_a_preview_title_and_description(client, pages, kind):
    url, title = pages[kind]

    page = head(client, url)

    assert page.meta("og:title") == page.meta("twitter:title") == title
    assert page.meta("og:description").strip()
    assert page.meta("og:description") == page.meta("twitter:description")
    assert page.meta("og:image").startswith(f"{SITE}/")
    assert page.link("canonical").startswith(f"{SITE}/")


def test_the_preview_of_a_later_page_of_a_list_names_it(client):
    for _ in range(21):
        make.news()

    page = head(client, reverse("bulletin:news-list") + "?page=2")

    assert page.meta("og:title") == "网站新闻（第2页）"
    assert page.meta("og:url") == f"{SITE}{reverse('bulletin:news-list')}?page=2"


def test_a_preview_shows_the_title_as_written(client):
    topic = make.topic("“科技+农业” & 乡村")
    make.news(topics=[topic])

    page = head(client, topic.get_absolute_url())

    assert page.meta("og:title") == "专题：“科技+农业” & 乡村"


def test_not_found_page_has_a_preview_but_no_address(client):
    page = head(client, "/issues/1999/9/", status=404)

    assert page.meta("og:title") == "页面不存在"
    assert page.meta("og:description") == "您要找的页面不存在。"
    assert page.meta("og:url") is None
    assert page.link("canonical") is None
    assert page.json_ld() == []


# Sitemap -------------------------------------------------------------------------------------


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP_NS}loc"): url.findtext(f"{SITEMAP_NS}lastmod") for url in root.iter(f"{SITEMAP_NS}url")
    }


def test_sitemap_lists_topics_with_public_articles_changed_when_the_newest_was_published(client, published_issue):
    topic = make.topic("乡村振兴")
    newest = timezone.now() - datetime.timedelta(hours=2)
    make.article(published_issue, topics=[topic], published_at=newest - datetime.timedelta(days=30))
    make.news(topics=[topic], published_at=newest)
    make.news(topics=[topic], published_at=timezone.now() + datetime.timedelta(days=1))  # scheduled

    urls = sitemap(client)

    assert urls[f"{SITE}{topic.get_absolute_url()}"] == timezone.localdate(newest).isoformat()


def test_sitemap_leaves_out_topics_readers_see_no_article_of(client, published_issue, draft_issue):
    unpublished = make.topic("未发布专题")
    make.article(published_issue, topics=[unpublished], status=make.DRAFT)
    make.article(draft_issue, topics=[unpublished])
    empty = make.topic("空专题")

    urls = sitemap(client)

    assert f"{SITE}{unpublished.get_absolute_url()}" not in urls
    assert f"{SITE}{empty.get_absolute_url()}" not in urls


def test_sitemap_queries_do_not_grow_with_the_topics(client, count_queries, published_issue):
    make.article(published_issue, topics=[make.topic()])
    small = count_queries(client, "/sitemap.xml")

    for _ in range(20):
        make.article(published_issue, topics=[make.topic(), make.topic()])
    large = count_queries(client, "/sitemap.xml")

    assert small == large


# Search --------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?q=院士"])
def test_search_pages_ask_not_to_be_indexed_but_to_be_followed(client, published_issue, read_page, query):
    article = make.article(published_issue, title="院士专家进企业")

    response = client.get(reverse("website:search") + query)

    page = Head(response.content.decode())
    assert page.meta("robots") == "noindex, follow"
    if query:
        assert read_page(response).contains(article.title)


# Icons ---------------------------------------------------------------------------------------


def icons(client):
    """``{rel and type: the static file}`` of the icons a page names."""
    links = head(client, "/").element.iter("link")
    return {
        (link.get("rel"), link.get("type")): finders.find(link.get("href").removeprefix("/static/"))
        for link in links
        if link.get("rel") in ("icon", "apple-touch-icon")
    }


def test_pages_name_an_svg_and_an_ico_favicon_and_a_home_screen_icon(client):
    found = icons(client)

    assert set(found) == {("icon", "image/svg+xml"), ("icon", None), ("apple-touch-icon", None)}
    with open(found["icon", "image/svg+xml"], encoding="utf-8") as svg:
        assert svg.read().startswith("<svg")
    with open(found["icon", None], "rb") as ico:
        assert ico.read(4) == b"\x00\x00\x01\x00"
    with Image.open(found["apple-touch-icon", None]) as touch:
        assert (touch.format, touch.size) == ("PNG", (180, 180))


@pytest.mark.parametrize("method", ["get", "head"])
def test_favicon_ico_at_the_root_is_the_icon_pages_name(client, method):
    response = getattr(client, method)("/favicon.ico")

    assert response.status_code == 302
    assert finders.find(response["Location"].removeprefix("/static/")) == icons(client)["icon", None]
