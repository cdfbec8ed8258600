"""Readers get renditions of images: several widths plus WebP, made once, with width and height.

Public pages use them for covers, article photos (with caption and credit), teasers, portraits
and the images inside rich text.
"""

import io

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.template import engines
from django.urls import reverse
from PIL import ExifTags, Image

from bulletin.models import Article
from people.models import Person
from publishing import images
from publishing.images import picture, rendition_name
from tests import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage_calls(monkeypatch):
    """Every call the site makes to the file storage, as ``(method, name)``."""
    calls = []
    for method in ("open", "exists", "save"):
        original = getattr(FileSystemStorage, method)

        def spy(self, name, *args, _original=original, _method=method, **kwargs):
            calls.append((_method, name))
            return _original(self, name, *args, **kwargs)

        monkeypatch.setattr(FileSystemStorage, method, spy)
    return calls


def saved(calls):
    return [name for method, name in calls if method == "save"]


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def photo_of(size, format="JPEG", **image):
    return make.image_upload(f"photo.{format.lower()}", format=format, size=size, **image)


def pictures(page):
    """Each ``<picture>`` on ``page`` as (webp srcset, img attributes)."""
    found = []
    for element in page.element.iter("picture"):
        source = element.find("source")
        found.append((source.get("srcset"), dict(element.find("img").attrib)))
    return found


# Renditions -------------------------------------------------------------------------------------


def test_renditions_come_in_the_configured_widths_and_never_wider_than_the_original(settings):
    settings.IMAGE_RENDITION_WIDTHS = (240, 480, 960, 1600)
    wide = make.person(photo=photo_of((2000, 1000)))
    narrow = make.person(photo=photo_of((700, 350)))

    assert [s.width for s in picture(wide.photo.name).fallback] == [240, 480, 960, 1600]
    assert [s.height for s in picture(wide.photo.name).fallback] == [120, 240, 480, 800]
    assert [s.width for s in picture(narrow.photo.name).webp] == [240, 480, 700]


@pytest.mark.parametrize(
    ("format", "mode", "fallback"),
    [("JPEG", "RGB", "JPEG"), ("PNG", "RGBA", "PNG"), ("GIF", "P", "PNG"), ("WEBP", "RGB", "JPEG")],
)
def test_renditions_keep_the_format_family_and_add_webp(media_root, format, mode, fallback):
    person = make.person(photo=photo_of((600, 400), format=format, mode=mode))

    pic = picture(person.photo.name)

    for source, expected in [(pic.largest, fallback), (pic.webp[-1], "WEBP")]:
        name = source.url.removeprefix("/media/")
        with Image.open(media_root / name) as image:
            assert (image.format, image.size) == (expected, (600, 400))


def test_renditions_are_made_once_and_then_found_in_the_cache_without_touching_storage(
    client, storage_calls, published_issue
):
    article = make.article(published_issue)
    make.photo(article, image=photo_of((1200, 800)))
    storage_calls.clear()

    client.get(article.get_absolute_url())
    first = list(storage_calls)
    storage_calls.clear()
    client.get(article.get_absolute_url())

    assert len(saved(first)) == 8  # 240, 480, 960 and 1200 wide, each as JPEG and WebP
    assert storage_calls == []


def test_renditions_already_in_storage_are_not_made_again_after_the_cache_is_lost(
    client, storage_calls, published_issue
):
    article = make.article(published_issue)
    make.photo(article, image=photo_of((1200, 800)))
    client.get(article.get_absolute_url())
    cache.clear()
    images.forget_known()  # a new process, and the shared cache emptied
    storage_calls.clear()

    client.get(article.get_absolute_url())

    assert saved(storage_calls) == []


def test_pictures_this_process_has_shown_cost_no_round_trip_to_the_shared_cache(client, monkeypatch, published_issue):
    article = make.article(published_issue)
    for _ in range(3):
        make.photo(article, image=photo_of((1200, 800)))
    built_afresh = {"HTTP_AUTHORIZATION": "Bearer reader"}  # never from the page cache
    client.get(article.get_absolute_url(), **built_afresh)
    asked = []
    original = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *args, **kwargs: asked.append(key) or original(key, *args, **kwargs))

    page = client.get(article.get_absolute_url(), **built_afresh)

    assert page.content.decode().count("<picture") >= 3
    assert [key for key in asked if key.startswith("bulletin.picture:")] == []


def test_an_upload_prepares_its_renditions_once_committed_so_no_reader_waits(
    client, staff_client, storage_calls, django_capture_on_commit_callbacks
):
    data = {"name": "张伟", "slug": "", "title": "", "organisation": "", "bio": "", "photo": photo_of((1200, 800))}
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("admin:people_person_add"), data)
    made = saved(storage_calls)
    storage_calls.clear()

    html = render("{{ picture(person.photo) }}", person=Person.objects.get())

    assert len(made) == 1 + 8  # the cleaned original, then its renditions
    assert "1200w.webp" in html
    assert storage_calls == []


def test_rendition_names_follow_from_the_original_name_and_width():
    person = make.person(photo=photo_of((300, 200)))

    pic = picture(person.photo.name)

    assert pic.largest.url == f"/media/renditions/{person.photo.name}/300w.jpg"
    assert rendition_name(person.photo.name, 300, "webp") == f"renditions/{person.photo.name}/300w.webp"


def test_renditions_of_an_old_upload_are_upright_and_carry_no_metadata(media_root):
    """Images stored before cleaning on upload existed still reach readers without GPS."""
    content = make.image_bytes("JPEG", (80, 40), exif=make.camera_exif(orientation=6))
    name = default_storage.save("people/2020/old.jpg", ContentFile(content))

    pic = picture(name)

    for source in (*pic.fallback, *pic.webp):
        with Image.open(media_root / source.url.removeprefix("/media/")) as image:
            assert image.size == (40, 80)
            assert dict(image.getexif()) == {}
            assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
            assert "exif" not in image.info


def test_a_missing_original_is_shown_as_it_is_and_the_page_still_works(client, read_page, published_issue):
    article = make.article(published_issue)
    photo = make.photo(article, caption="现场")
    default_storage.delete(photo.image.name)

    page = read_page(client.get(article.get_absolute_url()))

    assert photo.image.url in page.images()


# picture() --------------------------------------------------------------------------------------


def test_picture_gives_webp_and_fallback_srcsets_with_width_height_and_lazy_loading():
    person = make.person(photo=photo_of((1000, 500)))

    html = render('{{ picture(photo, alt="张伟", sizes="6rem", class="portrait") }}', photo=person.photo)

    name = person.photo.name
    webp = ", ".join(f"/media/renditions/{name}/{w}w.webp {w}w" for w in (240, 480, 960, 1000))
    jpeg = ", ".join(f"/media/renditions/{name}/{w}w.jpg {w}w" for w in (240, 480, 960, 1000))
    assert html == (
        f'<picture><source type="image/webp" srcset="{webp}" sizes="6rem">'
        f'<img class="portrait" alt="张伟" loading="lazy" decoding="async" src="/media/renditions/{name}/1000w.jpg" '
        f'srcset="{jpeg}" sizes="6rem" width="1000" height="500"></picture>'
    )


def test_picture_loads_the_first_image_eagerly_when_asked():
    person = make.person(photo=photo_of((100, 100)))

    html = render("{{ picture(photo, eager=True) }}", photo=person.photo)

    assert 'loading="eager" fetchpriority="high"' in html
    assert 'loading="lazy"' not in html


def test_picture_escapes_the_alt_text():
    person = make.person(photo=photo_of((100, 100)))

    html = render("{{ picture(photo, alt=alt) }}", photo=person.photo, alt='"><script>alert(1)</script>')

    assert "<script>" not in html
    assert 'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_picture_shows_nothing_for_an_empty_field():
    assert render("{{ picture(photo) }}", photo=make.person().photo) == ""


# Images in rich text ----------------------------------------------------------------------------


def editor_image(size=(1200, 900)):
    return default_storage.save("editor/2026/11/0123abcd.jpg", ContentFile(make.image_bytes("JPEG", size)))


def test_rich_text_images_get_renditions_and_keep_their_alt_text():
    name = editor_image()
    body = (
        f'<figure class="image"><img src="/media/{name}" alt="黄河 &amp; 博物馆" width="4000" height="3000"></figure>'
    )

    html = render("{{ body|responsive_images }}", body=body)

    assert html.startswith('<figure class="image"><picture><source type="image/webp" srcset="/media/renditions/')
    assert 'alt="黄河 &amp; 博物馆"' in html
    assert f'src="/media/renditions/{name}/1200w.jpg"' in html
    assert 'width="1200" height="900"' in html
    assert 'loading="lazy" decoding="async"' in html
    assert 'width="4000"' not in html
    assert html.endswith("</picture></figure>")


def test_rich_text_around_the_images_is_passed_through_as_stored():
    name = editor_image()
    before = '<p>岩芯 &lt;script&gt;alert(1)&lt;/script&gt; 与 &amp;、&#169; <a href="https://example.org/?a=1&amp;b=2">链接</a></p>'
    after = '<figure class="image"><img src="https://example.org/a.jpg" alt="外部图片"><figcaption>说明</figcaption></figure>'
    body = f'{before}<img src="/media/{name}" alt="图">\n{after}'

    html = render("{{ body|responsive_images }}", body=body)

    assert html.startswith(before)
    assert html.endswith(f"</picture>\n{after}")


def test_rich_text_images_whose_file_is_missing_are_left_alone():
    body = '<p>前</p><img src="/media/editor/2026/11/missing.jpg" alt="图"><img src="/media/../secret.jpg">'

    assert render("{{ body|responsive_images }}", body=body) == body


# Public pages -----------------------------------------------------------------------------------


def test_article_page_shows_photos_as_renditions_with_caption_and_credit(client, read_page, published_issue):
    article = make.article(published_issue)
    make.photo(article, caption="黄河地质博物馆外景", credit="张伟", image=photo_of((1600, 1200)))
    make.photo(article, credit="李娜", position=1, image=photo_of((800, 600)))

    page = read_page(client.get(article.get_absolute_url()))

    photos = page.find("div", class_="article__photos")
    (first_webp, first), (_, second) = pictures(photos)
    assert "960w.webp 960w" in first_webp
    assert (first["width"], first["height"], first["loading"]) == ("1600", "1200", "lazy")
    assert first["alt"] == "黄河地质博物馆外景"
    assert (second["width"], second["height"]) == ("800", "600")
    assert photos.in_order("黄河地质博物馆外景", "摄影：张伟", "摄影：李娜")


def test_article_body_images_are_served_as_renditions(client, read_page, published_issue):
    name = editor_image((2000, 1500))
    article = make.article(published_issue, body=f'<figure class="image"><img src="/media/{name}" alt="图"></figure>')

    page = read_page(client.get(article.get_absolute_url()))

    [(webp, img)] = pictures(page.find("div", class_="article__body prose"))
    assert webp.endswith("1600w.webp 1600w")
    assert (img["width"], img["height"], img["loading"]) == ("1600", "1200", "lazy")


def test_issue_page_shows_the_cover_eagerly_with_its_size(client, read_page):
    issue = make.issue(cover_image=photo_of((900, 1200)), cover_caption="黄河")

    page = read_page(client.get(issue.get_absolute_url()))

    [(webp, cover)] = pictures(page)
    assert (cover["width"], cover["height"], cover["loading"]) == ("900", "1200", "eager")
    assert cover["alt"] == f"{issue}封面：黄河"
    assert "/960w" not in webp  # never wider than the original


def test_home_page_and_archive_show_the_cover_as_renditions(client, read_page):
    make.issue(cover_image=photo_of((900, 1200)))

    home = pictures(read_page(client.get(reverse("bulletin:home"))))
    archive = pictures(read_page(client.get(reverse("bulletin:issue-archive"))))

    assert home[0][1]["loading"] == "eager"
    assert archive[0][1]["loading"] == "lazy"
    assert archive[0][1]["class"] == "issue-card__cover"


def test_people_pages_show_portraits_as_renditions(client, read_page, published_issue):
    person = make.person("张伟", photo=photo_of((600, 800)), bio="")
    make.link(make.article(published_issue), person)

    [(_, portrait)] = pictures(read_page(client.get(person.get_absolute_url())))
    [(_, card)] = pictures(read_page(client.get(reverse("people:person-list"))))

    assert (portrait["width"], portrait["height"], portrait["alt"]) == ("600", "800", "张伟")
    assert portrait["class"] == "person-head__photo"
    assert (card["class"], card["loading"]) == ("person-card__photo", "lazy")


def test_person_bio_and_event_description_images_are_served_as_renditions(client, read_page, published_issue):
    name = editor_image()
    image = f'<figure class="image"><img src="/media/{name}" alt="图"></figure>'
    person = make.person("张伟", bio=f"<p>简介</p>{image}")
    make.link(make.article(published_issue), person)
    event = make.event(description=f"<p>介绍</p>{image}")

    for url in (person.get_absolute_url(), event.get_absolute_url()):
        [(_, img)] = pictures(read_page(client.get(url)))
        assert img["width"] == "1200"


def test_the_first_photo_is_the_teaser_in_lists_of_articles(client, read_page):
    news = make.news(title="科普日活动举行")
    make.photo(news, caption="第一张", image=photo_of((800, 600)))
    make.photo(news, caption="第二张", position=1)

    page = read_page(client.get(reverse("bulletin:news-list")))

    [(_, teaser)] = pictures(page)
    assert teaser["width"] == "800"
    assert news.teaser_photo.caption == "第一张"


def test_the_teaser_comes_from_prefetched_photos_without_a_query(django_assert_num_queries):
    news = make.news()
    make.photo(news, caption="题图")
    listed = list(Article.objects.filter(pk=news.pk).for_listing())

    with django_assert_num_queries(0):
        assert listed[0].teaser_photo.caption == "题图"


def test_rendition_files_are_valid_images_of_the_stated_size(media_root):
    person = make.person(photo=photo_of((1000, 750)))

    for source in picture(person.photo.name).fallback:
        with Image.open(io.BytesIO((media_root / source.url.removeprefix("/media/")).read_bytes())) as image:
            assert image.size == (source.width, source.height)
