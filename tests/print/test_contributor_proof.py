"""A contributor's proof (校样) as a PDF: their article alone, laid out as the issue prints it and
marked as a proof; only for the contributor it was sent to."""

import pytest
from django.test import Client
from django.urls import reverse

from bulletin import workflow
from tests import factories as make
from tests.print.conftest import squeezed


@pytest.fixture
def proof(newsroom, draft_issue):
    wang = make.contributor("wang@nanzhou.example")
    submission = workflow.submit_piece(
        by=wang,
        title="科学实验走进乡村课堂",
        byline="文_南州市科协 王明",
        body="<p>南州市科协组织科技志愿者走进乡村学校，开展科学实验进课堂活动。</p>",
        section=make.default_section(),
    )
    article = submission.article
    article.issue = draft_issue
    article.save()
    newsroom.review(article)
    workflow.send_proof(submission, by=newsroom.author)
    client = Client()
    client.force_login(wang)
    return client, submission


@pytest.mark.django_db
def test_the_proof_pdf_prints_the_article_as_the_issue_will(proof, read_pdf):
    client, submission = proof

    response = client.get(reverse("contribute:proof-pdf", args=[submission.number]))

    assert response["Content-Type"] == "application/pdf"
    text = squeezed(read_pdf(response.content).text)
    assert "科学实验走进乡村课堂" in text
    assert "文_南州市科协王明" in text
    assert "（供稿：南州市科协）" in text
    assert "校样" in text


@pytest.mark.django_db
def test_nobody_else_downloads_a_contributors_proof(proof):
    _client, submission = proof
    other = Client()
    other.force_login(make.contributor("li@beishan.example", unit_name="北山市科协"))

    assert other.get(reverse("contribute:proof-pdf", args=[submission.number])).status_code == 404
