"""Uploaded files follow the content they belong to: readers fetch only what they may see.

Each test asks for a file the way a browser does, at its address under /media/, as a reader and
as staff. ``served_straight`` says whether nginx would answer from the public tree without asking
the app (tests/bulletin/test_media_nginx.py runs nginx itself).
"""

from datetime import timedelta
from urllib.parse import quote, unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bulletin import workflow
from bulletin.models import Article, ArticlePhoto, IssuePrint, ShareLink
from publishing import images, media
from tests import factories as make
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def address(name):
    return f"/media/{name}"


def fetch(client, name, **headers):
    response = client.get(address(name), headers=headers)
    return response.status_code, b"".join(response.streaming_content) if response.status_code == 200 else b""


def status(client, name):
    return fetch(client, name)[0]


def served_straight(name):
    return media.is_linked(name)


def renditions_of(name):
    picture = images.picture(name)
    return [unquote(source.url.removeprefix("/media/")) for source in (*picture.fallback, *picture.webp)]


@pytest.fixture
def staff(editor):
    """A second browser, an editor's (who may view articles, issues, people and events)."""
    return logged_in(editor)


@pytest.fixture
def approved(newsroom, published_issue):
    """An approved article of the released issue, with a photo: on its way, not yet for readers."""
    article = newsroom.approved(published_issue, title="院士专家走进乡村中学")
    photo = make.photo(article, image=make.image_upload("现场.jpg", size=(600, 400)))
    return photo.image.name


@pytest.fixture
def publish(newsroom, commit):
    """``publish(name)``: publish the article that has the photo ``name`` (``at=`` for later)."""
    return lambda name, **when: commit(
        lambda: workflow.publish(ArticlePhoto.objects.get(image=name).article, by=newsroom.chief, **when)
    )


@pytest.fixture
def withdraw(newsroom, commit):
    return lambda name: commit(
        lambda: workflow.withdraw(ArticlePhoto.objects.get(image=name).article, by=newsroom.chief, comment="重复刊发")
    )


def pdf_upload():
    return SimpleUploadedFile("定稿.pdf", b"%PDF-1.7 the printer's final file", content_type="application/pdf")


# Article photos -----------------------------------------------------------------------------------


def test_a_photo_of_an_article_readers_cannot_see_yet_is_a_404_for_them_and_shown_to_staff(client, staff, approved):
    assert status(client, approved) == 404
    assert status(staff, approved) == 200
    assert not served_straight(approved)


def test_publishing_puts_the_photo_where_nginx_serves_it_to_readers(client, publish, approved, media_root):
    publish(approved)

    code, body = fetch(client, approved)
    assert code == 200 and body == (media_root / approved).read_bytes()
    assert served_straight(approved)


def test_withdrawing_takes_the_photo_back_from_readers_and_leaves_it_to_staff(
    client, staff, publish, withdraw, approved
):
    publish(approved)

    withdraw(approved)

    assert status(client, approved) == 404
    assert not served_straight(approved)
    assert status(staff, approved) == 200


def test_renditions_follow_their_photo_both_ways(client, staff, publish, withdraw, approved):
    renditions = renditions_of(approved)

    hidden = [status(client, name) for name in renditions]
    shown_to_staff = [status(staff, name) for name in renditions]
    publish(approved)
    public = [(status(client, name), served_straight(name)) for name in renditions]
    withdraw(approved)
    withdrawn = [(status(client, name), served_straight(name)) for name in renditions]

    assert hidden == [404] * len(renditions) and shown_to_staff == [200] * len(renditions)
    assert public == [(200, True)] * len(renditions)
    assert withdrawn == [(404, False)] * len(renditions)


def test_the_photo_of_a_published_article_in_an_unreleased_issue_is_hidden(client, staff, draft_issue):
    article = make.article(draft_issue, title="随下一期刊出的稿件")
    name = make.photo(article).image.name

    assert (status(client, name), status(staff, name)) == (404, 200)


def test_a_photo_scheduled_for_later_is_hidden_until_its_moment_then_served_straight(
    client, publish, approved, monkeypatch
):
    later = timezone.now() + timedelta(hours=2)
    publish(approved, at=later)
    before = status(client, approved)

    monkeypatch.setattr("django.utils.timezone.now", lambda: later + timedelta(minutes=1))

    assert (before, status(client, approved)) == (404, 200)
    assert served_straight(approved)


def test_a_photo_a_published_revision_dropped_is_hidden_again(client, commit, newsroom, published_issue):
    article = newsroom.approved(published_issue, title="院士专家走进乡村中学")
    kept, dropped = (make.photo(article, position=n).image.name for n in (1, 2))
    commit(lambda: workflow.publish(article, by=newsroom.chief))
    revision = workflow.start_revision(Article.objects.get(pk=article.pk), by=newsroom.author)
    revision.photos.get(image=dropped).delete()
    revision = newsroom.review(revision)

    commit(lambda: workflow.publish(revision, by=newsroom.chief))

    assert (status(client, kept), status(client, dropped)) == (200, 404)
    assert not served_straight(dropped)


# Issues -------------------------------------------------------------------------------------------


@pytest.fixture
def unreleased(draft_issue):
    draft_issue.cover_image = make.image_upload("封面.jpg", size=(300, 420))
    draft_issue.print_pdf = pdf_upload()
    draft_issue.save()
    return draft_issue


def test_cover_and_print_pdf_of_an_unreleased_issue_are_for_staff_until_it_is_released(
    client, staff, commit, newsroom, unreleased
):
    files = [unreleased.cover_image.name, unreleased.print_pdf.name, *renditions_of(unreleased.cover_image.name)]

    before = [(status(client, name), status(staff, name)) for name in files]
    commit(lambda: workflow.release_issue(unreleased, by=newsroom.chief))
    released = [(status(client, name), served_straight(name)) for name in files]
    commit(lambda: workflow.unpublish_issue(unreleased, by=newsroom.chief))
    taken_back = [(status(client, name), served_straight(name)) for name in files]

    assert before == [(404, 200)] * len(files)
    assert released == [(200, True)] * len(files)
    assert taken_back == [(404, False)] * len(files)


def test_releasing_an_issue_makes_its_articles_photos_public(client, commit, newsroom, draft_issue):
    name = make.photo(newsroom.approved(draft_issue)).image.name

    commit(lambda: workflow.release_issue(draft_issue, by=newsroom.chief))

    assert (status(client, name), served_straight(name)) == (200, True)


# Rich text, people, events -----------------------------------------------------------------------


@pytest.fixture
def uploaded(staff):
    """An image put into rich text in the editor: its storage name."""
    response = staff.post(reverse("editor-image-upload"), {"upload": make.image_upload("插图.jpg", size=(500, 300))})
    return response.json()["url"].removeprefix("/media/")


def figure(name):
    return f'<p>大篷车带来了四十件展品。</p><figure class="image"><img src="/media/{name}"></figure>'


def test_an_image_in_a_drafts_text_is_hidden_until_the_article_is_published(client, staff, commit, newsroom, uploaded):
    article = newsroom.approved(None, title="科普大篷车开进山区学校", body=figure(uploaded))

    before = (status(client, uploaded), status(staff, uploaded))
    commit(lambda: workflow.publish(article, by=newsroom.chief))

    assert before == (404, 200)
    assert (status(client, uploaded), served_straight(uploaded)) == (200, True)


def test_an_image_a_published_revision_took_out_of_the_text_is_hidden_again(client, commit, newsroom, uploaded):
    article = newsroom.approved(None, title="科普大篷车开进山区学校", body=figure(uploaded))
    commit(lambda: workflow.publish(article, by=newsroom.chief))
    published = status(client, uploaded)
    revision = workflow.start_revision(
        Article.objects.get(pk=article.pk), by=newsroom.author, changes={"body": "<p>改写。</p>"}
    )

    commit(lambda: workflow.publish(newsroom.review(revision), by=newsroom.chief))

    assert published == 200
    assert (status(client, uploaded), served_straight(uploaded)) == (404, False)


def test_the_portrait_of_someone_only_a_draft_names_is_hidden_until_that_article_is_published(
    client, staff, commit, newsroom, published_issue
):
    person = make.person("张启航", photo=make.image_upload("肖像.jpg", size=(120, 160)))
    article = newsroom.approved(published_issue, title="院士专家走进乡村中学")
    make.link(article, person)
    name = person.photo.name

    before = (status(client, name), status(staff, name))
    commit(lambda: workflow.publish(article, by=newsroom.chief))

    assert before == (404, 200)
    assert (status(client, name), served_straight(name)) == (200, True)


def test_an_image_in_an_unpublished_events_description_is_hidden_until_it_is_published(
    client, staff, commit, newsroom, uploaded
):
    event = newsroom.review(make.event(title="全省科普讲解大赛", status=make.DRAFT, description=figure(uploaded)))

    before = (status(client, uploaded), status(staff, uploaded))
    commit(lambda: workflow.publish(event, by=newsroom.chief))

    assert before == (404, 200)
    assert (status(client, uploaded), served_straight(uploaded)) == (200, True)


def test_an_expert_reading_a_share_link_sees_the_images_of_the_shared_text(client, newsroom, uploaded):
    article = make.draft(None, by=newsroom.author, title="科普大篷车开进山区学校", body=figure(uploaded))
    link = ShareLink.objects.create(
        article=article,
        revision=article.history.first(),
        created_by=newsroom.reviewer,
        expires_at=timezone.now() + timedelta(days=7),
    )
    page = f"http://testserver{link.get_absolute_url()}"

    assert fetch(client, uploaded, Referer=page)[0] == 200
    assert status(client, uploaded) == 404
    assert fetch(client, uploaded, Referer="http://testserver/preview/shared/forged/")[0] == 404


# Who else, and what else -------------------------------------------------------------------------


def test_staff_get_the_uploads_of_content_in_any_state_and_nothing_else_under_media(
    client, staff, newsroom, approved, draft_issue
):
    edition = IssuePrint.objects.create(issue=draft_issue)
    edition.file.save("2026-3-A4-proof.pdf", pdf_upload(), save=True)
    elsewhere = [f"public/{approved}", "../config/settings.py", "articles/never-uploaded.jpg", edition.file.name]

    assert status(staff, approved) == 200
    assert status(logged_in(newsroom.nobody), approved) == 404  # staff in no group
    assert [status(staff, name) for name in elsewhere] == [404] * len(elsewhere)
    assert [status(client, name) for name in elsewhere] == [404] * len(elsewhere)


def test_behind_nginx_the_app_only_says_which_file_nginx_may_send(client, staff, settings, approved):
    settings.MEDIA_ACCEL_REDIRECT = True

    response = staff.get(address(approved))

    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{quote(approved)}"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert client.get(address(approved)).status_code == 404


def test_files_the_app_sends_cannot_run_script(staff, approved):
    response = staff.get(address(approved))

    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


# Putting an installation right ------------------------------------------------------------------


def test_sync_media_links_what_readers_see_unlinks_the_rest_and_changes_nothing_the_second_time(
    client, publish, published_issue, approved, capsys
):
    public = make.photo(make.article(published_issue, title="已发布的稿件")).image.name
    links = {name: 1 + len(renditions_of(name)) for name in (public, approved)}
    publish(approved)
    Article.objects.filter(photos__image=approved).update(status=make.WITHDRAWN)  # as a restored backup may have it

    call_command("sync_media")
    first = capsys.readouterr().out
    call_command("sync_media")
    second = capsys.readouterr().out

    assert (served_straight(public), served_straight(approved)) == (True, False)
    assert (status(client, public), status(client, approved)) == (200, 404)
    assert first.strip() == f"公开文件已与网站内容一致：新建链接 {links[public]} 个，撤下 {links[approved]} 个。"
    assert second.strip() == "公开文件已与网站内容一致：新建链接 0 个，撤下 0 个。"


def test_a_new_cover_for_a_released_issue_is_public_at_once_and_the_old_one_is_not(
    client, commit, newsroom, published_issue, read_page
):
    commit(lambda: workflow.unpublish_issue(published_issue, by=newsroom.chief))
    published_issue.cover_image = make.image_upload("旧封面.jpg", size=(600, 800))
    published_issue.save()
    commit(lambda: workflow.release_issue(published_issue, by=newsroom.chief))
    old = published_issue.cover_image.name
    chief = logged_in(newsroom.chief)
    url = reverse("admin:bulletin_issue_change", args=[published_issue.pk])
    form = read_page(chief.get(url)).form("issue_form", submit="_save")
    form["cover_image"] = make.image_upload("新封面.jpg", size=(600, 800))

    response = commit(lambda: chief.post(url, form))

    assert response.status_code == 302
    published_issue.refresh_from_db()
    new = published_issue.cover_image.name
    assert (status(client, new), served_straight(new)) == (200, True)
    assert (status(client, old), served_straight(old)) == (404, False)
