"""复制到公众号: an article as HTML the official account's editor keeps whole (inline styles only,
absolute addresses), and the staff page that offers it, for published articles and to staff only."""

from datetime import timedelta

import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin import wechat_article
from bulletin.models import Article
from publishing import images
from tests import factories as make
from tests.rich_text import MAGAZINE, PHOTO
from tests.xss import PAYLOADS

pytestmark = pytest.mark.django_db

SITE = "https://kexie.example"
# What a pasted element needs to look as it does here: everything that shows, but the table's
# row groups and the line breaks.
STYLED = {
    "section", "h1", "h2", "h3", "p", "blockquote", "ul", "ol", "li", "a", "strong", "i", "u", "s", "sub",
    "sup", "figure", "img", "figcaption", "table", "th", "td", "pre", "code", "hr",
}  # fmt: skip


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.PERIODICAL_NAME = "科协通讯"


@pytest.fixture
def article(published_issue):
    """A feature with every kind of rich text the editor writes, two captioned photos and a 供稿 credit."""
    return make.typical_article(published_issue, photos=2, body="".join(s.html for s in MAGAZINE))


def copied(article):
    return wechat_article.article_html(Article.objects.for_detail().get(pk=article.pk))


def elements(markup):
    fragment = html5lib.parseFragment(markup, treebuilder="etree", namespaceHTMLElements=False)
    return list(fragment.iter())[1:]


def text_of(markup):
    fragment = html5lib.parseFragment(markup, treebuilder="etree", namespaceHTMLElements=False)
    return "".join(fragment.itertext())


# The HTML ------------------------------------------------------------------------------------


def test_every_element_that_shows_carries_its_look_inline(article):
    found = elements(copied(article))

    assert {e.tag for e in found} >= STYLED
    unstyled = [e.tag for e in found if e.tag in STYLED and not e.get("style")]
    assert unstyled == []


def test_nothing_is_left_that_the_official_accounts_editor_strips_or_refuses(article):
    article.body += "".join(f"<p>{payload}</p>" for payload in PAYLOADS)
    article.save()

    found = elements(copied(article))

    assert [e.tag for e in found if e.tag in {"style", "script", "link", "iframe", "svg", "object"}] == []
    assert [e.tag for e in found if e.get("class") is not None] == []
    assert [(e.tag, name) for e in found for name in e.attrib if name.startswith("on")] == []
    assert [e.get("href") for e in found if (e.get("href") or "").lower().startswith(("javascript:", "data:"))] == []


def test_the_editors_alignment_and_image_width_win_over_the_default_look(article):
    found = elements(copied(article))

    centred = next(e for e in found if e.tag == "p" and "居中的题记" in (e.text or ""))
    resized = next(e for e in found if e.tag == "figure" and "width:50%" in e.get("style"))
    assert centred.get("style").endswith("text-align:justify;text-align:center;")
    assert resized.get("style").endswith("width:50%;")


def test_images_are_absolute_addresses_of_renditions_a_phone_needs(article):
    uploaded = images.store_image(make.image_upload("field.jpg", size=(1600, 1200)))
    article.body = f'<figure class="image"><img src="/media/{uploaded}" alt="田间"></figure>'
    article.save()

    sources = [e.get("src") for e in elements(copied(article)) if e.tag == "img"]

    assert sources[0] == f"{SITE}/media/renditions/{uploaded}/960w.jpg"
    photos = [photo.image.name for photo in article.photos.all()]
    assert sources[1:] == [f"{SITE}/media/renditions/{name}/800w.jpg" for name in photos]


def test_an_image_that_cannot_be_read_keeps_its_own_absolute_address(article):
    article.body = f'<figure class="image"><img src="{PHOTO}" alt="缺失的图片"></figure>'
    article.save()

    (first, *_photos) = [e.get("src") for e in elements(copied(article)) if e.tag == "img"]

    assert first == f"{SITE}{PHOTO}"


def test_the_framing_names_the_article_its_photos_credit_and_page_on_the_web(article):
    markup = copied(article)
    found = elements(markup)
    text = text_of(markup)

    assert text.startswith("科普进基层：科普大篷车开进山区学校——省科协“科普进万家”活动侧记文_省科协科普部 王晓 李可")
    captions = [e for e in found if e.tag == "figcaption" and "科普大篷车活动现场" in "".join(e.itertext())]
    assert ["".join(e.itertext()) for e in captions] == [
        "科普大篷车活动现场1　摄影：张伟",
        "科普大篷车活动现场2　摄影：张伟",
    ]
    assert "（供稿：省科协科普部）" in text
    url = f"{SITE}{article.get_absolute_url()}"
    assert f"本文刊于《科协通讯》2026年第2期（总第122期）第12—14页。网络版：{url}" in text
    assert [e.get("href") for e in found if e.tag == "a"][-1] == url


def test_web_news_links_back_as_news():
    news = make.news(title="省科协开展科普志愿服务活动", body="<p>志愿者走进社区。</p>")

    assert "本文为《科协通讯》网站新闻。网络版：" in text_of(copied(news))


def test_text_that_quotes_markup_stays_text_and_code_keeps_its_lines(article):
    text = text_of(copied(article))

    assert "<img src=x onerror=alert(1)> 是一段攻击代码。" in text
    assert 'if (a < b && c > d) {\n    print("小于");\n}' in text
    assert "R&D 投入 < 5% 时" in text


# The staff page ------------------------------------------------------------------------------


def page_url(article):
    return reverse("admin:bulletin_article_wechat", args=[article.pk])


def test_staff_get_the_article_ready_to_copy_with_how_to_paste_it(staff_client, article):
    response = staff_client.get(page_url(article))

    assert response.status_code == 200
    content = response.content.decode()
    assert str(response.context["article_html"]) in content
    assert 'id="wechat-copy"' in content and "js/wechat-copy.js" in content
    assert "Ctrl+V" in content and "原文链接" in content
    assert "no-store" in response["Cache-Control"]


def test_the_article_page_links_to_it_once_published(staff_client, article, published_issue):
    draft = make.article(published_issue, title="尚未发布的稿件", status=make.DRAFT)

    published_page = staff_client.get(reverse("admin:bulletin_article_change", args=[article.pk]))
    draft_page = staff_client.get(reverse("admin:bulletin_article_change", args=[draft.pk]))

    assert f'href="{page_url(article)}"' in published_page.content.decode()
    assert "复制到公众号" not in draft_page.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_people_outside_the_editorial_office_are_sent_to_sign_in(client, article, who):
    if who == "reader":
        client.force_login(make.user("reader"))

    response = client.get(page_url(article))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert article.title not in response.content.decode()


def test_staff_without_the_right_to_read_articles_are_refused(client, newsroom, article):
    client.force_login(newsroom.nobody)

    response = client.get(page_url(article))

    assert response.status_code == 403
    assert "科普大篷车" not in response.content.decode()


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("draft", "本稿尚未发布（当前状态：草稿）"),
        ("withdrawn", "本稿尚未发布（当前状态：已撤稿）"),
        ("scheduled", "本稿定时于"),
        ("unreleased issue", "本稿所属的2026年第3期尚未发行"),
    ],
)
def test_articles_readers_cannot_see_are_refused_with_the_reason(
    staff_client, published_issue, draft_issue, state, reason
):
    fields = {
        "draft": {"status": make.DRAFT},
        "withdrawn": {"status": make.WITHDRAWN},
        "scheduled": {"published_at": timezone.now() + timedelta(days=1)},
        "unreleased issue": {"issue": draft_issue},
    }[state]
    article = make.article(
        fields.pop("issue", published_issue), title="读者还看不到的稿件", body="<p>正文</p>", **fields
    )

    response = staff_client.get(page_url(article))

    assert response.status_code == 409
    content = response.content.decode()
    assert reason in content and "只有读者已经能在网站上看到的稿件，才能复制到公众号" in content
    assert 'id="wechat-copy"' not in content and 'id="wechat-article"' not in content
