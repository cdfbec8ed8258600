"""Building and keeping an issue's PDF: proofs, layouts, the stored file and when it is rebuilt."""

import re

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bulletin import print_edition, workflow
from bulletin.models import IssuePrint
from tests import factories as make
from tests.print.conftest import squeezed


def fill(issue):
    """Two sections of the issue, with pages recorded as the printed issue had them."""
    news, science = make.section("科协动态", order=10), make.section("科海观澜", order=20)
    make.article(issue, section=news, title="省科协召开学术年会筹备会", body=make.typical_body(2), first_page=12)
    make.article(issue, section=news, title="科普大篷车开进山区学校", body=make.typical_body(2), first_page=13)
    make.article(issue, section=science, title="冬小麦为什么要熬过寒冬", body=make.typical_body(4), first_page=30)


def build(issue, layout=None):
    edition = print_edition.edition_for(issue, layout or print_edition.public_layout())
    return print_edition.build_edition(edition.pk)


def pdf_of(edition, read_pdf):
    return read_pdf(default_storage.path(edition.file.name))


def stored_pdfs():
    years, _ = default_storage.listdir("issues/print")
    return [
        f"issues/print/{year}/{name}" for year in years for name in default_storage.listdir(f"issues/print/{year}")[1]
    ]


def test_draft_issue_is_printed_as_a_proof_marked_on_every_page(draft_issue, read_pdf):
    fill(draft_issue)
    make.article(draft_issue, title="尚在审核的稿件", status=make.IN_REVIEW, review_stage=make.stage("初审"))

    edition = build(draft_issue)

    proof = pdf_of(edition, read_pdf)
    assert edition.proof and edition.state == IssuePrint.State.READY
    assert all("样稿" in squeezed(page) for page in proof.pages)
    assert "尚在审核的稿件" in proof.text


def test_released_issue_prints_only_what_readers_see(published_issue, read_pdf):
    fill(published_issue)
    make.article(published_issue, title="已撤下的稿件", status=make.WITHDRAWN, published_at=make.yesterday())

    edition = build(published_issue)

    text = pdf_of(edition, read_pdf).text
    assert not edition.proof
    assert "科普大篷车开进山区学校" in text
    assert "已撤下的稿件" not in text


def test_photos_are_printed_with_their_captions_and_credits(published_issue, read_pdf):
    make.typical_article(published_issue, photos=2)

    edition = build(published_issue)

    text = pdf_of(edition, read_pdf).text
    assert "科普大篷车活动现场1" in text and "科普大篷车活动现场2" in text
    assert "摄影：张伟" in text
    assert "（供稿：省科协科普部）" in text


def test_contents_can_print_the_recorded_page_numbers(published_issue, read_pdf):
    fill(published_issue)

    edition = build(published_issue, print_edition.Layout.of("A4", recorded_pages=True))

    contents = squeezed(pdf_of(edition, read_pdf).pages[1])
    assert re.search(r"省科协召开学术年会筹备会\.+12科普大篷车开进山区学校\.+13", contents)
    assert re.search(r"冬小麦为什么要熬过寒冬\.+30", contents)


def test_sixteen_mo_paper_gives_smaller_pages(published_issue, read_pdf):
    fill(published_issue)

    a4 = build(published_issue, print_edition.Layout.of("A4"))
    b5 = build(published_issue, print_edition.Layout.of("B5"))

    assert a4.file.name != b5.file.name
    assert b5.page_total >= a4.page_total
    assert "16开" in print_edition.file_name(b5)


def test_unchanged_issue_keeps_its_stored_pdf(published_issue, django_capture_on_commit_callbacks):
    fill(published_issue)
    with django_capture_on_commit_callbacks(execute=True):
        first = build(published_issue)

    with django_capture_on_commit_callbacks(execute=True):
        again = build(published_issue)

    assert again.file.name == first.file.name
    assert again.built_at == first.built_at
    assert stored_pdfs() == [first.file.name]


def test_changed_content_is_rebuilt_and_the_old_file_removed(
    published_issue, read_pdf, django_capture_on_commit_callbacks
):
    fill(published_issue)
    with django_capture_on_commit_callbacks(execute=True):
        first = build(published_issue)
    article = published_issue.articles.get(title="科普大篷车开进山区学校")
    article.title = "科普大篷车走进山区学校"
    article.save()

    with django_capture_on_commit_callbacks(execute=True):
        second = build(published_issue)

    assert second.file.name != first.file.name
    assert "科普大篷车走进山区学校" in pdf_of(second, read_pdf).text
    assert stored_pdfs() == [second.file.name]


def test_schedule_rebuild_builds_a_released_issue_pdf_after_commit(published_issue, django_capture_on_commit_callbacks):
    fill(published_issue)

    with django_capture_on_commit_callbacks(execute=True):
        print_edition.schedule_rebuild(published_issue.pk)

    assert print_edition.public_edition(published_issue).state == IssuePrint.State.READY


def test_publishing_and_withdrawing_in_a_released_issue_rebuild_the_pdf_readers_download(
    published_issue, newsroom, read_pdf, django_capture_on_commit_callbacks
):
    fill(published_issue)
    article = newsroom.approved(published_issue, title="院士专家走进乡村中学", section=make.section("科协动态"))

    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, by=newsroom.chief)
    assert "院士专家走进乡村中学" in squeezed(pdf_of(print_edition.public_edition(published_issue), read_pdf).text)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(article, by=newsroom.chief, comment="重复刊发")
    assert "院士专家走进乡村中学" not in squeezed(pdf_of(print_edition.public_edition(published_issue), read_pdf).text)


def test_schedule_rebuild_leaves_an_issue_in_the_making_alone(draft_issue, django_capture_on_commit_callbacks):
    fill(draft_issue)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        print_edition.schedule_rebuild(draft_issue.pk)

    assert callbacks == []
    assert not IssuePrint.objects.exists()


def test_images_from_outside_storage_are_never_fetched(published_issue, read_pdf, caplog):
    make.article(
        published_issue,
        title="正文中有外部图片的稿件",
        body='<p>正文。</p><figure class="image"><img src="http://198.51.100.7/tracker.png" alt="外部图片"></figure>',
    )

    edition = build(published_issue)

    assert edition.state == IssuePrint.State.READY
    assert "正文中有外部图片的稿件" in pdf_of(edition, read_pdf).text
    assert "not a media or static file: http://198.51.100.7/tracker.png" in caplog.text


def test_preparing_an_issue_takes_the_same_queries_whatever_its_size(db):
    def queries(articles):
        issue = make.issue()
        for n in range(articles):
            make.photo(make.article(issue, section=make.section(f"栏目{n % 4}", order=n % 4)), caption="会场")
        with CaptureQueriesContext(connection) as captured:
            print_edition.render_issue(issue, print_edition.public_layout())
        return len(captured)

    assert queries(2) == queries(30)


def test_command_builds_an_issue_pdf_with_a_progress_bar(draft_issue, capsys):
    fill(draft_issue)

    call_command("build_issue_pdf", "2026-3", "--paper", "16开")

    out, err = capsys.readouterr()
    edition = IssuePrint.objects.get(issue=draft_issue, paper="B5")
    assert edition.state == IssuePrint.State.READY and edition.proof
    assert f"共 {edition.page_total} 页" in out
    assert "4/4" in err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["2026-3", "--paper", "A3"], "纸张“A3”无法打印，请选择：A4、16开。"),
        (["第三期"], "没有找到期刊“第三期”。请写作“年份-期号”，如 2026-6。"),
        (["2031-1"], "没有找到期刊“2031-1”。"),
    ],
)
def test_command_explains_bad_input_in_chinese(draft_issue, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("build_issue_pdf", *arguments)
