"""The editors' admin at a laptop (1280×900) and a phone (390×844): no page scrolls sideways, the
article list shows titles on a line or two, and deciding a selection works from the list.

Screenshots go to ``test-artifacts/`` for people to look at.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from bulletin import workflow
from bulletin.models import Article
from publishing.models import PublicationStatus as S
from tests import factories as make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SIZES = [(1280, 900), (390, 844)]
TITLES = [
    "省科协召开全省科协系统党史学习教育动员大会暨理论中心组学习会",
    "科普大篷车开进大别山区六所乡村小学",
    "我省院士专家工作站建设经验在全国交流",
]


def log_in(page, live_server, username, next_url):
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(make.PASSWORD)
    page.get_by_role("button", name="登录").click()
    # The admin's list actions bind their checkboxes on the load event; acting before it
    # would tick the box without selecting the rows.
    page.wait_for_url(lambda url: url.endswith(next_url), wait_until="load")


def scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


@pytest.fixture
def desk():
    """An issue of 65 articles in review, written by one editor, waiting for the first stage."""
    make.migrations_seed()
    issue = make.draft_issue(year=2026, number=5, running_number=125)
    author = make.editor("bianji")
    sections = [make.section(name) for name in ("要情快报", "科协动态", "基层风采")]
    for n in range(65):
        make.in_review(
            issue,
            at="初审",
            by=author,
            section=sections[n % 3],
            title=f"{TITLES[n % 3]}（{n + 1}）",
            first_page=1 + n % 40,
            last_page=2 + n % 40,
        )
    return issue


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_article_list_shows_titles_on_a_line_or_two_without_sideways_scrolling(
    live_server, new_page, desk, width, height
):
    page = new_page(width=width, height=height)
    log_in(page, live_server, "bianji", "/admin/bulletin/article/")
    expect(page.locator("#result_list")).to_be_visible()
    shoot(page, f"admin-article-list-{width}")

    assert scroll_width(page) <= width
    table = page.locator("#result_list").bounding_box()
    first_title = page.locator("#result_list tbody th.field-title_display").first
    expect(first_title.get_by_role("link")).to_be_visible()
    assert first_title.bounding_box()["width"] >= table["width"] / 3
    # An inline link has one box per line it is laid out on.
    lines = page.locator("#result_list tbody th.field-title_display a").evaluate_all(
        "links => links.map(link => link.getClientRects().length)"
    )
    assert len(lines) == 65
    assert max(lines) <= 2


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_article_form_with_photos_does_not_scroll_sideways(live_server, new_page, desk, width, height):
    article = Article.objects.filter(issue=desk).first()
    for n in range(2):
        make.photo(article, caption=f"活动现场照片{n}，科普志愿者为学生讲解展品", credit="省科协办公室")
    page = new_page(width=width, height=height)
    log_in(page, live_server, "bianji", f"/admin/bulletin/article/{article.pk}/change/")
    expect(page.locator("#article_form")).to_be_visible()
    shoot(page, f"admin-article-form-{width}")

    assert scroll_width(page) <= width


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_column_of_the_production_board_is_in_view(live_server, new_page, desk, width, height):
    make.chief("zhubian")
    page = new_page(width=width, height=height)
    log_in(page, live_server, "zhubian", f"/admin/review/issues/{desk.pk}/board/")
    columns = page.locator(".review-column")
    expect(columns.first).to_be_visible()
    shoot(page, f"admin-board-{width}")

    assert scroll_width(page) <= width
    rights = columns.evaluate_all("columns => columns.map(column => column.getBoundingClientRect().right)")
    assert len(rights) == 7
    assert max(rights) <= width


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_review_record_fits_the_screen(live_server, new_page, desk, width, height):
    make.chief("zhubian")
    author = make.editor("zuozhe")
    article = make.draft(desk, by=author, title=TITLES[0])
    workflow.submit(article, by=author)
    workflow.send_back(article, by=make.reviewer("chushen"), comment="第三段的数据请与统计公报核对后再提交")
    workflow.submit(article, by=author)
    workflow.approve(article, by=make.reviewer("chushen2"), comment="已核对，同意")
    page = new_page(width=width, height=height)
    log_in(page, live_server, "zhubian", f"/admin/review/articles/{article.pk}/record/")
    expect(page.locator("table.record-table").first).to_be_visible()
    shoot(page, f"admin-review-record-{width}")

    assert scroll_width(page) <= width


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_large_photo_in_a_first_submission_keeps_to_the_diff_column(
    live_server, new_page, desk, media_root, width, height
):
    make.chief("zhubian")
    (media_root / "editor").mkdir(parents=True)
    (media_root / "editor" / "huichang.jpg").write_bytes(make.image_bytes("JPEG", size=(800, 600)))
    photo = '<figure class="image"><img src="/media/editor/huichang.jpg" width="800" height="600" alt="会场"></figure>'
    article = make.in_review(desk, at="初审", by=make.editor("zuozhe"), body=f"<p>会场全景。</p>{photo}")
    page = new_page(width=width, height=height)
    log_in(page, live_server, "zhubian", f"/admin/review/articles/{article.pk}/diff/")
    image = page.locator(".review-field__text img")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") == 800

    column = page.locator(".review-field__text").bounding_box()
    assert image.bounding_box()["width"] <= column["width"]
    assert scroll_width(page) <= width


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_reviewer_approves_a_selection_from_the_list(live_server, new_page, desk, width, height):
    make.reviewer("shenhe")
    page = new_page(width=width, height=height)
    log_in(page, live_server, "shenhe", "/admin/bulletin/article/?status__exact=in_review")
    expect(page.locator("#result_list")).to_be_visible()

    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("65 个中的 65 个")
    page.locator("select[name=action]").select_option("approve_selected")
    page.get_by_role("button", name="执行").click()

    expect(page.locator(".messagelist .success")).to_contain_text("已审核通过")
    shoot(page, f"admin-bulk-approval-{width}")
    assert scroll_width(page) <= width
    approved = Article.objects.filter(issue=desk, review_stage__name="复审", status=S.IN_REVIEW).count()
    assert approved == 65  # every row of the list, each decided and logged on its own
