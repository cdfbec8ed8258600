"""What a page tells search engines and chat apps: canonical address, link preview, structured data."""

import json

import html5lib
import pytest
from django.urls import reverse

from bulletin.models import ArticlePerson
from tests import factories as make

pytestmark = pytest.mark.django_db

SITE = "https://kexie.example"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.PERIODICAL_NAME = "科协通讯"
    settings.PUBLISHER_NAME = "省科学技术协会"


class Head:
    """The ``<head>`` of a page: its links, meta properties and JSON-LD documents."""

    def __init__(self, content):
        document = html5lib.parse(content, treebuilder="etree", namespaceHTMLElements=False)
        self.element = document.find("head")
        self.scripts = [s for s in document.iter("script")]

    def link(self, rel):
        found = [e.get("href") for e in self.element.iter("link") if e.get("rel") == rel]
        return found[0] if found else None

    def meta(self, key):
        for element in self.element.iter("meta"):
            if key in (element.get("property"), element.get("name")):
                return element.get("content")
        return None

    def json_ld(self):
        return [json.loads(s.text) for s in self.element.iter("script") if s.get("type") == "application/ld+json"]


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return Head(response.content.decode())


@pytest.fixture
def article(published_issue):
    obj = make.article(
        published_issue,
        title="院士专家进企业",
        subtitle="——记科技服务团",
        summary="省科协组织院士专家深入企业开展技术服务。",
        byline="文_省社会科学院经济研究所 李可 余明",
        section=make.section("科协动态"),
        topics=[make.topic("乡村振兴")],
        first_page=3,
        last_page=5,
    )
    make.photo(obj, image=make.image_upload("cover.jpg", size=(1200, 800)), alt="专家在车间查看设备")
    return obj


def test_article_page_has_an_absolute_canonical_link(client, article):
    page = head(client, article.get_absolute_url())

    assert page.link("canonical") == f"{SITE}{article.get_absolute_url()}"


def test_printed_article_gives_its_address_on_the_public_site_whatever_host_the_request_names(
    client, article, settings, read_page
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]

    response = client.get(article.get_absolute_url(), HTTP_HOST="evil.example")

    source = read_page(response).find("p", class_="print-only article__source")
    assert source.text.endswith(f"网址：{SITE}{article.get_absolute_url()}")
    assert "evil.example" not in response.content.decode()


def test_article_page_has_a_link_preview_with_the_teaser_rendition(client, article):
    page = head(client, article.get_absolute_url())

    assert page.meta("og:type") == "article"
    assert page.meta("og:title") == "院士专家进企业"
    assert page.meta("og:description") == "省科协组织院士专家深入企业开展技术服务。"
    assert page.meta("og:url") == f"{SITE}{article.get_absolute_url()}"
    assert page.meta("og:site_name") == "科协通讯"
    assert page.meta("og:image").startswith(f"{SITE}/media/renditions/")
    assert (page.meta("og:image:width"), page.meta("og:image:height")) == ("1200", "800")
    assert page.meta("og:image:type") == "image/jpeg"
    assert page.meta("og:image:alt") == "专家在车间查看设备"
    assert page.meta("twitter:card") == "summary_large_image"
    assert page.meta("twitter:image") == page.meta("og:image")
    assert page.meta("twitter:title") == "院士专家进企业"
    assert page.meta("article:section") == "科协动态"


def test_news_without_photo_gets_a_small_card_with_the_site_icon(client):
    news = make.news(title="省科协召开动员大会", body="<p>4月16日上午，省科协召开动员大会。</p>")

    page = head(client, news.get_absolute_url())

    assert page.meta("og:image") == f"{SITE}/static/icons/icon-512.png"
    assert page.meta("twitter:card") == "summary"
    assert page.meta("og:description") == "4月16日上午，省科协召开动员大会。"


def test_a_preview_keeps_the_words_of_a_code_block_apart_from_the_next_paragraph(client):
    news = make.news(
        title="安装分词库", body='<pre><code class="language-shell">pip install jieba</code></pre><p>然后导入。</p>'
    )

    page = head(client, news.get_absolute_url())

    assert page.meta("og:description") == "pip install jieba 然后导入。"


def test_article_json_ld_is_a_news_article_in_its_issue(client, article):
    (data,) = head(client, article.get_absolute_url()).json_ld()

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "院士专家进企业"
    assert data["alternativeHeadline"] == "——记科技服务团"
    assert data["datePublished"].startswith(article.published_at.date().isoformat()[:4])
    assert data["dateModified"] >= data["datePublished"]
    assert data["author"] == [{"@type": "Person", "name": "李可"}, {"@type": "Person", "name": "余明"}]
    assert data["publisher"] == {"@type": "Organization", "name": "省科学技术协会", "url": f"{SITE}/"}
    assert data["image"][0].startswith(f"{SITE}/media/renditions/")
    assert data["mainEntityOfPage"]["@id"] == f"{SITE}{article.get_absolute_url()}"
    assert data["keywords"] == ["乡村振兴"]
    issue = data["isPartOf"]
    assert issue["@type"] == "PublicationIssue"
    assert issue["issueNumber"] == "2"
    assert issue["datePublished"] == article.issue.released_on.isoformat()
    assert issue["isPartOf"]["@type"] == "Periodical"
    assert issue["isPartOf"]["name"] == "科协通讯"


def test_linked_authors_are_the_json_ld_authors(client, article):
    person = make.person("张启航")
    make.link(article, person, role=ArticlePerson.Role.AUTHOR)
    make.link(article, make.person("王芳"), role=ArticlePerson.Role.SUBJECT)

    (data,) = head(client, article.get_absolute_url()).json_ld()

    assert data["author"] == [{"@type": "Person", "name": "张启航", "url": f"{SITE}{person.get_absolute_url()}"}]


def test_web_news_is_part_of_no_issue(client):
    news = make.news(byline="本刊记者")

    (data,) = head(client, news.get_absolute_url()).json_ld()

    assert "isPartOf" not in data
    assert data["author"] == [{"@type": "Person", "name": "本刊记者"}]


@pytest.mark.parametrize(
    "title", ["</script><script>alert(1)</script>", "<!--<script>", "a & b </SCRIPT >", '"引号" \\ 反斜杠']
)
def test_title_cannot_break_out_of_the_json_ld(client, title):
    news = make.news(title=title, summary=title)

    response = client.get(news.get_absolute_url())
    page = Head(response.content.decode())

    (data,) = page.json_ld()
    assert data["headline"] == title
    assert data["description"] == title
    raw = response.content.decode().split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert [s.get("type") for s in page.scripts] == ["application/ld+json"]


def test_line_and_paragraph_separators_in_a_title_are_escaped_in_the_json_ld(client):
    title = "第一行\u2028第二行\u2029</script><script>alert(1)</script>"
    news = make.news(title=title)

    response = client.get(news.get_absolute_url())

    (data,) = Head(response.content.decode()).json_ld()
    assert data["headline"] == title
    raw = response.content.decode().split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "\u2028" not in raw and "\u2029" not in raw
    assert "\\u2028" in raw and "\\u2029" in raw


def test_issue_page_has_publication_issue_of_the_periodical(client, published_issue):
    published_issue.cover_image = make.image_upload("cover.jpg", size=(600, 800))
    published_issue.save()

    page = head(client, published_issue.get_absolute_url())

    url = f"{SITE}{published_issue.get_absolute_url()}"
    assert page.link("canonical") == url
    assert page.meta("og:type") == "website"
    assert page.meta("og:url") == url
    assert page.meta("og:image").startswith(f"{SITE}/media/renditions/")
    assert page.meta("twitter:card") == "summary_large_image"
    (data,) = page.json_ld()
    assert data["@type"] == "PublicationIssue"
    assert data["issueNumber"] == "2"
    assert data["datePublished"] == published_issue.released_on.isoformat()
    assert data["name"] == "《科协通讯》2026年第2期（总第122期）"
    assert data["about"] == "党史学习教育"
    assert data["isPartOf"]["@type"] == "Periodical"
    assert data["isPartOf"]["publisher"]["name"] == "省科学技术协会"


def test_other_pages_have_a_canonical_link_without_query_string(client):
    page = head(client, reverse("bulletin:issue-archive") + "?utm_source=wechat")

    assert page.link("canonical") == f"{SITE}{reverse('bulletin:issue-archive')}"
    assert page.meta("og:site_name") == "科协通讯"


def test_home_page_describes_the_periodical(client):
    page = head(client, "/")

    assert page.link("canonical") == f"{SITE}/"
    (data,) = page.json_ld()
    assert data["@type"] == "Periodical"
    assert data["name"] == "科协通讯"


def test_previews_have_no_canonical_link_or_structured_data(client, editor, published_issue):
    draft = make.article(published_issue, status=make.DRAFT)
    client.force_login(editor)

    page = head(client, reverse("bulletin:preview-article", kwargs={"pk": draft.pk}))

    assert page.link("canonical") is None
    assert page.meta("og:url") is None
    assert page.json_ld() == []


def test_not_found_page_has_no_canonical_link(client):
    response = client.get("/issues/2026/99/")

    assert response.status_code == 404
    assert Head(response.content.decode()).link("canonical") is None
