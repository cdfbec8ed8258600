"""Comments (批注) in a real browser: an editor selects a passage in the body editor, quotes it
and comments; a reviewer replies and marks the thread resolved."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from bulletin.models import Comment
from tests import factories as make
from tests.e2e.test_admin_layout import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSAGE = "审议年度重点工作"


def test_an_editor_comments_on_a_selected_passage_and_a_reviewer_replies_and_resolves(live_server, new_page):
    make.migrations_seed()
    editor, reviewer = make.editor("bianji"), make.reviewer("shenhe")
    article = make.draft(by=editor, title="省科协召开常委会议", body=f"<p>省科协召开常委会议，{PASSAGE}。</p>")
    change = reverse("admin:bulletin_article_change", args=[article.pk])

    page = new_page(1280, 900)
    log_in(page, live_server, "bianji", change)
    body = page.locator(".field-body .ck-editor__editable")
    expect(body).to_contain_text(PASSAGE)
    # Select the passage inside the editor, as a mouse drag would.
    body.evaluate(
        """(editable, passage) => {
            const text = editable.querySelector("p").firstChild;
            const start = text.data.indexOf(passage);
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + passage.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        PASSAGE,
    )
    page.get_by_role("button", name="引用选中的文字").click()
    expect(page.get_by_label("引用原文（可选）")).to_have_value(PASSAGE)
    page.get_by_role("textbox", name="批注", exact=True).fill("“年度重点工作”请写明是哪几项。")
    page.get_by_role("button", name="添加批注").click()

    thread = page.locator(".comment-thread")
    expect(thread.locator(".comment-quote")).to_have_text(PASSAGE)
    expect(thread).to_contain_text("请写明是哪几项")
    assert Comment.objects.get().quote == PASSAGE

    other = new_page(390, 844)
    log_in(other, live_server, "shenhe", change)
    other_thread = other.locator(".comment-thread")
    other_thread.get_by_label("回复").fill("同意，另请补充会议时间。")
    other_thread.get_by_role("button", name="回复").click()
    expect(other.locator(".comment--reply")).to_contain_text("另请补充会议时间")
    other.locator(".comment-thread").get_by_role("button", name="标记为已解决").click()

    expect(other.locator(".messagelist")).to_contain_text("批注已标记为已解决。")
    expect(other.locator(".comment-thread.is-resolved summary")).to_contain_text("已解决")
    page.reload()
    expect(page.locator(".comment-thread.is-resolved summary")).to_contain_text("已解决")
    assert Comment.objects.get(parent=None).resolved_by == reviewer
