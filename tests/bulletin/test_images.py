"""Every uploaded image passes one check and is stored without its hidden metadata.

Bad files are refused with a Chinese message that says what is wrong, and nothing is saved;
good JPEG, PNG, WebP and GIF files are stored upright, without GPS, camera or owner.
"""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import ExifTags, Image, PngImagePlugin

from bulletin.models import ArticlePhoto, Issue
from people.models import Person
from publishing.images import clean_image, validate_image
from tests import factories as make

pytestmark = pytest.mark.django_db

SVG_WITH_SCRIPT = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def stored_files(media_root):
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def forged_png(width, height):
    """A tiny valid PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""
    png = make.image_bytes("PNG", (8, 8))
    ihdr = png[16:29]  # width, height, depth, colour type, compression, filter, interlace
    forged = struct.pack(">II", width, height) + ihdr[8:]
    chunk = b"IHDR" + forged
    return png[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) + png[33:]


def truncated_jpeg():
    content = make.image_bytes("JPEG", (400, 300), noise=True)
    return content[: len(content) * 2 // 3]


def person_form(photo, **fields):
    return {"name": "张伟", "slug": "", "title": "", "organisation": "", "bio": "", "photo": photo, **fields}


def exif_of(image_file):
    with Image.open(image_file) as image:
        return image.getexif(), image.info


# One validation path, each bad kind with its message -------------------------------------------

BAD_FILES = {
    "svg-with-script": (
        "logo.svg",
        SVG_WITH_SCRIPT,
        "image/svg+xml",
        "不支持 SVG 图片，请上传 JPEG、PNG、WebP 或 GIF。",
    ),
    "svg-renamed-png": ("logo.png", SVG_WITH_SCRIPT, "image/png", "不支持 SVG 图片，请上传 JPEG、PNG、WebP 或 GIF。"),
    "html-renamed-jpg": (
        "photo.jpg",
        b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>",
        "image/jpeg",
        "这个文件不是图片，无法识别（也许只是改了扩展名）。请上传 JPEG、PNG、WebP 或 GIF。",
    ),
    "truncated-jpeg": ("photo.jpg", truncated_jpeg(), "image/jpeg", "图片已损坏或不完整，无法打开。"),
    "empty-file": ("photo.jpg", b"", "image/jpeg", "文件是空的（0 字节），请重新选择图片。"),
    "bmp": (
        "scan.bmp",
        make.image_bytes("BMP"),
        "image/bmp",
        "不支持 BMP 格式的图片，请上传 JPEG、PNG、WebP 或 GIF。",
    ),
    "decompression-bomb": (
        "bomb.png",
        forged_png(100_000, 100_000),
        "image/png",
        "图片像素太多（1,000,000 万像素，最多 4,000 万像素），可能是恶意文件。如确需使用，请先缩小尺寸。",
    ),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_admin_refuses_a_bad_person_photo_with_a_chinese_message_and_saves_nothing(
    staff_client, admin_errors, media_root, kind
):
    name, content, content_type, message = BAD_FILES[kind]
    upload = make.image_upload(name, content, content_type=content_type)

    response = staff_client.post(reverse("admin:people_person_add"), person_form(upload))

    assert response.status_code == 200
    assert admin_errors(response) == [message]
    assert not Person.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("kind", BAD_FILES)
def test_the_validator_refuses_each_bad_kind_of_file(kind):
    name, content, content_type, message = BAD_FILES[kind]

    with pytest.raises(ValidationError) as refused:
        validate_image(make.image_upload(name, content, content_type=content_type))

    assert refused.value.messages == [message]


def test_a_truncated_image_is_refused_even_where_a_pdf_was_made_before():
    import weasyprint  # what building a print edition loads, here as in the web process

    assert weasyprint.HTML(string="<p>样稿</p>").write_pdf()
    with pytest.raises(ValidationError) as refused:
        validate_image(make.image_upload("truncated.jpg", truncated_jpeg()))
    assert refused.value.messages == ["图片已损坏或不完整，无法打开。"]


def test_an_image_over_the_size_limit_is_refused_with_both_sizes(staff_client, admin_errors, settings, media_root):
    settings.IMAGE_MAX_MB = 1
    content = make.image_bytes("PNG", (800, 600), noise=True)
    assert len(content) > 1024 * 1024

    response = staff_client.post(
        reverse("admin:people_person_add"), person_form(make.image_upload("big.png", content, content_type="image/png"))
    )

    size = f"{len(content) / 1024 / 1024:.1f}"
    assert admin_errors(response) == [f"图片太大：最大 1 MB，这个文件有 {size} MB。"]
    assert not Person.objects.exists()
    assert stored_files(media_root) == []


def test_an_image_with_more_pixels_than_allowed_is_refused_before_it_is_decoded(settings):
    settings.IMAGE_MAX_PIXELS = 100_000

    with pytest.raises(ValidationError) as refused:
        validate_image(make.image_upload("wide.jpg", size=(400, 300)))

    assert refused.value.messages == [
        "图片像素太多（12 万像素，最多 10 万像素），可能是恶意文件。如确需使用，请先缩小尺寸。"
    ]


def test_an_animation_with_too_many_frames_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 100_000
    frames = [Image.new("RGB", (200, 200), (50 * i, 0, 0)) for i in range(5)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])

    with pytest.raises(ValidationError) as refused:
        validate_image(make.image_upload("anim.gif", buffer.getvalue(), content_type="image/gif"))

    assert "动图帧数太多（5 帧" in refused.value.messages[0]


def test_the_chief_editor_sees_the_error_on_the_cover_field(chief_client, media_root):
    data = make.issue_form(cover_image=make.image_upload("cover.jpg", truncated_jpeg()))

    response = chief_client.post(reverse("admin:bulletin_issue_add"), data)

    assert response.context["adminform"].form.errors["cover_image"] == ["图片已损坏或不完整，无法打开。"]
    assert not Issue.objects.exists()
    assert stored_files(media_root) == []


def test_a_bad_article_photo_is_refused_on_its_row_of_the_article_form(staff_client, admin_errors, media_root):
    data = make.article_form(
        section=make.section(),
        **{
            "photos-TOTAL_FORMS": "1",
            "photos-0-image": make.image_upload("photo.jpg", SVG_WITH_SCRIPT, content_type="image/svg+xml"),
            "photos-0-alt": "会场全景",
            "photos-0-caption": "现场",
            "photos-0-position": "0",
        },
    )

    response = staff_client.post(reverse("admin:bulletin_article_add"), data)

    assert admin_errors(response) == ["不支持 SVG 图片，请上传 JPEG、PNG、WebP 或 GIF。"]
    assert not ArticlePhoto.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("name", "format", "content_type"),
    [
        ("photo.jpg", "JPEG", "image/jpeg"),
        ("photo.png", "PNG", "image/png"),
        ("photo.webp", "WEBP", "image/webp"),
        ("photo.gif", "GIF", "image/gif"),
    ],
)
def test_admin_accepts_jpeg_png_webp_and_gif(staff_client, admin_errors, name, format, content_type):
    upload = make.image_upload(name, format=format, content_type=content_type)

    response = staff_client.post(reverse("admin:people_person_add"), person_form(upload))

    assert admin_errors(response) == []
    assert response.status_code == 302
    person = Person.objects.get()
    with Image.open(person.photo) as stored:
        assert stored.format == format
        assert stored.size == (64, 48)
    assert person.photo.name.endswith(f"/{name}")


def test_an_animated_gif_keeps_its_frames(settings):
    frames = [Image.new("RGB", (20, 20), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0, comment=b"secret")

    cleaned = clean_image(make.image_upload("anim.gif", buffer.getvalue(), content_type="image/gif"))

    with Image.open(cleaned) as image:
        assert image.n_frames == 3
        assert "comment" not in image.info


def test_a_file_whose_extension_lies_is_stored_under_its_real_type(staff_client):
    upload = make.image_upload("photo.jpg", make.image_bytes("PNG"), content_type="image/jpeg")

    staff_client.post(reverse("admin:people_person_add"), person_form(upload))

    assert Person.objects.get().photo.name.endswith("/photo.png")


# Metadata stripped from stored originals --------------------------------------------------------


def test_an_article_photo_uploaded_in_the_admin_is_stored_without_gps_camera_or_owner(staff_client, admin_errors):
    content = make.image_bytes("JPEG", (80, 40), exif=make.camera_exif())
    assert exif_of(io.BytesIO(content))[0].get_ifd(ExifTags.IFD.GPSInfo)
    data = make.article_form(
        section=make.section(),
        **{
            "photos-TOTAL_FORMS": "1",
            "photos-0-image": make.image_upload("IMG_0001.jpg", content),
            "photos-0-alt": "会场全景",
            "photos-0-caption": "现场",
            "photos-0-position": "0",
        },
    )

    response = staff_client.post(reverse("admin:bulletin_article_add"), data)

    assert admin_errors(response) == []
    photo = ArticlePhoto.objects.get()
    exif, info = exif_of(photo.image.open())
    assert dict(exif) == {}
    assert "exif" not in info


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
def test_gps_is_stripped_from_every_format_that_can_carry_it(format):
    content = make.image_bytes(format, exif=make.camera_exif())
    assert exif_of(io.BytesIO(content))[0].get_ifd(ExifTags.IFD.GPSInfo)

    photo = ArticlePhoto.objects.create(article=make.article(None), image=make.image_upload("p.img", content))

    exif, info = exif_of(photo.image.open())
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert dict(exif) == {}
    assert "exif" not in info and "xmp" not in info


def test_png_text_chunks_are_stripped():
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "张伟 13800000000")
    content = make.image_bytes("PNG", pnginfo=text)

    cleaned = clean_image(make.image_upload("p.png", content, content_type="image/png"))

    assert "Author" not in exif_of(cleaned)[1]


def test_a_photo_saved_by_code_is_cleaned_too():
    """Imports and the demo loader call .save() on the field directly; the original is still cleaned."""
    photo = ArticlePhoto(article=make.article(None))
    content = make.image_bytes("JPEG", exif=make.camera_exif())

    photo.image.save("imported.jpeg", ContentFile(content))

    assert photo.image.name.endswith("/imported.jpg")
    assert dict(exif_of(photo.image.open())[0]) == {}


def test_saving_by_code_refuses_what_is_not_an_image(media_root):
    photo = ArticlePhoto(article=make.article(None))

    with pytest.raises(ValidationError):
        photo.image.save("page.jpg", ContentFile(b"<html><script>alert(1)</script></html>"))

    assert stored_files(media_root) == []


def test_orientation_is_applied_to_the_stored_original():
    """A phone photo taken upright is stored sideways with Orientation=6; it is saved upright."""
    sideways = Image.new("RGB", (80, 40), (220, 20, 20))
    sideways.paste((20, 20, 220), (40, 0, 80, 40))  # left half red, right half blue
    buffer = io.BytesIO()
    sideways.save(buffer, "JPEG", exif=make.camera_exif(orientation=6))

    photo = ArticlePhoto.objects.create(article=make.article(None), image=make.image_upload("p.jpg", buffer.getvalue()))

    with Image.open(photo.image.open()) as stored:
        assert stored.size == (40, 80)
        assert ExifTags.Base.Orientation not in stored.getexif()
        red, blue = stored.convert("RGB").getpixel((20, 10)), stored.convert("RGB").getpixel((20, 70))
    assert red[0] > 150 > red[2]
    assert blue[2] > 150 > blue[0]


def test_stored_jpegs_keep_a_high_quality():
    content = make.image_bytes("JPEG", (400, 300), noise=True, quality=95)

    photo = ArticlePhoto.objects.create(article=make.article(None), image=make.image_upload("p.jpg", content))

    # Noise is the hardest case for JPEG: at quality 92 the file stays close to the original's size.
    assert photo.image.size > len(content) * 0.7


def test_an_unchanged_stored_image_is_not_read_again_when_the_form_is_saved(staff_client, admin_errors, monkeypatch):
    person = make.person("张伟", photo=make.image_upload())
    opened = []
    monkeypatch.setattr(type(default_storage._wrapped), "open", lambda *args, **kw: opened.append(args) or None)
    data = person_form("", slug=person.slug)
    del data["photo"]

    response = staff_client.post(reverse("admin:people_person_change", args=[person.pk]), data)

    assert admin_errors(response) == []
    assert opened == []
