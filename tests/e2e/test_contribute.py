"""A correspondent sends in a piece from a phone: signs in, writes it in the editor with a photo,
and finds it in their list with its tracking number, all at 390 px without sideways scrolling."""

import re

import pytest
from playwright.sync_api import expect

from bulletin.models import Submission
from tests import factories as make
from tests.e2e.test_accessibility import BLOCKING, describe
from tests.e2e.test_admin_layout import scroll_width, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_piece_is_submitted_from_a_phone(live_server, new_page, tmp_path):
    make.migrations_seed()
    make.contributor("wang@nanzhou.example")
    photo = tmp_path / "lab.jpg"
    photo.write_bytes(make.image_bytes("JPEG", size=(640, 480)))
    page = new_page(390, 844)

    page.goto(f"{live_server.url}/contribute/")
    page.get_by_label("邮箱").fill("wang@nanzhou.example")
    page.get_by_label("密码").fill(make.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="投稿", exact=True).first.click()
    page.get_by_label("希望刊登的栏目").select_option(label="科协动态")
    page.locator("#id_title").fill("科学实验走进乡村课堂")
    page.locator(".ck-editor__editable").click()
    page.keyboard.type("南州市科协组织科技志愿者走进乡村学校，开展科学实验进课堂活动。")
    page.locator("#id_photos-0-image").set_input_files(str(photo))
    page.locator("#id_photos-0-caption").fill("学生动手做实验")
    shoot(page, "contribute-submit-390")
    assert scroll_width(page) <= 390
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_role("status").first).to_contain_text("投稿成功")
    submission = Submission.objects.select_related("article").get()
    listed = page.locator(".portal-list__item").filter(has_text="科学实验走进乡村课堂")
    expect(listed).to_contain_text(f"稿号 {submission.number}")
    expect(listed).to_contain_text("已收到")
    assert re.fullmatch(r"\d{4}-\d{4}", submission.number)
    assert "科学实验进课堂" in submission.article.body
    assert submission.article.photos.get().caption == "学生动手做实验"
    shoot(page, "contribute-list-390")
    assert scroll_width(page) <= 390


@pytest.mark.parametrize(
    "path", ["/contribute/login/", "/contribute/register/", "/contribute/guide/", "/contribute/", "/contribute/new/"]
)
def test_the_portals_pages_have_no_serious_accessibility_problem(live_server, new_page, axe_script, client, path):
    make.migrations_seed()
    make.unit("南州市科协")
    contributor = make.contributor("wang@nanzhou.example")
    page = new_page(390, 844)
    if path in ("/contribute/", "/contribute/new/"):
        client.force_login(contributor)
        page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )

    page.goto(live_server.url + path, wait_until="load")
    axe_url = f"{live_server.url}/__axe.min.js"
    page.route(axe_url, lambda route: route.fulfill(path=axe_script, content_type="text/javascript"))
    page.add_script_tag(url=axe_url)
    results = page.evaluate("async () => await axe.run()")

    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    assert scroll_width(page) <= 390
