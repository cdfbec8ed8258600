"""Word import over a fixed sample of contributions in every byline shape (``docx_samples/``):
each file gives what ``expected.toml`` says, and the command imports the folder as drafts."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from bench.docx_accuracy import SAMPLES, expected, observed
from bulletin.docx_import import read_docx
from bulletin.models import Article, ArticlePerson
from tests import factories as make

EXPECTED = expected(SAMPLES / "expected.toml")


def test_the_manifest_names_every_sample_file():
    assert set(EXPECTED) == {path.name for path in SAMPLES.glob("*.docx")}


@pytest.mark.parametrize("name", EXPECTED)
def test_a_sample_file_gives_what_the_manifest_expects(name):
    assert observed(read_docx(SAMPLES / name)) == EXPECTED[name]


@pytest.fixture
def section(db):
    return make.section("科协动态")


def test_the_command_imports_the_sample_folder_and_links_the_authors(section, draft_issue, editor):
    speaker, reporter, unit_author = make.person("林振华"), make.person("陶然"), make.person("孟庆川")
    out = io.StringIO()

    call_command(
        "import_docx", str(SAMPLES), section="科协动态", issue="2026-3", user="editor", stdout=out, verbosity=0
    )

    drafts = list(Article.objects.order_by("position"))
    assert [(a.title, a.byline, a.contributor) for a in drafts] == [
        (fields["title"], fields["byline"], fields["contributor"]) for fields in EXPECTED.values()
    ]
    assert {(a.status, a.issue, a.section) for a in drafts} == {(Article.Status.DRAFT, draft_issue, section)}
    links = ArticlePerson.objects.order_by("article__position")
    assert [(link.article.byline, link.person, link.role, link.printed_title) for link in links] == [
        ("文_河南农业大学资源与环境学院  孟庆川 白露", unit_author, ArticlePerson.Role.AUTHOR, ""),
        ("本刊记者 陶然", reporter, ArticlePerson.Role.AUTHOR, ""),
        ("省科协党组书记、主席  林振华", speaker, ArticlePerson.Role.AUTHOR, "省科协党组书记、主席"),
    ]
    assert "已导入 24 篇草稿" in out.getvalue()
    assert "署名：文_本刊特约记者  孔令仪（署名（文_单位 姓名））" in out.getvalue()


def test_a_dry_run_prints_what_would_be_recognised_and_creates_nothing(section, editor):
    out = io.StringIO()

    call_command("import_docx", str(SAMPLES), dry_run=True, stdout=out, verbosity=0)

    assert not Article.objects.exists()
    printed = out.getvalue()
    assert "试读 24 个文件，没有创建任何稿件" in printed
    assert "《13 倡议书.docx》→《致全省科技工作者的倡议书》\n    署名：河南省科学技术协会（文末落款）" in printed
    assert "    作者：林振华\n    职务：省科协党组书记、主席" in printed


def test_the_samples_are_small():
    assert all(path.stat().st_size < 20_000 for path in Path(SAMPLES).glob("*.docx"))
