"""The print edition with media in a bucket (the ``s3`` fixture: a real S3 server over HTTP):
photos are read from it, the PDF is stored in it and readers download it through the app."""

import pytest
from django.core.management import call_command

from bulletin import print_edition, workflow
from bulletin.models import IssuePrint
from tests import factories as make

pytestmark = pytest.mark.django_db


def test_an_issue_pdf_is_laid_out_from_photos_in_the_bucket_and_stored_there(s3, published_issue, read_pdf):
    make.typical_article(published_issue, photos=2)
    edition = print_edition.edition_for(published_issue, print_edition.public_layout())

    edition = print_edition.build_edition(edition.pk)

    assert edition.state == IssuePrint.State.READY
    assert edition.file.name in s3.listed("issues/print/")
    text = read_pdf(s3.read(edition.file.name)).text
    assert "科普大篷车活动现场1" in text and "摄影：张伟" in text


def test_readers_download_the_released_issue_pdf_from_the_bucket(s3, client, published_issue):
    make.typical_article(published_issue)
    edition = print_edition.build_edition(print_edition.edition_for(published_issue, print_edition.public_layout()).pk)

    response = client.get(f"/issues/{published_issue.year}/{published_issue.number}/pdf/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == s3.read(edition.file.name)


def test_the_command_names_the_stored_pdf_in_the_bucket(s3, draft_issue, capsys):
    make.typical_article(draft_issue)

    call_command("build_issue_pdf", "2026-3")

    edition = IssuePrint.objects.get(issue=draft_issue)
    assert edition.file.name in capsys.readouterr().out


def test_a_replaced_pdf_is_deleted_from_the_bucket(s3, published_issue, newsroom, django_capture_on_commit_callbacks):
    make.typical_article(published_issue)
    first = print_edition.build_edition(print_edition.edition_for(published_issue, print_edition.public_layout()).pk)
    article = newsroom.approved(published_issue, title="新增的一篇稿件")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, by=newsroom.chief)

    second = IssuePrint.objects.get(pk=first.pk)
    assert second.file.name != first.file.name
    assert s3.listed("issues/print/") == [second.file.name]
