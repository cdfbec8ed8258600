"""The issue page as a workspace: articles move within their section by dragging or by keyboard,
and into another section by dragging (or by choosing it in the row); saving stores the order."""

import pytest
from playwright.sync_api import expect

from bulletin.models import Article
from tests import factories as make
from tests.e2e.test_admin_layout import SIZES, log_in, scroll_width, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def issue():
    make.migrations_seed()
    make.chief("zhubian")
    issue = make.draft_issue(year=2026, number=5, running_number=125)
    author = make.editor("bianji")
    section = make.section("科协动态")
    for title in ("甲稿", "乙稿", "丙稿"):
        make.draft(issue, by=author, section=section, title=title)
    make.draft(issue, by=author, section=make.section("基层风采"), title="别的栏目")
    return issue


def order(issue):
    return list(Article.objects.filter(issue=issue).in_toc_order().values_list("title", flat=True))


def row(page, title):
    """The issue page's row of the article titled ``title``."""
    return page.locator("#articles-group tr.form-row", has=page.locator(f"input[value='{title}']"))


def drag_below(page, title, target):
    """Drag the row of ``title`` onto the lower half of the row of ``target``."""
    box = row(page, target).bounding_box()
    row(page, title).drag_to(row(page, target), target_position={"x": box["width"] / 2, "y": box["height"] - 2})


def save(page):
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_an_article_moves_up_its_section_from_the_keyboard(live_server, new_page, issue, width, height):
    page = new_page(width=width, height=height)
    log_in(page, live_server, "zhubian", f"/admin/bulletin/issue/{issue.pk}/change/")

    page.get_by_role("button", name="上移《丙稿》").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    shoot(page, f"admin-issue-reordered-{width}")
    save(page)

    assert order(issue) == ["丙稿", "甲稿", "乙稿", "别的栏目"]
    assert scroll_width(page) <= width


def test_an_article_is_dragged_to_a_new_place_in_its_section(live_server, new_page, issue):
    page = new_page(width=1280, height=900)
    log_in(page, live_server, "zhubian", f"/admin/bulletin/issue/{issue.pk}/change/")

    drag_below(page, "甲稿", "丙稿")
    save(page)

    assert order(issue) == ["乙稿", "丙稿", "甲稿", "别的栏目"]


def test_an_article_dragged_onto_another_section_moves_there(live_server, new_page, issue):
    page = new_page(width=1280, height=900)
    log_in(page, live_server, "zhubian", f"/admin/bulletin/issue/{issue.pk}/change/")

    drag_below(page, "甲稿", "别的栏目")
    save(page)

    assert order(issue) == ["乙稿", "丙稿", "别的栏目", "甲稿"]
    assert Article.objects.get(title="甲稿").section.name == "基层风采"
    assert list(
        Article.objects.filter(issue=issue, section__name="科协动态")
        .order_by("position")
        .values_list("position", flat=True)
    ) == [1, 2]


def test_an_approved_article_keeps_the_section_its_reviewers_signed(live_server, new_page, issue):
    approved = Article.objects.get(title="甲稿")
    Article.objects.filter(pk=approved.pk).update(status="approved")
    page = new_page(width=1280, height=900)
    log_in(page, live_server, "zhubian", f"/admin/bulletin/issue/{issue.pk}/change/")

    drag_below(page, "甲稿", "别的栏目")
    save(page)

    assert Article.objects.get(pk=approved.pk).section.name == "科协动态"
    assert order(issue) == ["甲稿", "乙稿", "丙稿", "别的栏目"]
