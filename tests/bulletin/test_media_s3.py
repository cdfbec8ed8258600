"""Uploads in an S3-compatible bucket: the same rules as on disk, spoken over HTTP to a real S3
server (moto's, started by .ci/run or the ``s3`` fixture), never mocked.

Readers fetch public files from the bucket's public prefix without credentials; the originals
stay private, and staff reach them through the app, which redirects to a short-lived signed
address.
"""

from urllib.parse import quote, unquote

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from bulletin import workflow
from bulletin.docx_import import import_articles
from bulletin.models import ArticlePhoto
from publishing import images, media, storage
from tests import factories as make
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(s3, newsroom, published_issue, commit):
    """An approved article of the released issue with a photo, in the bucket: not yet for readers."""
    article = newsroom.approved(published_issue, title="院士专家走进乡村中学")
    photo = commit(lambda: make.photo(article, image=make.image_upload("现场.jpg", size=(600, 400))))
    return photo.image.name


# Without the right to list the bucket, S3 answers a missing key 403; moto answers 404.
HIDDEN = (403, 404)


def public_address(name):
    return storage.public_tree().public.url(name)


def act(commit, newsroom, verb, name, **options):
    article = ArticlePhoto.objects.get(image=name).article
    return commit(lambda: getattr(workflow, verb)(article, by=newsroom.chief, **options))


# Uploads and reading them back ----------------------------------------------------------------------


def test_an_uploaded_photo_is_stored_in_the_bucket_and_read_back_as_it_was_cleaned(s3, media_root, approved):
    photo = ArticlePhoto.objects.get(image=approved)

    assert approved in s3.listed()
    with photo.image.open("rb") as file:
        assert file.read() == s3.read(approved)
    assert not media_root.exists() or not any(media_root.rglob("*.jpg"))


def test_renditions_are_made_in_the_bucket_beside_nothing_else(s3, approved):
    picture = images.picture(approved)

    made = s3.listed(f"{images.RENDITIONS_FOLDER}/{approved}/")
    assert len(made) == len(picture.fallback) + len(picture.webp) > 0
    addresses = {unquote(source.url) for source in picture.fallback}
    assert addresses == {f"/media/{name}" for name in made if name.endswith(".jpg")}


def test_an_image_uploaded_in_the_editor_lands_in_the_bucket_at_a_media_address(s3, staff_client):
    response = staff_client.post("/admin/editor/images/", {"upload": make.image_upload("张伟身份证.jpg")})

    url = response.json()["url"]
    name = url.removeprefix("/media/")
    assert url.startswith("/media/editor/") and "张伟" not in url
    assert name in s3.listed()
    assert default_storage.exists(name)


# Private until readers may see it ------------------------------------------------------------------


def test_the_original_in_the_bucket_is_refused_to_anyone_without_a_signature(s3, approved):
    assert s3.anonymous_get(f"{s3.endpoint}/{s3.name}/{quote(approved)}")[0] == 403


def test_a_photo_readers_cannot_see_yet_is_not_at_its_public_address_and_a_404_at_the_site(client, s3, approved):
    assert s3.anonymous_get(public_address(approved))[0] in HIDDEN
    assert client.get(f"/media/{approved}").status_code == 404
    assert s3.listed(f"{storage.PUBLIC_FOLDER}/") == []


def test_staff_are_sent_to_a_short_lived_signed_address_of_the_original(s3, newsroom, approved):
    response = logged_in(newsroom.author).get(f"/media/{approved}")

    assert response.status_code == 302
    assert "X-Amz-Signature=" in response["Location"] and "X-Amz-Expires=60" in response["Location"]
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert s3.anonymous_get(response["Location"]) == (200, s3.read(approved))


# Released, then withdrawn ---------------------------------------------------------------------------


def test_publishing_copies_the_photo_and_its_renditions_to_the_public_prefix_for_anyone(
    client, s3, newsroom, commit, approved
):
    renditions = s3.listed(f"{images.RENDITIONS_FOLDER}/{approved}/")

    act(commit, newsroom, "publish", approved)

    assert s3.anonymous_get(public_address(approved)) == (200, s3.read(approved))
    assert all(s3.anonymous_get(public_address(name))[0] == 200 for name in renditions)
    response = client.get(f"/media/{approved}")
    assert response.status_code == 302 and response["Location"] == public_address(approved)
    assert "public" in response["Cache-Control"]


def test_releasing_an_issue_makes_its_cover_public_and_taking_it_back_hides_it(
    client, s3, newsroom, commit, draft_issue
):
    draft_issue.cover_image = make.image_upload("封面.jpg", size=(300, 420))
    commit(draft_issue.save)
    cover = draft_issue.cover_image.name

    before = s3.anonymous_get(public_address(cover))[0]
    commit(lambda: workflow.release_issue(draft_issue, by=newsroom.chief))
    released = s3.anonymous_get(public_address(cover))[0]
    commit(lambda: workflow.unpublish_issue(draft_issue, by=newsroom.chief))
    taken_back = s3.anonymous_get(public_address(cover))[0]

    assert before in HIDDEN and released == 200 and taken_back in HIDDEN


def test_withdrawing_deletes_the_public_copies_and_leaves_the_original_to_staff(client, s3, newsroom, commit, approved):
    act(commit, newsroom, "publish", approved)
    public = s3.listed(f"{storage.PUBLIC_FOLDER}/")

    act(commit, newsroom, "withdraw", approved, comment="重复刊发")

    assert len(public) > 1 and s3.listed(f"{storage.PUBLIC_FOLDER}/") == []
    assert s3.anonymous_get(public_address(approved))[0] in HIDDEN
    assert client.get(f"/media/{approved}").status_code == 404
    assert logged_in(newsroom.author).get(f"/media/{approved}").status_code == 302
    assert approved in s3.listed()


def test_sync_media_puts_the_public_prefix_right_whatever_it_held(s3, newsroom, commit, approved):
    act(commit, newsroom, "publish", approved)
    stray = f"{storage.PUBLIC_FOLDER}/photos/stray.jpg"
    s3.client.put_object(Bucket=s3.name, Key=stray, Body=b"left over")
    s3.client.delete_object(Bucket=s3.name, Key=f"{storage.PUBLIC_FOLDER}/{approved}")

    made, removed = media.sync()

    assert (made, removed) == (1, 1)
    assert s3.anonymous_get(public_address(approved))[0] == 200
    assert stray not in s3.listed()


# Word import -------------------------------------------------------------------------------------


def test_images_of_a_word_file_become_photos_in_the_bucket(s3, editor):
    upload = make.docx_upload(image=True, caption="图为动员大会现场（摄影：张伟）")

    [result] = import_articles([upload], issue=None, section=make.section("科协动态"), by=editor)

    [photo] = ArticlePhoto.objects.filter(article=result.article)
    assert photo.image.name in s3.listed("articles/")
    with photo.image.open("rb") as file:
        assert Image.open(file).size == (40, 30)
