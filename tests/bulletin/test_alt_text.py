"""Every article photo describes itself to readers who cannot see it; the admin asks for it."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from bulletin import workflow
from bulletin.models import ArticlePhoto
from tests import factories as make

pytestmark = pytest.mark.django_db


def photo_row(**fields):
    return {
        "photos-TOTAL_FORMS": "1",
        "photos-0-image": make.image_upload("photo.jpg"),
        "photos-0-caption": "科普大篷车开进山区学校",
        "photos-0-position": "0",
        **fields,
    }


def test_an_article_photo_without_alt_text_is_refused_in_the_admin(staff_client, admin_errors):
    data = make.article_form(section=make.section(), **photo_row())

    response = staff_client.post(reverse("admin:bulletin_article_add"), data)

    assert admin_errors(response) == ["这个字段是必填项。"]
    assert not ArticlePhoto.objects.exists()


def test_an_article_photo_with_alt_text_is_saved(staff_client, admin_errors):
    data = make.article_form(section=make.section(), **photo_row(**{"photos-0-alt": "学生们围着机器人观看演示"}))

    response = staff_client.post(reverse("admin:bulletin_article_add"), data)

    assert admin_errors(response) == []
    assert ArticlePhoto.objects.get().alt == "学生们围着机器人观看演示"


def test_the_admin_explains_what_alt_text_is_for(staff_client):
    response = staff_client.get(reverse("admin:bulletin_article_add"))

    assert "替代文字" in response.text
    assert "为看不到图片的读者" in response.text


def test_readers_get_the_alt_text_on_the_image(client, read_page, published_issue):
    article = make.article(published_issue)
    make.photo(article, caption="活动现场", alt="学生们围着机器人观看演示")

    page = read_page(client.get(article.get_absolute_url()))

    photos = [img for img in page.element.iter("img") if img.get("src").startswith("/media/")]
    assert [img.get("alt") for img in photos] == ["学生们围着机器人观看演示"]


def test_the_issue_cover_is_described_by_its_caption(client, read_page):
    issue = make.issue(cover_image=make.image_upload("cover.jpg"), cover_caption="科技工作者在田间查看小麦长势")

    page = read_page(client.get(issue.get_absolute_url()))

    [alt] = [img.get("alt") for img in page.element.iter("img")]
    assert alt.endswith("封面：科技工作者在田间查看小麦长势")


def test_existing_photos_get_their_caption_or_the_article_title_as_alt_text(published_issue):
    with_caption = make.photo(make.article(published_issue), caption="会议现场", alt="")
    without = make.photo(make.article(published_issue, title="省科协召开全委会议"), alt="")
    migration = importlib.import_module("bulletin.migrations.0009_article_photo_alt")

    migration.alt_from_caption(apps, schema_editor=None)

    with_caption.refresh_from_db()
    without.refresh_from_db()
    assert (with_caption.alt, without.alt) == ("会议现场", "《省科协召开全委会议》配图")


def test_a_revision_of_a_published_article_keeps_the_alt_text(newsroom, published_issue):
    live = make.article(published_issue, created_by=newsroom.author, updated_by=newsroom.author)
    make.photo(live, caption="会议现场", alt="主席台上的代表正在发言")

    revision = workflow.start_revision(live, by=newsroom.author, changes={"title": "新标题"})

    assert [p.alt for p in revision.photos.all()] == ["主席台上的代表正在发言"]
