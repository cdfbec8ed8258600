"""Images uploaded from CKEditor: only staff who may edit content, only real images, random names."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from tests import factories as make

pytestmark = pytest.mark.django_db

URL = "/admin/editor/images/"


def stored_files(media_root):
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def upload(client, file=None):
    return client.post(URL, {"upload": file or make.image_upload("张伟身份证.jpg")})


def test_the_editor_posts_to_the_upload_view_of_bulletin(staff_client):
    response = staff_client.get(reverse("admin:bulletin_article_add"))

    assert reverse(settings.CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME) == URL
    assert f'data-upload-url="{URL}"' in response.content.decode()


def test_the_packages_own_upload_view_is_not_reachable(admin_client):
    response = admin_client.post("/ckeditor5/image_upload/", {"upload": make.image_upload()})

    assert response.status_code == 404


def test_anonymous_visitors_cannot_upload(client, media_root):
    response = upload(client)

    assert response.status_code == 403
    assert response.json() == {"error": {"message": "请先登录编辑后台，再上传图片。"}}
    assert stored_files(media_root) == []


def test_a_logged_in_reader_who_is_not_staff_cannot_upload(client, media_root):
    client.force_login(make.user("reader"))

    assert upload(client).status_code == 403
    assert stored_files(media_root) == []


def test_staff_without_permission_to_edit_content_cannot_upload(client, media_root):
    client.force_login(make.staff_without_role("nobody"))

    response = upload(client)

    assert response.status_code == 403
    assert response.json() == {"error": {"message": "你没有编辑稿件、人物或活动的权限，不能上传图片。"}}
    assert stored_files(media_root) == []


def test_upload_accepts_only_post(staff_client):
    assert staff_client.get(URL).status_code == 405


def test_upload_needs_the_csrf_token(client, editor):
    client.handler.enforce_csrf_checks = True
    client.force_login(editor)

    response = upload(client)

    assert response.status_code == 403
    assert b"CSRF" in response.content


def test_an_editor_uploads_an_image_under_a_dated_folder_with_a_random_name(staff_client, media_root):
    response = upload(staff_client)

    assert response.status_code == 200
    url = response.json()["url"]
    month = timezone.localdate().strftime("%Y/%m")
    assert re.fullmatch(rf"/media/editor/{month}/[0-9a-f]{{32}}\.jpg", url)
    assert stored_files(media_root) == [url.removeprefix("/media/")]


def test_two_uploads_of_the_same_file_get_different_names(staff_client):
    assert upload(staff_client).json()["url"] != upload(staff_client).json()["url"]


@pytest.mark.parametrize("permission", ["people.change_person", "events.change_event"])
def test_staff_who_may_edit_people_or_events_can_upload(client, permission):
    user = make.staff_without_role("bio-writer")
    app_label, codename = permission.split(".")
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    client.force_login(user)

    assert upload(client).status_code == 200


def test_uploaded_images_lose_their_gps_and_are_turned_upright(staff_client, media_root):
    content = make.image_bytes("JPEG", (80, 40), exif=make.camera_exif(orientation=6))

    url = upload(staff_client, make.image_upload("IMG_0001.jpg", content)).json()["url"]

    with Image.open(media_root / url.removeprefix("/media/")) as stored:
        assert stored.size == (40, 80)
        assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert dict(stored.getexif()) == {}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "不支持 SVG 图片"),
        ("x.jpg", b"<html><script>alert(1)</script></html>", "这个文件不是图片"),
        ("x.jpg", b"", "文件是空的（0 字节）"),
    ],
)
def test_a_bad_file_is_refused_with_a_chinese_message_and_nothing_is_saved(
    staff_client, media_root, name, content, message
):
    response = upload(staff_client, make.image_upload(name, content))

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(message)
    assert stored_files(media_root) == []


def test_an_oversized_file_is_refused_with_its_size(staff_client, settings, media_root):
    settings.IMAGE_MAX_MB = 1
    content = make.image_bytes("PNG", (800, 600), noise=True)

    response = upload(staff_client, make.image_upload("big.png", content, content_type="image/png"))

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("图片太大：最大 1 MB，这个文件有 1.")
    assert stored_files(media_root) == []


def test_a_post_without_a_file_is_refused(staff_client):
    response = staff_client.post(URL, {})

    assert response.status_code == 400
    assert response.json() == {"error": {"message": "没有收到图片文件，请重新选择图片。"}}


def test_the_editor_configuration_leaves_out_plugins_that_let_markup_in():
    config = settings.CKEDITOR_5_CONFIGS["default"]

    assert {"SourceEditing", "HtmlEmbed", "GeneralHtmlSupport", "Style", "FullPage", "MediaEmbed"} <= set(
        config["removePlugins"]
    )
    assert {"Markdown", "Font", "Highlight"} <= set(config["removePlugins"])
    assert not {"sourceEditing", "htmlEmbed", "mediaEmbed", "style"} & set(config["toolbar"]["items"])
    assert {"uploadImage", "insertTable", "blockQuote", "horizontalLine"} <= set(config["toolbar"]["items"])
    assert config["image"]["toolbar"] == ["imageTextAlternative", "toggleImageCaption"]
