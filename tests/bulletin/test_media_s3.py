"""Uploads in an S3-compatible bucket: the same rules as on disk, spoken over HTTP to a real S3
server (moto's, started by .ci/run or the ``s3`` fixture), never mocked.

Readers fetch public files from the bucket's public prefix without credentials; the originals
stay private, and staff reach them through the app, which redirects to a short-lived signed
address.
"""

from urllib.parse import unquote

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from bulletin import workflow
from bulletin.models import ArticlePhoto
from publishing import images, storage
from tests import factories as make

pytestmark = pytest.mark.django_db


def logged_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


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
