import datetime

import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import expect

from bulletin.models import Article, Issue, Section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR_PERMISSIONS = ["add_article", "change_article", "view_article", "view_issue", "view_section", "view_topic"]


@pytest.fixture
def editor():
    user = User.objects.create_user("bianji", password="Bianji-e2e-2026", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=EDITOR_PERMISSIONS))
    return user


@pytest.fixture
def issue():
    Section.objects.get_or_create(name="科协动态", defaults={"order": 30})
    return Issue.objects.create(
        year=2026, number=2, running_number=122, status=Issue.Status.PUBLISHED, released_on=datetime.date(2026, 4, 1)
    )


def test_editor_publishes_an_article_and_a_reader_finds_it_in_the_issue(live_server, new_page, editor, issue):
    admin = new_page(width=1280, height=900)
    admin.goto(f"{live_server.url}/admin/")
    admin.get_by_label("用户名").fill("bianji")
    admin.get_by_label("密码").fill("Bianji-e2e-2026")
    admin.get_by_role("button", name="登录").click()
    expect(admin.get_by_role("link", name="稿件").first).to_be_visible()

    admin.goto(f"{live_server.url}/admin/bulletin/article/add/")
    admin.locator(".field-issue .select2-selection").click()
    admin.locator(".select2-container--open .select2-search__field").fill("2026")
    admin.locator(".select2-results__option", has_text="2026年第2期").click()
    admin.locator("#id_section").select_option(label="科协动态")
    admin.locator("#id_title").fill("青少年科技创新大赛复赛在郑州举行")
    admin.locator("#id_byline").fill("文_省科协青少年部 王晓")
    admin.locator(".ck-editor__editable").click()
    admin.keyboard.type("三百余名中学生带着自己的发明来到赛场。")
    admin.locator("#id_first_page").fill("12")
    admin.locator("#id_status").select_option(label="已发布")
    admin.get_by_role("button", name="保存", exact=True).click()
    admin.wait_for_load_state()
    print(admin.url)
    admin.screenshot(path="/tmp/e2e.png", full_page=True)
    expect(admin.locator(".messagelist .success")).to_contain_text("青少年科技创新大赛复赛在郑州举行")

    article = Article.objects.get(title="青少年科技创新大赛复赛在郑州举行")
    assert (article.status, article.created_by) == (Article.Status.PUBLISHED, editor)

    reader = new_page()
    reader.goto(f"{live_server.url}{issue.get_absolute_url()}")
    entry = reader.get_by_role("link", name="青少年科技创新大赛复赛在郑州举行")
    expect(entry).to_be_visible()
    entry.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("青少年科技创新大赛复赛在郑州举行")
    expect(reader.get_by_text("三百余名中学生带着自己的发明来到赛场。")).to_be_visible()
    expect(reader.get_by_text("文_省科协青少年部 王晓")).to_be_visible()
