"""Every public page type, on a phone (375 px) and a desktop (1,280 px), checked by axe-core.

axe-core (npm, pinned by package-lock.json; ``npm ci`` installs it) is injected into each page
and must find no serious or critical violation. The page must not scroll sideways on a phone,
must not jump while it loads, and must run no JavaScript of its own. A screenshot of each page
goes to test-artifacts/<page>-<width>.png (not committed), for a person to look at.
"""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tests import factories as make
from tests.rich_text import MAGAZINE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
WIDTHS = [375, 1280]
PAGES = ["home", "issue", "article", "rich-text", "search", "events", "people", "archive", "section", "person", "event"]
BLOCKING = {"serious", "critical"}

# Sum of the layout shifts the page made while loading (Cumulative Layout Shift).
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 200);
})"""


@pytest.fixture
def site(db):
    """A small periodical: an issue with a cover and a few articles, news, people and events."""
    issue = make.issue(
        year=2026,
        number=2,
        running_number=122,
        theme="党史学习教育",
        cover_caption="科技工作者在田间查看小麦长势",
        cover_image=make.image_upload("cover.jpg", size=(600, 800), colour=(60, 110, 70)),
    )
    leader = make.section("卷首", order=1, show_heading=False)
    news = make.section("科协动态", order=30)
    make.article(issue, title="致全省科技工作者的倡议书", section=leader, byline="省科协", first_page=1)
    article = make.typical_article(issue, section=make.section("基层风采", order=40))
    make.article(issue, title="省科协召开全委会议", section=news, byline="文_省科协办公室", first_page=25)
    make.article(issue, kicker="难解之谜：", title="地球内部有什么", section=make.section("科海观澜", order=50))
    rich_text = make.article(issue, title="编辑常用的排版", section=news, body="".join(s.html for s in MAGAZINE))
    for n in range(3):
        make.news(title=f"省科协开展科普志愿服务活动（{n + 1}）", summary="志愿者走进社区，讲解防灾减灾知识。")
    person = article.people.first()
    earlier = make.news(title="山区学校建起科普活动室", section=article.section, summary="孩子们在活动室里动手做实验。")
    make.link(earlier, person)
    event = make.event(
        title="2026年全省科普讲解大赛",
        place="省科技馆",
        organiser="省科协",
        articles=[article],
        people=[person],
    )
    make.event(title="科技工作者座谈会", start_date=timezone.localdate() - timedelta(days=30), place="郑州")
    return {
        "home": reverse("bulletin:home"),
        "issue": issue.get_absolute_url(),
        "article": article.get_absolute_url(),
        "rich-text": rich_text.get_absolute_url(),
        "events": reverse("events:event-list"),
        "people": reverse("people:person-list"),
        "archive": reverse("bulletin:issue-archive"),
        "section": news.get_absolute_url(),
        "person": person.get_absolute_url(),
        "event": event.get_absolute_url(),
    }


def url_of(site, name):
    if name != "search":
        return site[name]
    try:
        # Articles with the words together and with them apart: both lists and the line between.
        return reverse("website:search") + "?q=科普讲解"
    except NoReverseMatch:
        pytest.skip("the search page (URL name website:search) does not exist yet")


def describe(violations):
    return "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(json.dumps(n['target']) for n in v['nodes'])}"
        for v in violations
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_problem(live_server, new_page, axe_script, site, name, width):
    page = new_page(width=width, height=800)
    response = page.goto(live_server.url + url_of(site, name), wait_until="load")
    assert response.status == 200
    own_scripts = page.evaluate(
        "() => [...document.scripts].filter(s => s.type !== 'application/ld+json').map(s => s.src || 'inline')"
    )
    layout_shift = page.evaluate(LAYOUT_SHIFT)
    scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")

    # Scroll through the page so the lazily loaded photos are in the screenshot.
    page.evaluate("() => window.scrollTo(0, document.scrollingElement.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.evaluate("() => window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}-{width}.png", full_page=True)
    # Served as if from the site: the Content-Security-Policy (script-src 'self') refuses inline script.
    axe_url = f"{live_server.url}/__axe.min.js"
    page.route(axe_url, lambda route: route.fulfill(path=axe_script, content_type="text/javascript"))
    page.add_script_tag(url=axe_url)
    results = page.evaluate("async () => await axe.run()")

    # Shown with -rP: what axe checked and the minor findings it would not fail the page for.
    print(
        f"{name} at {width} px: {len(results['passes'])} rules passed; violations:",
        describe(results["violations"]) or "none",
    )
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core found on {name} at {width} px:\n{describe(blocking)}"
    assert own_scripts == [], "public pages run no JavaScript"
    assert layout_shift < 0.05, f"the page shifted while loading (CLS {layout_shift:.3f})"
    assert scroll_width <= width, f"the page scrolls sideways: {scroll_width} px wide at {width} px"
