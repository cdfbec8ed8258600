"""The QR code on an article's page as readers see it: at a desktop it shows and a phone's camera
reads the article's address from it; on a phone's screen it is not there.

A picture of the code as the browser drew it goes to test-artifacts/article-qr.png.
"""

import io
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests import factories as make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SITE_URL = "https://www.kexie.example.cn"


@pytest.fixture
def article_url(live_server, settings):
    settings.SITE_URL = SITE_URL
    article = make.typical_article(make.issue(year=2026, number=2, running_number=122), photos=1)
    return article.get_absolute_url()


def test_at_a_desktop_the_page_shows_a_code_a_phone_reads_the_address_from(live_server, new_page, article_url):
    page = new_page(width=1280, height=900)
    page.goto(live_server.url + article_url)

    code = page.locator(".phone-qr")
    expect(code).to_be_visible()
    expect(code).to_contain_text("手机扫码继续阅读")
    ARTIFACTS.mkdir(exist_ok=True)
    image = code.locator("img")
    # A lazy image: fetched when the reader comes near it, and only where it is laid out (wide screens).
    image.scroll_into_view_if_needed()
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=image.element_handle())
    picture = image.screenshot(path=ARTIFACTS / "article-qr.png")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture)), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [result.text for result in found] == [SITE_URL + article_url]


def test_on_a_phone_the_page_shows_no_code_and_fetches_none(live_server, new_page, article_url):
    page = new_page(width=390, height=844)
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(live_server.url + article_url)
    page.locator(".article__foot").scroll_into_view_if_needed()

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".phone-qr")).to_be_hidden()
    assert not [url for url in asked if url.endswith("/qr.svg")]  # a phone does not even fetch it
