"""Sharing inside WeChat: the JS-SDK signature, the token and ticket kept in the shared cache, the
uncached endpoint that signs a page, and what pages carry with and without the official account."""

import io
import json
import logging
import sys
import threading
import time

import pytest
from django.urls import reverse
from PIL import Image

from tests import factories as make
from tests.bulletin.test_seo import Head
from tests.faults import free_port
from tests.test_settings import run_with_settings
from tests.wechat_api import APPID, SECRET, TICKET_PATH, TOKEN_PATH, fake_wechat
from website import wechat as share

pytestmark = pytest.mark.django_db

SITE = "https://kexie.example"
JSSDK = reverse("website:wechat-jssdk")
PAGE = f"{SITE}/issues/2026/2/yuan-shi-zhuan-jia/"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def official_account(settings):
    settings.WECHAT_APPID, settings.WECHAT_APPSECRET = APPID, SECRET


@pytest.fixture
def wechat(settings, official_account):
    """The official account configured, and WeChat's API answering on loopback."""
    with fake_wechat() as api:
        settings.WECHAT_API_URL = api.url
        yield api


class Clock:
    """``time`` as the signing module sees it, moved on by hand; sleeping is real."""

    def __init__(self):
        self.offset = 0

    def time(self):
        return time.time() + self.offset

    @staticmethod
    def sleep(seconds):
        time.sleep(seconds)


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(share, "time", moved)
    return moved


def sign(client, url=PAGE, **headers):
    return client.get(JSSDK, {"url": url}, **headers)


def signed_with(config, ticket, url=PAGE):
    return config["signature"] == share.signature(
        ticket=ticket, nonce=config["nonceStr"], timestamp=config["timestamp"], url=url
    )


# The signature -------------------------------------------------------------------------------


def test_the_signature_is_the_one_in_wechats_documentation():
    assert (
        share.signature(
            ticket="sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
            nonce="Wm3WZYTPz0wzccnW",
            timestamp=1414587457,
            url="http://mp.weixin.qq.com?params=value",
        )
        == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
    )


def test_the_signature_leaves_out_the_fragment_of_the_address():
    fields = {"ticket": "t", "nonce": "n", "timestamp": 1}

    assert share.signature(url=f"{PAGE}#photos", **fields) == share.signature(url=PAGE, **fields)
    assert share.signature(url=f"{PAGE}?from=singlemessage", **fields) != share.signature(url=PAGE, **fields)


# Token and ticket ----------------------------------------------------------------------------


def test_a_page_is_signed_with_the_ticket_wechat_gave(client, wechat):
    response = sign(client)

    assert response.status_code == 200
    config = response.json()
    assert config["available"] is True
    assert config["appId"] == APPID
    assert config["jsApiList"] == ["updateAppMessageShareData", "updateTimelineShareData"]
    assert signed_with(config, wechat.ticket)


def test_token_and_ticket_are_fetched_once_then_served_from_the_cache(client, wechat):
    answers = [sign(client).json() for _ in range(5)]

    assert wechat.asked(TOKEN_PATH) == 1
    assert wechat.asked(TICKET_PATH) == 1
    assert all(signed_with(config, wechat.ticket) for config in answers)
    assert len({config["nonceStr"] for config in answers}) == 5


def test_many_pages_at_once_wait_for_one_fetch(wechat):
    wechat.delay = 0.3
    configs = []

    def sign_one():
        configs.append(share.jssdk_config(PAGE))

    threads = [threading.Thread(target=sign_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert wechat.asked(TOKEN_PATH) == 1
    assert wechat.asked(TICKET_PATH) == 1
    assert len(configs) == 8 and all(config and signed_with(config, wechat.ticket) for config in configs)


def test_the_ticket_is_renewed_before_it_expires(client, wechat, clock):
    sign(client)
    first_ticket = wechat.ticket

    clock.offset = 7200 - share.REFRESH_MARGIN - 10
    assert signed_with(sign(client).json(), first_ticket)
    assert wechat.asked(TICKET_PATH) == 1

    clock.offset = 7200 - share.REFRESH_MARGIN + 10
    config = sign(client).json()

    assert wechat.asked(TOKEN_PATH) == 2
    assert wechat.asked(TICKET_PATH) == 2
    assert wechat.ticket != first_ticket and signed_with(config, wechat.ticket)


def test_a_failed_renewal_keeps_signing_with_the_ticket_still_valid(client, wechat, clock, caplog):
    sign(client)
    ticket = wechat.ticket
    wechat.error = (-1, "system error")
    clock.offset = 7200 - share.REFRESH_MARGIN + 10

    with caplog.at_level(logging.WARNING, logger="website.wechat"):
        config = sign(client).json()

    assert config["available"] is True and signed_with(config, ticket)
    assert "errcode -1" in caplog.text


def test_a_token_ended_by_another_fetch_is_replaced_once(client, wechat):
    sign(client)
    wechat.end_token()
    # The ticket is gone from the cache (evicted, or Redis emptied) while the token stays.
    share.cache.delete(share.TICKET_KEY)

    config = sign(client).json()

    assert config["available"] is True and signed_with(config, wechat.ticket)
    assert wechat.asked(TOKEN_PATH) == 2


# WeChat failing ------------------------------------------------------------------------------


def test_an_error_from_wechat_is_logged_and_the_page_keeps_wechats_plain_card(client, wechat, caplog):
    wechat.error = (40164, "invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist")

    with caplog.at_level(logging.ERROR, logger="website.wechat"):
        response = sign(client)

    assert response.status_code == 200
    assert response.json() == {"available": False, "detail": "暂时无法连接微信，分享时显示微信的默认样式。"}
    assert "errcode 40164" in caplog.text and "not in whitelist" in caplog.text
    assert SECRET not in caplog.text


def test_wechat_is_not_asked_again_at_once_after_a_failure(client, wechat):
    wechat.error = (45009, "reach max api daily quota limit")
    sign(client)
    wechat.error = None

    assert sign(client).json()["available"] is False
    assert wechat.asked(TOKEN_PATH) == 1


def test_wechat_answering_too_slowly_gives_no_500(client, wechat, monkeypatch, caplog):
    monkeypatch.setattr(share, "TIMEOUT_SECONDS", 0.2)
    wechat.delay = 1

    with caplog.at_level(logging.ERROR, logger="website.wechat"):
        response = sign(client)

    assert response.status_code == 200 and response.json()["available"] is False
    assert "timed out" in caplog.text


def test_wechat_out_of_reach_gives_no_500(client, settings, official_account):
    settings.WECHAT_API_URL = f"http://127.0.0.1:{free_port()}"

    response = sign(client)

    assert response.status_code == 200 and response.json()["available"] is False


# The endpoint --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/issues/2026/2/",
        "//evil.example/",
        "https://kexie.example@evil.example/",
        "http://testserver/issues/2026/2/",
        "javascript:alert(1)//kexie.example/",
        "/issues/2026/2/",
        "",
        f"{SITE}/" + "a" * 3000,
    ],
)
def test_only_this_sites_pages_are_signed(client, wechat, url):
    response = sign(client, url)

    assert response.status_code == 400
    assert response.json() == {"detail": "只能为本站的网页生成微信分享签名。"}
    assert wechat.requests == []


def test_the_signature_is_never_cached(client, wechat, settings):
    settings.EDGE_PURGE_URLS = ["http://varnish.test/"]

    first, second = sign(client), sign(client)

    for response in (first, second):
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control
        assert not response.has_header("xkey") and not response.has_header("Surrogate-Key")
        assert response.get("X-Page-Cache") is None
    assert first.json()["nonceStr"] != second.json()["nonceStr"]


def test_without_the_official_account_nothing_is_signed(client):
    response = sign(client)

    assert response.status_code == 404
    assert response.json() == {"detail": "本站未配置微信公众号，不提供微信分享签名。"}


def test_the_site_answers_wechats_check_of_its_domain(client, settings):
    settings.WECHAT_DOMAIN_VERIFICATION = "Xq3T9bLm2Kp8"

    response = client.get("/MP_verify_Xq3T9bLm2Kp8.txt")

    assert response.status_code == 200 and response.content == b"Xq3T9bLm2Kp8"
    assert response["Content-Type"].startswith("text/plain")
    assert client.get("/MP_verify_other.txt").status_code == 404


def test_without_a_verification_code_there_is_no_such_file(client):
    assert client.get("/MP_verify_.txt").status_code == 404
    assert client.get("/MP_verify_Xq3T9bLm2Kp8.txt").status_code == 404


# Pages ---------------------------------------------------------------------------------------


@pytest.fixture
def article(published_issue):
    obj = make.article(published_issue, title="院士专家进企业", summary="省科协组织院士专家深入企业开展技术服务。")
    make.photo(obj, image=make.image_upload("wide.jpg", size=(1200, 800)), alt="专家在车间查看设备")
    return obj


def share_scripts(content):
    head = Head(content)
    return [s for s in head.scripts if "wechat-share" in (s.get("src") or "")], head


def square_addresses(head):
    return [e.get("content") for e in head.element.iter("meta") if e.get("itemprop") == "image"]


def square_address(head):
    (address,) = square_addresses(head)
    return address


def square_of(client, head):
    address = square_address(head)
    assert address.startswith(f"{SITE}/media/renditions/")
    response = client.get(address.removeprefix(SITE))
    assert response.status_code == 200
    with Image.open(io.BytesIO(b"".join(response))) as image:
        return image.format, image.size, image.getpixel((150, 150))


def test_without_the_official_account_pages_carry_no_script_and_keep_open_graph(client, article, media_root):
    for url in (reverse("bulletin:home"), article.get_absolute_url()):
        response = client.get(url)
        scripts, head = share_scripts(response.content.decode())

        assert scripts == []
        assert "res.wx.qq.com" not in response.content.decode()
        assert "res.wx.qq.com" not in response["Content-Security-Policy"]
        assert head.meta("og:title") and head.meta("og:description") and head.meta("og:image")
        assert square_addresses(head) == []
    assert not (media_root / "renditions" / article.photos.get().image.name / "300sq.jpg").exists()


def test_with_the_official_account_pages_carry_the_share_script(client, wechat, article):
    response = client.get(article.get_absolute_url())
    scripts, _head = share_scripts(response.content.decode())
    (script,) = scripts

    assert script.get("data-sdk") == "https://res.wx.qq.com/open/js/jweixin-1.6.0.js"
    assert script.get("data-config") == JSSDK
    assert script.get("defer") is not None
    # The page holds nothing signed: the same copy serves every reader.
    assert wechat.requests == []


def content_security_policy(**environment):
    show_policy = [
        sys.executable,
        "-c",
        "import json; from config import settings; print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']))",
    ]
    result = run_with_settings(show_policy, DEBUG="1", **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_the_content_security_policy_admits_wechats_sdk_only_with_the_official_account():
    without = content_security_policy()
    with_account = content_security_policy(WECHAT_APPID=APPID, WECHAT_APPSECRET=SECRET)

    assert without["script-src"] == ["'self'"]
    assert with_account["script-src"] == ["'self'", "https://res.wx.qq.com"]
    assert "https://open.weixin.qq.com" in with_account["img-src"]
    assert "https://open.weixin.qq.com" not in without["img-src"]


def test_an_articles_share_card_has_a_square_picture_of_its_first_photo(client, official_account, article):
    head = Head(client.get(article.get_absolute_url()).content.decode())

    assert square_of(client, head)[:2] == ("JPEG", (300, 300))
    assert head.meta("og:image") != square_address(head)


def test_an_article_without_photos_shows_its_issues_cover_and_a_small_cover_is_enlarged(client, official_account):
    issue = make.issue(year=2026, number=4, cover_image=make.image_upload("cover.png", size=(120, 160)))
    article = make.article(issue, title="没有图片的稿件")

    head = Head(client.get(article.get_absolute_url()).content.decode())

    assert "issues/covers/" in square_address(head)
    assert square_of(client, head)[:2] == ("JPEG", (300, 300))


def test_a_transparent_picture_is_squared_on_white(client, official_account, published_issue):
    article = make.article(published_issue, title="透明背景的图片")
    logo = make.image_upload("logo.png", content_type="image/png", format="PNG", mode="RGBA", colour=(0, 0, 0, 0))
    make.photo(article, image=logo)

    head = Head(client.get(article.get_absolute_url()).content.decode())

    assert square_of(client, head)[2] == pytest.approx((255, 255, 255), abs=2)
