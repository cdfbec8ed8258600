"""The review record (审稿单) as a PDF: the same record as the printable page, on one A4 sheet."""

from django.urls import reverse
from django.utils import timezone

from bulletin import workflow
from publishing.models import WorkflowLog
from tests import factories as make
from tests.print.conftest import squeezed


def reviewed(newsroom):
    article = make.draft(make.issue(year=2026, number=2), by=newsroom.author, title="动员大会召开")
    workflow.submit(article, by=newsroom.author)
    workflow.approve(article, by=newsroom.reviewer, comment="事实准确")
    workflow.approve(article, by=newsroom.second_reviewer, comment="文字通顺")
    workflow.approve(article, by=newsroom.chief, comment="同意刊发")
    return workflow.publish(article, by=newsroom.chief, comment="随本期发布")


def record_pdf(client, article):
    return client.get(reverse("review:review-record-pdf", args=[article.pk]))


def test_review_record_pdf_lists_each_stages_decider_opinion_and_time_and_the_publication(
    named_newsroom, client, read_pdf
):
    article = reviewed(named_newsroom)
    client.force_login(named_newsroom.author)

    response = record_pdf(client, article)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    record = read_pdf(response.content)
    record.images("review-record", last=1)  # for a person to look at
    assert len(record.pages) == 1
    rows = [squeezed(line) for line in record.text.splitlines()]
    approved = timezone.localtime(WorkflowLog.objects.get(action="approve", actor=named_newsroom.reviewer).at)
    assert f"初审审核通过王芳事实准确{approved:%Y-%m-%d%H:%M}" in rows
    assert any(row.startswith("复审审核通过李娜文字通顺") for row in rows)
    assert any(row.startswith("终审审核通过刘洋同意刊发") for row in rows)
    assert any(row.startswith("发布刘洋随本期发布") for row in rows)
    text = squeezed(record.text)
    assert "审稿单" in text and "动员大会召开" in text and "2026年第2期" in text
    assert "请用浏览器" not in text  # the screen-only help is not printed


def test_review_record_pdf_is_for_staff_only(newsroom, client):
    article = reviewed(newsroom)

    response = record_pdf(client, article)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_review_record_page_links_to_its_pdf(named_newsroom, client, read_page):
    article = reviewed(named_newsroom)
    client.force_login(named_newsroom.author)

    page = read_page(client.get(reverse("review:review-record", args=[article.pk])))

    assert ("下载 PDF", reverse("review:review-record-pdf", args=[article.pk])) in page.anchors()
