"""Who may make and download an issue's PDF: the admin's button, its download links, and readers."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from bulletin import print_edition
from bulletin.models import IssuePrint
from tests import factories as make


def print_url(issue):
    return reverse("admin:bulletin_issue_print", args=[issue.pk])


def change_url(issue):
    return reverse("admin:bulletin_issue_change", args=[issue.pk])


def pdf_url(issue):
    return reverse("bulletin:issue-pdf", kwargs={"year": issue.year, "number": issue.number})


def built(issue):
    make.article(issue, title="省科协召开学术年会筹备会", body=make.typical_body(2))
    edition = print_edition.edition_for(issue, print_edition.public_layout())
    return print_edition.build_edition(edition.pk)


def press_print(client, issue, django_capture_on_commit_callbacks, **form):
    """Press 生成印刷版 PDF on the issue's page, let the queued build run, and come back to the page.

    The test's transaction never commits, so the build runs when the capture ends, as a worker
    would run it a moment after the request; the page is read after that.
    """
    with django_capture_on_commit_callbacks(execute=True):
        client.post(print_url(issue), {"paper": "A4", **form})
    return client.get(change_url(issue))


# The admin button --------------------------------------------------------------------------------


def test_editor_makes_a_proof_of_an_issue_in_the_making(
    staff_client, draft_issue, read_page, django_capture_on_commit_callbacks
):
    make.article(draft_issue, title="省科协召开学术年会筹备会", status=make.DRAFT)

    page = read_page(press_print(staff_client, draft_issue, django_capture_on_commit_callbacks))

    edition = IssuePrint.objects.get(issue=draft_issue)
    assert edition.proof and edition.state == IssuePrint.State.READY
    panel = page.region("印刷版 PDF")
    assert ["A4", "已生成", str(edition.page_total)] == panel.rows()[1][:3]
    assert ("下载样稿 PDF", reverse("admin:bulletin_issue_print_download", args=[draft_issue.pk, edition.pk])) in (
        panel.anchors()
    )


def test_download_link_gives_the_pdf_as_a_named_file(staff_client, draft_issue, django_capture_on_commit_callbacks):
    press_print(staff_client, draft_issue, django_capture_on_commit_callbacks)
    edition = IssuePrint.objects.get(issue=draft_issue)

    response = staff_client.get(reverse("admin:bulletin_issue_print_download", args=[draft_issue.pk, edition.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_editor_is_told_a_released_issue_is_printed_by_the_chief(
    staff_client, published_issue, read_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(print_url(published_issue), {"paper": "A4"}, follow=True)

    page = read_page(response)
    assert "2026年第2期已出版，它的印刷版 PDF 由主编生成和下载。" in page.messages()
    assert page.region("印刷版 PDF").buttons() == []
    assert not IssuePrint.objects.exists()


def test_editor_cannot_download_the_chiefs_pdf_of_a_released_issue(staff_client, published_issue):
    edition = built(published_issue)

    response = staff_client.get(reverse("admin:bulletin_issue_print_download", args=[published_issue.pk, edition.pk]))

    assert response.status_code == 403


def test_chief_makes_the_final_pdf_of_a_released_issue(
    chief_client, published_issue, read_page, django_capture_on_commit_callbacks
):
    make.article(published_issue, title="省科协召开学术年会筹备会")

    page = read_page(press_print(chief_client, published_issue, django_capture_on_commit_callbacks, paper="B5"))

    edition = IssuePrint.objects.get(issue=published_issue)
    assert (edition.paper, edition.proof, edition.state) == ("B5", False, IssuePrint.State.READY)
    assert ("下载 PDF", reverse("admin:bulletin_issue_print_download", args=[published_issue.pk, edition.pk])) in (
        page.region("印刷版 PDF").anchors()
    )


@pytest.mark.django_db(transaction=True)
def test_with_the_in_process_task_backend_the_pdf_is_ready_when_the_page_returns(client, read_page):
    client.force_login(make.chief("zhubian"))
    issue = make.draft_issue(year=2026, number=3, running_number=123)
    make.article(issue, title="省科协召开学术年会筹备会", status=make.DRAFT)

    page = read_page(client.post(print_url(issue), {"paper": "A4"}, follow=True))

    edition = IssuePrint.objects.get(issue=issue)
    assert f"2026年第3期印刷版（A4）已生成，共 {edition.page_total} 页，可以下载了。" in page.messages()


def test_staff_without_a_role_cannot_print(client, newsroom, draft_issue):
    client.force_login(newsroom.nobody)

    response = client.post(print_url(draft_issue), {"paper": "A4"})

    assert response.status_code == 403


def test_printing_is_posted_not_linked(staff_client, draft_issue):
    assert staff_client.get(print_url(draft_issue)).status_code == 405


def test_unknown_paper_is_refused_in_chinese(staff_client, draft_issue, read_page):
    page = read_page(staff_client.post(print_url(draft_issue), {"paper": "A3"}, follow=True))

    assert "纸张“A3”无法打印，请选择：A4、16开。" in page.messages()
    assert not IssuePrint.objects.exists()


def test_a_failed_build_is_reported_on_the_issue_page(
    staff_client, draft_issue, read_page, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(html):
        raise OSError("磁盘已满")

    monkeypatch.setattr(print_edition, "typeset", broken)

    page = read_page(press_print(staff_client, draft_issue, django_capture_on_commit_callbacks))

    assert page.region("印刷版 PDF").rows()[1][:2] == ["A4", "生成失败：磁盘已满"]


# Readers -----------------------------------------------------------------------------------------


def test_reader_downloads_a_released_issues_pdf_from_its_page(client, published_issue, read_page):
    edition = built(published_issue)

    page = read_page(client.get(published_issue.get_absolute_url()))
    response = client.get(pdf_url(published_issue))

    assert (f"下载本期 PDF（{edition.page_total}页）", pdf_url(published_issue)) in page.anchors()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_issue_page_offers_the_pdf_once_it_is_built(
    client, published_issue, read_page, django_capture_on_commit_callbacks
):
    make.article(published_issue, title="省科协召开学术年会筹备会")
    before = read_page(client.get(published_issue.get_absolute_url()))  # now in the page cache

    with django_capture_on_commit_callbacks(execute=True):
        print_edition.schedule_rebuild(published_issue.pk)

    after = read_page(client.get(published_issue.get_absolute_url()))
    assert pdf_url(published_issue) not in before.links()
    assert pdf_url(published_issue) in after.links()


def test_reader_cannot_download_a_draft_issues_proof(client, draft_issue):
    built(draft_issue)

    assert client.get(pdf_url(draft_issue)).status_code == 404


@pytest.mark.parametrize("when", ["unpublished", "scheduled"])
def test_reader_cannot_download_the_pdf_of_an_issue_readers_cannot_see(client, published_issue, when):
    built(published_issue)
    if when == "unpublished":
        published_issue.status = published_issue.Status.DRAFT
    else:
        published_issue.published_at = make.yesterday().replace(year=2099)
    published_issue.save(update_fields=["status", "published_at"])
    cache.clear()

    assert client.get(pdf_url(published_issue)).status_code == 404


def test_released_issue_without_a_pdf_has_no_download(client, published_issue, read_page):
    page = read_page(client.get(published_issue.get_absolute_url()))

    assert pdf_url(published_issue) not in page.links()
    assert client.get(pdf_url(published_issue)).status_code == 404
