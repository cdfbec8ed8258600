"""Reading in WeChat's in-app browser: its user agent, at the size of a phone's screen less WeChat's
own bars. Pages fit the width, their text is readable, their links lead on, and nothing on them
fails; with the official account configured, a page shared from WeChat carries its own card."""

import copy
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from playwright.sync_api import expect

from bulletin.models import Article
from tests import factories as make
from tests.e2e.test_admin_layout import log_in
from tests.rich_text import MAGAZINE, PHOTO
from tests.wechat_api import APPID, SECRET, fake_wechat
from website import wechat as share

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# WeChat 8.0.47 on Android (its XWEB engine) and on an iPhone.
ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 "
    "MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
)
# The screen less the status bar and WeChat's title bar (and the iPhone's home indicator).
PHONES = {
    "android": {"width": 360, "height": 568, "user_agent": ANDROID, "device_scale_factor": 3},
    "iphone": {"width": 390, "height": 719, "user_agent": IPHONE, "device_scale_factor": 3},
}
PAGES = ["home", "issue", "article", "search"]
# The smallest text a phone's reader is asked to read (captions, dates), and that of running text.
SMALLEST_TEXT_PX = 12
BODY_TEXT_PX = 15

# Every piece of text a reader can see, with its size: (px, tag, the text's start).
VISIBLE_TEXT = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const element = walker.currentNode.parentElement;
    if (!text || element.closest(".visually-hidden, .skip-link, [hidden], [aria-hidden=true]")) continue;
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (!box.width || !box.height || style.visibility === "hidden") continue;
    found.push([parseFloat(style.fontSize), element.tagName.toLowerCase(), text.slice(0, 20)]);
  }
  return found;
}"""


@pytest.fixture
def site(db):
    """An issue with its cover and a feature holding every kind of rich text, news, and a search."""
    default_storage.save(PHOTO.removeprefix("/media/"), ContentFile(make.image_bytes(size=(800, 600))))
    issue = make.issue(
        year=2026,
        number=2,
        running_number=122,
        theme="党史学习教育",
        cover_image=make.image_upload("cover.jpg", size=(600, 800), colour=(60, 110, 70)),
    )
    article = make.typical_article(
        issue,
        section=make.section("基层风采", order=40),
        body=make.typical_body() + "".join(s.html for s in MAGAZINE),
    )
    make.article(
        issue, title="省科协召开全委会议", section=make.section("科协动态", order=30), byline="文_省科协办公室"
    )
    for n in range(3):
        make.news(title=f"省科协开展科普志愿服务活动（{n + 1}）", summary="志愿者走进社区，讲解防灾减灾知识。")
    return {
        "home": reverse("bulletin:home"),
        "issue": issue.get_absolute_url(),
        "article": article.get_absolute_url(),
        "search": reverse("website:search") + "?q=科普",
    }


@pytest.fixture
def in_wechat(new_page):
    """``in_wechat(phone)``: a page in WeChat's browser on that phone, keeping what goes wrong on it."""

    def open_page(phone="android"):
        options = dict(PHONES[phone])
        page = new_page(options.pop("width"), options.pop("height"), is_mobile=True, has_touch=True, **options)
        page.problems = []
        page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.on("requestfailed", lambda request: page.problems.append(f"{request.url}: {request.failure}"))
        page.on("response", lambda response: response.status >= 400 and page.problems.append(response.url))
        return page

    return open_page


@pytest.mark.parametrize("phone", PHONES)
@pytest.mark.parametrize("name", PAGES)
def test_pages_fit_wechats_browser_and_read_well(live_server, in_wechat, site, name, phone):
    page = in_wechat(phone)
    width = PHONES[phone]["width"]

    response = page.goto(live_server.url + site[name], wait_until="load")
    page.evaluate("() => window.scrollTo(0, document.scrollingElement.scrollHeight)")
    page.wait_for_load_state("networkidle")

    assert response.status == 200
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= width, "the page scrolls sideways"
    text = page.evaluate(VISIBLE_TEXT)
    assert text, "no text shows"
    too_small = [found for found in text if found[0] < SMALLEST_TEXT_PX]
    assert too_small == [], f"text smaller than {SMALLEST_TEXT_PX} px"
    running = page.eval_on_selector_all(".prose p", "all => all.map(p => parseFloat(getComputedStyle(p).fontSize))")
    assert all(size >= BODY_TEXT_PX for size in running), running
    assert page.problems == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"wechat-{name}-{phone}.png", full_page=True)


def test_a_reader_finds_their_way_around_in_wechat(live_server, in_wechat, site):
    page = in_wechat("android")
    page.goto(live_server.url + site["home"])

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="往期").tap()
    page.wait_for_url("**/issues/")
    page.get_by_role("link", name="第2期").first.tap()
    page.wait_for_url(f"**{site['issue']}")
    page.get_by_role("link", name="科普大篷车开进山区学校").first.tap()
    page.wait_for_url(f"**{site['article']}")
    page.get_by_role("navigation", name="位置").get_by_role("link", name="2026年第2期").tap()
    page.wait_for_url(f"**{site['issue']}")
    page.get_by_role("searchbox", name="搜索").fill("全委会议")
    page.get_by_role("search").get_by_role("button", name="搜索").tap()
    page.wait_for_url("**/search/?q=*")
    page.get_by_role("link", name="省科协召开全委会议").first.tap()

    assert page.get_by_role("heading", level=1).inner_text() == "省科协召开全委会议"
    assert page.problems == []


# Sharing from WeChat -------------------------------------------------------------------------

# WeChat's SDK as far as the share script uses it: it keeps what it was told.
JWEIXIN = """
window.shared = {};
window.wx = {
  config: function (options) { shared.config = options; },
  ready: function (callback) { setTimeout(callback, 0); },
  error: function () {},
  updateAppMessageShareData: function (data) { shared.chat = data; },
  updateTimelineShareData: function (data) { shared.moments = data; },
};
"""


@pytest.fixture
def official_account(settings, live_server):
    """The official account configured as in production, WeChat's API on loopback."""
    with fake_wechat() as api:
        settings.WECHAT_APPID, settings.WECHAT_APPSECRET, settings.WECHAT_API_URL = APPID, SECRET, api.url
        settings.SITE_URL = live_server.url
        # What config.settings adds to the policy when both keys are set (tests/website/test_wechat.py).
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["script-src"].append("https://res.wx.qq.com")
        policy["DIRECTIVES"]["img-src"].append("https://open.weixin.qq.com")
        settings.CONTENT_SECURITY_POLICY = policy
        yield api


def sdk_requests(page):
    asked = []
    page.route(
        "https://res.wx.qq.com/**",
        lambda route: asked.append(route.request.url) or route.fulfill(body=JWEIXIN, content_type="text/javascript"),
    )
    return asked


def test_an_article_shared_from_wechat_carries_its_own_card(live_server, in_wechat, site, official_account):
    page = in_wechat("iphone")
    asked = sdk_requests(page)

    # As WeChat opens a link shared to a chat.
    page.goto(f"{live_server.url}{site['article']}?from=singlemessage&isappinstalled=0")
    page.wait_for_function("() => window.shared && window.shared.moments")
    shared = page.evaluate("() => window.shared")

    assert asked == ["https://res.wx.qq.com/open/js/jweixin-1.6.0.js"]
    config = shared["config"]
    assert config["appId"] == APPID and config["debug"] is False
    assert config["signature"] == share.signature(
        ticket=official_account.ticket, nonce=config["nonceStr"], timestamp=config["timestamp"], url=page.url
    )
    canonical = f"{live_server.url}{site['article']}"
    picture = shared["chat"]["imgUrl"]
    assert shared["chat"] == {
        "title": "科普大篷车开进山区学校",
        "desc": "科普大篷车走进山区学校和乡村社区，把机器人、天文望远镜和农业科技知识送到群众身边。",
        "link": canonical,
        "imgUrl": picture,
    }
    assert shared["moments"] == {"title": "科普大篷车开进山区学校", "link": canonical, "imgUrl": picture}
    assert picture.startswith(f"{live_server.url}/media/renditions/") and picture.endswith("/300sq.jpg")
    square = page.request.get(picture)
    assert square.status == 200 and square.headers["content-type"] == "image/jpeg"
    assert page.problems == []


def test_outside_wechat_the_share_script_does_nothing(live_server, new_page, site, official_account):
    page = new_page()
    asked = sdk_requests(page)
    signed = []
    page.on("request", lambda request: "/wechat/jssdk/" in request.url and signed.append(request.url))

    page.goto(live_server.url + site["article"], wait_until="networkidle")

    assert page.locator("script[src*='wechat-share']").count() == 1
    assert asked == [] and signed == []
    assert official_account.requests == []


# 复制到公众号 ------------------------------------------------------------------------------


def test_the_copy_button_puts_the_article_on_the_clipboard_as_styled_html(live_server, new_page, site, settings):
    # The site's public address is the admin's too, so the preview shows the images it links to.
    settings.SITE_URL = live_server.url
    make.editor("bianji")
    article = Article.objects.get(title="科普大篷车开进山区学校")
    page = new_page(1280, 900)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    log_in(page, live_server, "bianji", reverse("admin:bulletin_article_change", args=[article.pk]))

    page.get_by_role("link", name="复制到公众号").click()
    # The button's script is deferred: pressed before the page has loaded, the press does nothing.
    page.wait_for_url(re.compile(r"/wechat/$"), wait_until="load")
    page.get_by_role("button", name="复制").click()

    expect(page.get_by_role("status")).to_have_text(re.compile("^已复制"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "wechat-copy.png", full_page=True)
    copied = page.evaluate(
        """async () => {
          const [item] = await navigator.clipboard.read();
          return {html: await (await item.getType("text/html")).text(), text: await (await item.getType("text/plain")).text()};
        }"""
    )
    assert 'style="' in copied["html"] and "class=" not in copied["html"]
    assert f'src="{live_server.url}/media/renditions/' in copied["html"]
    assert copied["text"].startswith("科普进基层：")
    assert "（供稿：省科协科普部）" in copied["text"]
