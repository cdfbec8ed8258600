"""Rich text as editors make it in the real CKEditor 5, and as readers see it on a phone."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from bulletin.models import Article
from tests import factories as make
from tests.e2e.test_admin_layout import log_in
from tests.rich_text import MAGAZINE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADD_ARTICLE = reverse("admin:bulletin_article_add")
# The editor numbers list items for itself; the numbers differ from one load to the next.
LIST_ITEM_ID = re.compile(r' data-list-item-id="[^"]*"')
LONG_LINE = "result = " + " + ".join(f"measurement_{n}" for n in range(20))


@pytest.fixture
def editor_page(live_server, new_page):
    make.section("科协动态", order=30)
    make.editor("bianji")
    page = new_page(width=1280, height=900)
    log_in(page, live_server, "bianji", ADD_ARTICLE)
    page.wait_for_function("() => Object.keys(window.editors || {}).length > 0")
    return page


def test_every_snippet_of_the_corpus_is_what_the_editor_itself_writes(editor_page):
    written = editor_page.evaluate(
        """(snippets) => snippets.map(html => {
            const editor = Object.values(window.editors)[0];
            editor.setData(html);
            return editor.getData();
        })""",
        [snippet.html for snippet in MAGAZINE],
    )

    changed = {
        snippet.name: html
        for snippet, html in zip(MAGAZINE, written, strict=True)
        if LIST_ITEM_ID.sub("", html) != LIST_ITEM_ID.sub("", snippet.html)
    }
    assert changed == {}


def test_the_editor_offers_inline_code_a_code_block_and_a_horizontal_line(editor_page):
    page = editor_page
    toolbar = page.locator(".field-body .ck-toolbar")
    page.locator("#id_section").select_option(label="科协动态")
    page.locator("#id_title").fill("用 Python 统计科普活动")
    page.locator(".field-body .ck-editor__editable").click()
    page.keyboard.type("先安装")
    toolbar.get_by_role("button", name="代码", exact=True).click()
    page.keyboard.type("pip install jieba")
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="水平线").click()
    toolbar.get_by_role("button", name="插入代码块").first.click()
    page.keyboard.type("print(a < b)")
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    body = Article.objects.get(title="用 Python 统计科普活动").body
    assert "<p>先安装<code>pip install jieba</code></p><hr>" in body
    assert '<pre><code class="language-plaintext">print(a &lt; b)</code></pre>' in body


def test_a_phone_link_in_the_editor_points_at_the_number(editor_page):
    editor_page.evaluate(
        """() => Object.values(window.editors)[0].setData('<p><a href="tel:+86-371-65951234">咨询电话</a></p>')"""
    )

    link = editor_page.locator(".field-body .ck-editor__editable a")
    assert link.get_attribute("href") == "tel:+86-371-65951234"


def test_a_long_line_of_code_scrolls_inside_its_block_and_the_page_keeps_to_a_phone(live_server, new_page):
    body = (
        "".join(snippet.html for snippet in MAGAZINE) + f'<pre><code class="language-python">{LONG_LINE}</code></pre>'
    )
    article = make.article(make.issue(), body=body)

    page = new_page(width=375, height=800)
    page.goto(live_server.url + article.get_absolute_url())

    block = page.locator("main pre").last
    expect(block).to_contain_text(LONG_LINE)
    assert block.evaluate("pre => pre.scrollWidth > pre.clientWidth")
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 375
