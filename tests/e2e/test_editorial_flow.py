"""The whole newsroom in a real browser: write, review in three stages, release, read.

Screenshots of the review queue and the diff go to test-artifacts/ (not committed), so a
person can look at what reviewers see.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from bulletin.models import Article
from tests import factories as make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TITLE = "青少年科技创新大赛复赛在郑州举行"
FIRST_DRAFT = "三百余名中学生带着一百二十件作品参加复赛。"
FIXED_DRAFT = "三百余名中学生带着一百二十项作品参加复赛。"


@pytest.fixture
def issue(live_server):
    """The issue being edited, and one editor, two reviewers and an editor-in-chief."""
    make.review_stages()
    make.section("科协动态", order=30)
    for make_user, username in [
        (make.editor, "bianji"),
        (make.reviewer, "chushen"),
        (make.reviewer, "fushen"),
        (make.chief, "zhubian"),
    ]:
        make_user(username)
    return make.draft_issue(year=2026, number=6, running_number=126, page_count=48)


def log_in(new_page, live_server, username):
    page = new_page(width=1280, height=900)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(make.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#user-tools")).to_contain_text(username)
    return page


def decide(page, action, comment=""):
    form = page.locator(f"#workflow-{action}")
    if comment:
        form.locator("textarea").fill(comment)
    form.get_by_role("button").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def replace_body(page, text):
    editor = page.locator(".ck-editor__editable")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_an_article_goes_from_draft_through_three_reviews_to_readers(live_server, new_page, issue):
    ARTIFACTS.mkdir(exist_ok=True)

    # The editor writes the article in the issue being edited and submits it.
    editor = log_in(new_page, live_server, "bianji")
    editor.goto(f"{live_server.url}/admin/bulletin/article/add/")
    editor.locator(".field-issue .select2-selection").click()
    editor.locator(".select2-container--open .select2-search__field").fill("2026")
    editor.locator(".select2-results__option", has_text="2026年第6期").click()
    editor.locator("#id_section").select_option(label="科协动态")
    editor.locator("#id_title").fill(TITLE)
    editor.locator("#id_byline").fill("文_省科协青少年部 王晓")
    replace_body(editor, FIRST_DRAFT)
    editor.locator("#id_first_page").fill("12")
    editor.get_by_role("button", name="保存并继续编辑").click()
    decide(editor, "submit")
    article = Article.objects.get(title=TITLE)
    assert (article.status, article.review_stage.name) == ("in_review", "初审")

    # The first reviewer finds it in the queue and sends it back with a comment.
    first = log_in(new_page, live_server, "chushen")
    first.goto(f"{live_server.url}/admin/review/queue/")
    first.screenshot(path=ARTIFACTS / "review-queue.png", full_page=True)
    first.get_by_role("link", name=TITLE).click()
    decide(first, "send_back", "“件”应为“项”，请核实后再提交。")

    # The editor sees the comment, fixes one character and submits again.
    editor.reload()
    expect(editor.locator(".send-back")).to_contain_text("“件”应为“项”，请核实后再提交。")
    replace_body(editor, FIXED_DRAFT)
    editor.get_by_role("button", name="保存并继续编辑").click()
    expect(editor.locator(".messagelist .success")).to_be_visible()
    decide(editor, "submit")

    # The first reviewer reads the diff: only the changed word is marked. Then approves.
    first.goto(f"{live_server.url}/admin/review/queue/")
    first.get_by_role("link", name="对比修改").click()
    changes = first.locator(".review-field__text")
    expect(changes).to_have_count(1)
    expect(changes.locator("del")).to_have_text("件")
    expect(changes.locator("ins")).to_have_text("项")
    first.screenshot(path=ARTIFACTS / "review-diff.png", full_page=True)
    first.goto(f"{live_server.url}/admin/bulletin/article/{article.pk}/change/")
    decide(first, "approve", "已核实。")

    # The second reviewer and the editor-in-chief decide the next stages.
    second = log_in(new_page, live_server, "fushen")
    second.goto(f"{live_server.url}/admin/bulletin/article/{article.pk}/change/")
    decide(second, "approve", "同意。")
    chief = log_in(new_page, live_server, "zhubian")
    chief.goto(f"{live_server.url}/admin/bulletin/article/{article.pk}/change/")
    decide(chief, "approve", "同意刊发。")

    # Until the issue is released, readers see nothing.
    reader = new_page()
    response = reader.goto(f"{live_server.url}{issue.get_absolute_url()}")
    assert response.status == 404

    # The editor-in-chief releases the issue; its approved article goes out with it.
    chief.goto(f"{live_server.url}/admin/bulletin/issue/{issue.pk}/change/")
    chief.locator("#issue-release").get_by_role("button", name="发布本期").click()
    expect(chief.locator(".messagelist .success")).to_be_visible()

    reader.goto(f"{live_server.url}{issue.get_absolute_url()}")
    reader.get_by_role("link", name=TITLE).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(reader.get_by_text(FIXED_DRAFT)).to_be_visible()
    expect(reader.get_by_text("文_省科协青少年部 王晓")).to_be_visible()

    decisions = [
        (e.action, e.stage_name, e.actor.username) for e in Article.objects.get(pk=article.pk).workflow_log.all()
    ]
    assert decisions == [
        ("submit", "初审", "bianji"),
        ("send_back", "初审", "chushen"),
        ("edit", "", "bianji"),
        ("submit", "初审", "bianji"),
        ("approve", "初审", "chushen"),
        ("approve", "复审", "fushen"),
        ("approve", "终审", "zhubian"),
        ("publish", "", "zhubian"),
    ]
