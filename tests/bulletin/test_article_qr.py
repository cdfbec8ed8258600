"""The QR code on an article's page, for a reader at a desktop who goes on reading on a phone.

Only a public page carries one, and it leads to that page's public address. A preview carries
none, not even the preview of a published article: its text is not what that address shows, or
the address shows nothing yet. Whether it shows on a phone's screen is the browser's to say
(tests/e2e/test_article_qr.py).
"""

import pytest
from django.urls import reverse

from publishing import qr
from tests import factories as make
from tests.print.conftest import require_poppler
from tests.qr_codes import svg_texts
from tests.xss import dangers

pytestmark = pytest.mark.django_db

SITE_URL = "https://www.kexie.example.cn"
LABEL = "手机扫码继续阅读"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


def code_address(page):
    """The address of the page's QR code image, or None."""
    figure = page.find("figure", class_="phone-qr")
    return figure.find("img", class_="qr").element.get("src") if figure else None


@pytest.mark.parametrize("kind", ["in an issue", "web news"])
def test_an_article_page_shows_a_code_of_its_public_address(client, read_page, published_issue, kind):
    require_poppler()
    article = make.article(published_issue if kind == "in an issue" else None, title="科普大篷车开进山区学校")

    page = read_page(client.get(article.get_absolute_url()))
    image = client.get(code_address(page))

    assert page.find("figcaption", class_="phone-qr__label").text == LABEL
    assert page.find("img", class_="qr").element.get("alt") == "本文网址的二维码"
    assert image.status_code == 200
    assert image["Content-Type"] == "image/svg+xml"
    assert svg_texts(image.content.decode()) == [f"{SITE_URL}{article.get_absolute_url()}"]


def test_the_code_is_an_image_the_content_security_policy_lets_through(client, read_page, published_issue):
    article = make.article(published_issue)

    code = client.get(code_address(read_page(client.get(article.get_absolute_url())))).content.decode()

    assert dangers(code) == []
    assert "style" not in code  # neither a <style> element nor a style attribute
    assert code.startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_the_page_itself_draws_no_code(client, published_issue, monkeypatch):
    """Drawing a code costs milliseconds; an article page built afresh must not pay them."""
    url = make.typical_article(published_issue).get_absolute_url()

    def refuse(*args, **kwargs):
        raise AssertionError("the article page drew a QR code")

    monkeypatch.setattr(qr.segno, "make", refuse)

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("state", ["draft", "in an unreleased issue", "withdrawn"])
def test_no_code_for_what_readers_cannot_see(client, state):
    article = {
        "draft": lambda: make.article(make.issue(), status=make.DRAFT),
        "in an unreleased issue": lambda: make.article(make.draft_issue()),
        "withdrawn": lambda: make.article(make.issue(), status=make.WITHDRAWN),
    }[state]()

    assert client.get(reverse("bulletin:article-qr-code", args=[article.pk])).status_code == 404


@pytest.mark.parametrize("status", [make.DRAFT, make.PUBLISHED])
def test_a_staff_preview_carries_no_code(newsroom, client, status):
    article = make.article(make.issue(), status=status)
    client.force_login(newsroom.author)

    response = client.get(reverse("bulletin:preview-article", args=[article.pk]))

    assert response.status_code == 200
    assert LABEL not in response.content.decode()


def test_a_share_link_preview_carries_no_code(newsroom, client, read_page):
    article = make.in_review(at="初审", by=newsroom.author, title="全省科协系统动员大会召开")
    client.force_login(newsroom.reviewer)
    page = read_page(client.post(reverse("review:share-link-create", args=[article.pk]), follow=True))
    [address] = [href for _, href in page.anchors() if "/preview/shared/" in href]
    client.logout()

    response = client.get(address)

    assert response.status_code == 200
    assert LABEL not in response.content.decode()
