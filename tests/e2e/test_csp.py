"""The Content-Security-Policy blocks nothing the site or the admin needs, CKEditor 5 included.

``new_page`` (conftest.py) fails any test whose pages report a violation; these tests visit the
pages most likely to: the public pages with photos and the article editor with an upload.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from bulletin.models import Article
from tests import factories as make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_policy_is_enforced_and_a_violation_is_noticed(live_server, new_page, csp_violations):
    page = new_page()
    response = page.goto(live_server.url + reverse("bulletin:home"))
    assert "script-src 'self'" in response.headers["content-security-policy"]

    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.append(script);
    }"""
    )

    expect(page.locator("body")).to_be_visible()
    page.wait_for_function("() => true")  # let the console message arrive
    assert page.evaluate("() => window.injected") is None
    assert any("script-src" in text for text in csp_violations)
    csp_violations.clear()


def test_public_pages_with_photos_run_under_the_policy(live_server, new_page):
    issue = make.issue(year=2026, number=3, running_number=123, cover_image=make.image_upload("cover.jpg"))
    article = make.typical_article(issue, photos=2)
    person = article.people.first()
    pages = [
        reverse("bulletin:home"),
        issue.get_absolute_url(),
        article.get_absolute_url(),
        person.get_absolute_url(),
        reverse("website:search") + "?q=科普",
        reverse("events:event-list"),
    ]

    page = new_page(width=1280, height=900)
    for url in pages:
        assert page.goto(live_server.url + url, wait_until="networkidle").status == 200
    # Scrolled down, the article's lazily loaded photos are requested too (and reported if blocked).
    page.goto(live_server.url + article.get_absolute_url(), wait_until="networkidle")
    page.evaluate("() => window.scrollTo(0, document.scrollingElement.scrollHeight)")
    page.wait_for_load_state("networkidle")


def test_the_article_editor_works_under_the_policy(live_server, new_page, tmp_path):
    make.section("科协动态", order=30)
    make.issue(year=2026, number=5, running_number=125)
    make.editor("bianji")
    photo = tmp_path / "photo.png"
    photo.write_bytes(make.image_bytes("PNG", size=(800, 600)))

    page = new_page(width=1280, height=900)
    page.goto(live_server.url + reverse("admin:login") + "?next=" + reverse("admin:bulletin_article_add"))
    page.get_by_label("用户名").fill("bianji")
    page.get_by_label("密码").fill(make.PASSWORD)
    page.get_by_role("button", name="登录").click()

    # The issue field is a select2 autocomplete: its search runs from the admin's own scripts.
    page.locator(".field-issue .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("2026")
    page.locator(".select2-results__option", has_text="2026年第5期").click()
    page.locator("#id_section").select_option(label="科协动态")
    page.locator("#id_title").fill("内容安全策略下的编辑器")
    body = page.locator(".field-body .ck-editor__editable")
    body.click()
    page.keyboard.type("编辑器在内容安全策略下照常工作。")
    page.keyboard.press("Enter")
    page.locator(".field-body .ck-toolbar input[type=file]").first.set_input_files(photo)
    expect(page.locator(".field-body figure.image img[src^='/media/editor/']")).to_be_visible()
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    assert "编辑器在内容安全策略下照常工作。" in Article.objects.get(title="内容安全策略下的编辑器").body
