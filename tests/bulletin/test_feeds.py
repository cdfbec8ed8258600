"""RSS and Atom feeds: only public articles, absolute addresses, teaser photos as enclosures."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin import feeds, seo
from tests import factories as make
from tests.xss import PAYLOADS, dangers, elements, visible_text

pytestmark = pytest.mark.django_db

SITE = "https://kexie.example"
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.PERIODICAL_NAME = "科协通讯"


def rss(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel")


def atom(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def item_titles(channel):
    return [item.findtext("title") for item in channel.iter("item")]


def test_site_feed_lists_public_articles_with_absolute_links(client, published_issue):
    article = make.article(published_issue, title="院士专家进企业", byline="文_张启航", summary="摘要一句。")
    news = make.news(title="省科协召开动员大会")

    channel = rss(client, reverse("bulletin:feed-rss"))

    assert channel.findtext("title") == "科协通讯"
    assert "科协通讯" in channel.findtext("description")
    assert channel.findtext("link") == f"{SITE}/"
    assert channel.findtext("language") == "zh-CN"
    items = {item.findtext("title"): item for item in channel.iter("item")}
    assert set(items) == {"院士专家进企业", "省科协召开动员大会"}
    item = items["院士专家进企业"]
    assert item.findtext("link") == f"{SITE}{article.get_absolute_url()}"
    assert item.findtext("guid") == f"{SITE}{article.get_absolute_url()}"
    assert item.findtext("description") == "摘要一句。"
    assert item.findtext("pubDate")
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "文_张启航"
    assert items["省科协召开动员大会"].findtext("link") == f"{SITE}{news.get_absolute_url()}"


def test_feeds_leave_out_everything_readers_cannot_see(client, published_issue, draft_issue):
    make.article(published_issue, title="公开稿件")
    make.article(published_issue, title="草稿", status=make.DRAFT)
    make.article(published_issue, title="撤稿", status=make.WITHDRAWN)
    make.article(published_issue, title="定时发布", published_at=timezone.now() + timedelta(days=1))
    make.article(draft_issue, title="未出版期刊的稿件")

    assert item_titles(rss(client, reverse("bulletin:feed-rss"))) == ["公开稿件"]
    entries = atom(client, reverse("bulletin:feed-atom")).iter(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["公开稿件"]


def test_description_is_the_start_of_the_body_as_text(client):
    make.news(title="无摘要", body="<p>正文<strong>第一段</strong> &lt;script&gt; 结束。</p>")

    response = client.get(reverse("bulletin:feed-rss"))

    description = ET.fromstring(response.content).findtext("channel/item/description")
    assert elements(description) == []
    assert visible_text(description) == "正文第一段 <script> 结束。"


def test_items_carry_section_and_topics_as_categories(client, published_issue):
    make.article(published_issue, section=make.section("科海观澜"), topics=[make.topic("乡村振兴")])

    item = rss(client, reverse("bulletin:feed-rss")).find("item")

    assert {category.text for category in item.iter("category")} == {"科海观澜", "乡村振兴"}


def test_teaser_photo_is_an_enclosure_with_absolute_url_length_and_type(client, published_issue):
    article = make.article(published_issue)
    make.photo(article, image=make.image_upload("cover.jpg", size=(1200, 800)))

    enclosure = rss(client, reverse("bulletin:feed-rss")).find("item/enclosure")

    assert enclosure.get("url").startswith(f"{SITE}/media/renditions/")
    assert enclosure.get("url").endswith(".jpg")
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) > 0


def test_atom_feed_is_valid_atom_with_enclosure_links(client, published_issue):
    article = make.article(published_issue, title="院士专家进企业")
    make.photo(article, image=make.image_upload("cover.png", content_type="image/png", format="PNG"))

    feed = atom(client, reverse("bulletin:feed-atom"))

    assert feed.findtext(f"{ATOM}title") == "科协通讯"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE}{reverse('bulletin:feed-atom')}"
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == f"{SITE}{article.get_absolute_url()}"
    assert entry.findtext(f"{ATOM}updated")
    enclosure = entry.find(f"{ATOM}link[@rel='enclosure']")
    assert enclosure.get("href").startswith(f"{SITE}/media/") and enclosure.get("type") == "image/png"


def test_section_feed_has_only_the_section_and_its_sub_columns(client, published_issue):
    column = make.section("学党史 强科技")
    make.article(published_issue, title="本栏目", section=column)
    make.article(published_issue, title="子栏目", section=make.section("要情快报", parent=column))
    make.article(published_issue, title="别的栏目", section=make.section("科协动态"))

    for name in ("bulletin:section-feed-rss", "bulletin:section-feed-atom"):
        response = client.get(reverse(name, kwargs={"slug": column.slug}))
        assert response.status_code == 200
        assert "本栏目" in response.content.decode() and "子栏目" in response.content.decode()
        assert "别的栏目" not in response.content.decode()
    channel = rss(client, reverse("bulletin:section-feed-rss", kwargs={"slug": column.slug}))
    assert channel.findtext("title") == "科协通讯 · 学党史 强科技"
    assert channel.findtext("link") == f"{SITE}{column.get_absolute_url()}"


def test_issue_feed_has_only_the_issue_in_table_of_contents_order(client, published_issue):
    make.article(published_issue, title="第二篇", position=2)
    make.article(published_issue, title="第一篇", position=1)
    make.article(make.issue(), title="另一期")

    kwargs = {"year": published_issue.year, "number": published_issue.number}
    channel = rss(client, reverse("bulletin:issue-feed-rss", kwargs=kwargs))

    assert item_titles(channel) == ["第一篇", "第二篇"]
    assert channel.findtext("title") == "科协通讯 2026年第2期"
    atom_titles = [e.findtext(f"{ATOM}title") for e in atom(client, reverse("bulletin:issue-feed-atom", kwargs=kwargs))]
    assert "另一期" not in atom_titles


def test_feed_of_an_unreleased_issue_does_not_exist(client, draft_issue):
    make.article(draft_issue)

    response = client.get(reverse("bulletin:issue-feed-rss", kwargs={"year": 2026, "number": 3}))

    assert response.status_code == 404


def test_pages_point_feed_readers_to_their_feeds(client, published_issue):
    section = make.section("科海观澜")
    make.article(published_issue, section=section)

    home = client.get(reverse("bulletin:home")).content.decode()
    issue_page = client.get(published_issue.get_absolute_url()).content.decode()
    section_page = client.get(section.get_absolute_url()).content.decode()

    assert f'type="application/rss+xml" title="科协通讯" href="{reverse("bulletin:feed-rss")}"' in home
    issue_feed = reverse("bulletin:issue-feed-rss", kwargs={"year": 2026, "number": 2})
    assert f'href="{issue_feed}"' in issue_page
    assert f'href="{reverse("bulletin:section-feed-rss", kwargs={"slug": section.slug})}"' in section_page


# What a feed reader makes of hostile text ---------------------------------------------------------


def one_line(text):
    return " ".join((text or "").split())


def reader_fields(client, url):
    """Each item of the RSS or Atom feed at ``url`` as a reader takes it apart.

    ``{link: {field: (kind, text)}}``: ``kind`` is "html" for what readers render as HTML (RSS
    titles and descriptions, Atom elements typed html) and "text" for what they show as it is.
    """
    root = ET.fromstring(client.get(url).content)
    found = {}
    for item in root.iter("item"):
        found[item.findtext("link")] = {
            "title": ("html", item.findtext("title")),
            "description": ("html", item.findtext("description")),
            "byline": ("text", item.findtext(f"{DC}creator")),
        }
    for entry in root.iter(f"{ATOM}entry"):
        fields = {"title": entry.find(f"{ATOM}title"), "description": entry.find(f"{ATOM}summary")}
        found[entry.find(f"{ATOM}link[@rel='alternate']").get("href")] = {
            **{name: (element.get("type", "text"), element.text) for name, element in fields.items()},
            "byline": ("text", entry.findtext(f"{ATOM}author/{ATOM}name")),
        }
    return found


def misreadings(field, kind, received, expected):
    """How what a reader received for ``field`` differs from the plain text the article holds."""
    if kind == "text":
        return [] if one_line(received) == one_line(expected) else [f"{field} reads {received!r}"]
    found = [f"{field}: {danger}" for danger in dangers(received)]
    if elements(received):
        found.append(f"{field} makes elements {elements(received)}")
    if visible_text(received) != one_line(expected):
        found.append(f"{field} shows {visible_text(received)!r}")
    return found


@pytest.fixture
def hostile_articles(published_issue, monkeypatch):
    """A published article for each payload, in its title, byline and summary (or, for every
    other one, its body, which the description then comes from)."""
    monkeypatch.setattr(feeds, "FEED_LENGTH", len(PAYLOADS))
    section = make.section("科海观澜")
    return [
        make.article(
            published_issue,
            section=section,
            title=payload,
            byline=payload,
            **({"summary": payload} if n % 2 else {"body": f"<p>正文：</p>{payload}"}),
        )
        for n, payload in enumerate(PAYLOADS)
    ]


@pytest.mark.parametrize("feed", ["feed", "section-feed", "issue-feed"])
@pytest.mark.parametrize("format", ["rss", "atom"])
def test_feed_readers_get_hostile_titles_summaries_bodies_and_bylines_as_text(client, hostile_articles, feed, format):
    issue, section = hostile_articles[0].issue, hostile_articles[0].section
    kwargs = {
        "feed": {},
        "section-feed": {"slug": section.slug},
        "issue-feed": {"year": issue.year, "number": issue.number},
    }

    received = reader_fields(client, reverse(f"bulletin:{feed}-{format}", kwargs=kwargs[feed]))

    assert len(received) == len(PAYLOADS)
    wrong = {}
    for article in hostile_articles:
        fields = received[f"{SITE}{article.get_absolute_url()}"]
        expected = {"title": article.title, "description": seo.article_description(article), "byline": article.byline}
        for field, (kind, text) in fields.items():
            if found := misreadings(field, kind, text, expected[field]):
                wrong[article.title] = found
    assert wrong == {}, f"{len(wrong)} of {len(PAYLOADS)} payloads reach the reader as something else than text"


def test_markup_typed_into_a_summary_reaches_the_reader_as_those_characters(client, published_issue):
    make.article(published_issue, title="<b>标题</b>", summary="<b>加粗</b>不是标签")

    rss_item = ET.fromstring(client.get(reverse("bulletin:feed-rss")).content).find("channel/item")
    atom_entry = ET.fromstring(client.get(reverse("bulletin:feed-atom")).content).find(f"{ATOM}entry")

    assert visible_text(rss_item.findtext("description")) == "<b>加粗</b>不是标签"
    assert visible_text(rss_item.findtext("title")) == "<b>标题</b>"
    assert visible_text(atom_entry.findtext(f"{ATOM}summary")) == "<b>加粗</b>不是标签"
    assert atom_entry.findtext(f"{ATOM}title") == "<b>标题</b>"
