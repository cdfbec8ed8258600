"""An image put into an article in the editor reaches readers as responsive renditions."""

import pytest
from playwright.sync_api import expect

from bulletin import workflow
from bulletin.models import Article
from tests import factories as make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "科普大篷车开进山区学校"


def test_an_image_uploaded_in_the_editor_is_shown_to_readers_with_srcset(live_server, new_page, tmp_path):
    make.review_stages()
    make.section("科协动态", order=30)
    issue = make.issue(year=2026, number=5, running_number=125)
    editor = make.editor("bianji")
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(make.image_bytes("JPEG", size=(1800, 1200)))

    page = new_page(width=1280, height=900)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/bulletin/article/add/")
    page.get_by_label("用户名").fill("bianji")
    page.get_by_label("密码").fill(make.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("#id_section").select_option(label="科协动态")
    page.locator("#id_title").fill(TITLE)
    page.locator(".field-body .ck-editor__editable").click()
    page.keyboard.type("大篷车带来了四十件科普展品。")
    # Counted as Chinese is: characters, not space-separated words.
    expect(page.locator(".field-body .word-count")).to_have_text("字符数：14")
    page.keyboard.press("Enter")
    page.locator(".field-body .ck-toolbar input[type=file]").first.set_input_files(photo)
    uploaded = page.locator(".field-body figure.image img[src^='/media/editor/']")
    expect(uploaded).to_be_visible()
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    article = Article.objects.get(title=TITLE)
    assert '<figure class="image"><img src="/media/editor/' in article.body
    article.issue = issue
    article.save()
    workflow.submit(article, by=editor)
    for decider in (make.reviewer(), make.reviewer(), make.chief()):
        workflow.approve(article, by=decider)
    workflow.publish(article, by=make.chief())

    reader = new_page()
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    image = reader.locator("main figure.image img")
    expect(image).to_be_visible()
    srcset = image.get_attribute("srcset")
    assert srcset and "/media/renditions/" in srcset and "480w" in srcset
    assert image.get_attribute("width") and image.get_attribute("height")
    assert reader.locator("main figure.image source[type='image/webp']").count() == 1
