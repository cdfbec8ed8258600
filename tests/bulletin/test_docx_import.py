"""Word import: contributions as .docx files become draft articles, and bad files create nothing."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from PIL import Image

from bulletin import docx_import
from bulletin.docx_import import DocxImportError, import_articles, read_docx, split_byline
from bulletin.models import Article, ArticlePerson, ArticlePhoto, Issue, StagedImport
from tests import factories as make
from tests.conftest import Page

IMPORT_URL = "/admin/bulletin/article/import/"


def read(name="稿件.docx", **document):
    return read_docx(make.docx_upload(name, **document))


def body_of(html):
    return Page.parse(html)


@pytest.fixture
def section(db):
    return make.section("科协动态")


@pytest.fixture
def opinion_piece():
    """The signed analysis of the studied issue: kicker, subtitle, byline with affiliation, subheads, credit."""
    return make.docx(
        "乡村振兴需要科技赋能",
        kicker="观察：",
        subtitle="——关于县域科技服务体系的思考",
        byline="文_省社会科学院经济研究所  李可 余明",
        paragraphs=["县域是乡村振兴的主战场。", "科技服务要沉到田间地头。"],
        heading="一、县域科技服务的短板",
        contributor="（供稿：省科协办公室）",
    )


# Reading a document --------------------------------------------------------------------------------


def test_framing_lines_are_recognised(opinion_piece):
    article = read_docx(make.docx_upload(content=opinion_piece))

    assert article.kicker == "观察："
    assert article.title == "乡村振兴需要科技赋能"
    assert article.subtitle == "——关于县域科技服务体系的思考"
    assert article.byline == "文_省社会科学院经济研究所  李可 余明"
    assert article.byline_rule == "署名（文_单位 姓名）"
    assert article.affiliation == "省社会科学院经济研究所"
    assert article.author_names == ["李可", "余明"]
    assert article.contributor == "省科协办公室"
    assert article.warnings == []


def test_recognised_lines_are_removed_from_the_body(opinion_piece):
    body = body_of(read_docx(make.docx_upload(content=opinion_piece)).body)

    for line in ["观察：", "乡村振兴需要科技赋能", "——关于", "文_", "供稿"]:
        assert not body.contains(line), line


def test_chinese_paragraphs_are_kept_in_order(opinion_piece):
    article = read_docx(make.docx_upload(content=opinion_piece))

    assert body_of(article.body).in_order(
        "县域是乡村振兴的主战场。", "一、县域科技服务的短板", "科技服务要沉到田间地头。"
    )
    assert article.paragraph_count == 2


def test_a_subhead_becomes_h2(opinion_piece):
    body = body_of(read_docx(make.docx_upload(content=opinion_piece)).body)

    assert [Page(h).text for h in body.element.iter("h2")] == ["一、县域科技服务的短板"]


def test_subheads_one_level_below_the_title_also_become_h2():
    article = read(title_style="Heading 1", heading="一、“彗星送水”说", heading_style="Heading 2")

    assert "<h2>一、“彗星送水”说</h2>" in article.body


def test_a_table_is_kept_as_table_markup():
    article = read(table=[["单位", "参赛作品"], ["郑州市科协", "12"]])

    assert body_of(article.body).rows() == [["单位", "参赛作品"], ["郑州市科协", "12"]]


def test_without_a_heading_the_first_line_is_the_title():
    article = read(title="读史明理守初心 科技为民勇担当", title_style=None)

    assert article.title == "读史明理守初心 科技为民勇担当"
    assert not body_of(article.body).contains("读史明理守初心")


def test_a_kicker_is_the_short_line_ending_with_a_colon_before_the_title():
    article = read(kicker="难解之谜：", title="地球的水从哪里来", title_style=None)

    assert (article.kicker, article.title) == ("难解之谜：", "地球的水从哪里来")


def test_a_subhead_after_the_byline_is_not_taken_for_the_title():
    article = read(title="读史明理守初心", title_style=None, byline="文_张启航", paragraphs=(), heading="一、背景")

    assert article.title == "读史明理守初心"
    assert "<h2>一、背景</h2>" in article.body


def test_a_line_before_a_heading_title_stays_in_the_body_with_a_warning():
    article = read(kicker="科协动态", title="省科协召开全委会议")

    assert (article.title, article.kicker) == ("省科协召开全委会议", "")
    assert body_of(article.body).text.startswith("科协动态")
    assert article.warnings == ["标题前的“科协动态”没有识别，留在了正文开头。"]


def test_word_bookmarks_leave_no_empty_links():
    document = make.python_docx.Document()
    document.add_paragraph("省科协召开全委会议", style="Heading 1")
    subhead = document.add_paragraph("一、会议内容", style="Heading 2")
    bookmark = OxmlElement("w:bookmarkStart")
    bookmark.set(qn("w:id"), "0")
    bookmark.set(qn("w:name"), "_Toc7431")
    subhead._p.insert(0, bookmark)
    buffer = io.BytesIO()
    document.save(buffer)

    article = read(content=buffer.getvalue())

    assert article.body == "<h2>一、会议内容</h2>"


def test_an_untitled_brief_is_titled_after_its_file_and_says_so():
    long_first_line = "4月22—28日，全省科普大篷车进校园活动走进12所乡村学校，受到师生欢迎。"
    article = read("03 科普大篷车进校园.docx", title=None, paragraphs=[long_first_line])

    assert article.title == "科普大篷车进校园"
    assert body_of(article.body).contains(long_first_line)
    assert "没有识别出标题" in article.warnings[0]


@pytest.mark.parametrize(
    ("text", "affiliation", "names"),
    [
        ("省社会科学院经济研究所 李可 余明", "省社会科学院经济研究所", ["李可", "余明"]),
        ("张启航", "", ["张启航"]),
        ("省科协 李可", "省科协", ["李可"]),
        ("河南农业大学　欧阳明远、李娜", "河南农业大学", ["欧阳明远", "李娜"]),
        ("省社会科学院经济研究所李可", "省社会科学院经济研究所李可", []),
        ("某某单位 张三", "某某单位", ["张三"]),
        ("河南日报 张三", "河南日报", ["张三"]),
        ("郑州大学商学院 李爽；河南农业大学 余操", "郑州大学商学院；河南农业大学", ["李爽", "余操"]),
        ("本刊记者 张三 通讯员 李四", "", ["张三", "李四"]),
    ],
)
def test_a_byline_splits_into_affiliation_and_names(text, affiliation, names):
    assert split_byline(text) == (affiliation, names)


@pytest.mark.parametrize(
    "role", ["本刊记者", "本刊通讯员", "本报通讯员", "特约记者", "记者", "通讯员", "实习生", "摄影", "见习记者"]
)
def test_a_role_is_never_a_name(role):
    assert not docx_import.is_name(role)
    assert split_byline(f"{role} 王敏")[1] == ["王敏"]
    assert docx_import.head_byline(f"{role} 王敏").names == ["王敏"]


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("文_省科协科普部 张三", "署名（文_单位 姓名）"),
        ("文/张三", "署名（文_单位 姓名）"),
        ("图/文 张三", "署名（文_单位 姓名）"),
        ("文_郑州大学商学院 李爽；河南农业大学 余操", "署名（多位作者及单位）"),
        ("作者：河南农业大学 欧阳明远", "署名（作者：）"),
        ("本刊记者 张三", "记者署名"),
        ("通讯员 王敏 李涛", "记者署名"),
        ("省科协党组书记、领导小组组长  谈朗玉", "讲话人（职务 姓名）"),
        ("郑州市科技馆 许安然", "署名（单位 姓名）"),
    ],
)
def test_a_line_under_the_title_names_the_rule_that_recognised_it(line, rule):
    assert docx_import.head_byline(line).rule.value == rule


@pytest.mark.parametrize(
    "line",
    ["记者从省科协获悉，活动将于下月举行。", "前言", "一、背景", "党史学习教育", "河南省科学技术协会"],
)
def test_a_line_under_the_title_that_is_not_a_byline(line):
    assert docx_import.head_byline(line) is None


def test_a_speaker_s_role_is_kept_for_the_link_to_the_speaker():
    article = read(
        title="在全省学会工作座谈会上的讲话",
        byline="党组成员、副主席  邵文博",
        paragraphs=["（2026年3月18日）", "同志们："],
    )

    assert (article.byline, article.byline_rule) == ("党组成员、副主席  邵文博", "讲话人（职务 姓名）")
    assert (article.author_names, article.author_title) == (["邵文博"], "党组成员、副主席")
    # The dateline has no field of its own: it stays where it prints, under the byline.
    assert body_of(article.body).in_order("（2026年3月18日）", "同志们：")


def test_a_signature_at_the_end_above_a_date_is_the_byline_and_the_date_stays():
    article = read(paragraphs=[*make.NEWS_PARAGRAPHS, "河南省科学技术协会", "2026年4月16日"])

    assert (article.byline, article.byline_rule, article.author_names) == ("河南省科学技术协会", "文末落款", [])
    assert article.warnings == []
    body = body_of(article.body)
    assert not body.contains("河南省科学技术协会")
    assert body.text.endswith("2026年4月16日")


def test_reporters_credited_at_the_end_of_the_last_paragraph_are_taken_out_of_it():
    article = read(paragraphs=["会议要求各单位抓好落实。（通讯员 王敏 李涛）"], contributor="（供稿：省科协办公室）")

    assert (article.byline, article.byline_rule) == ("通讯员 王敏 李涛", "文末记者署名")
    assert article.author_names == ["王敏", "李涛"]
    assert body_of(article.body).text == "会议要求各单位抓好落实。"


@pytest.mark.parametrize("last", ["会议要求各单位抓好落实。", "欢迎广大市民踊跃参与", "张三"])
def test_a_last_line_that_is_not_a_signature_stays_in_the_body(last):
    article = read(paragraphs=[*make.NEWS_PARAGRAPHS, last])

    assert article.byline == ""
    assert body_of(article.body).text.endswith(last)


def test_title_and_byline_keep_the_spaces_the_contributor_typed():
    article = read(title=" 讲话  研究\t之一 ", byline="文_省科协  张三")

    assert (article.title, article.byline) == ("讲话  研究 之一", "文_省科协  张三")


@pytest.mark.parametrize("prefix", ["文_", "文/", "文／", "文/图 "])
def test_byline_prefixes(prefix):
    article = read(byline=f"{prefix}张启航")

    assert article.author_names == ["张启航"]


def test_a_byline_without_names_asks_for_them():
    article = read(byline="文_省社会科学院经济研究所课题组")

    assert article.author_names == []
    assert any("没有识别出作者姓名" in warning for warning in article.warnings)


@pytest.mark.parametrize(
    ("line", "contributor"),
    [
        ("（供稿：省科协办公室）", "省科协办公室"),
        ("(供稿:科普部)", "科普部"),
        ("（供稿：科普部，学会部）", "科普部，学会部"),
        ("（供稿单位：郑州市科协）", "郑州市科协"),
    ],
)
def test_contributor_line_variants(line, contributor):
    article = read(contributor=line)

    assert article.contributor == contributor
    assert not body_of(article.body).contains("供稿")


def test_a_credit_typed_at_the_end_of_the_last_paragraph_is_taken_out_of_it():
    article = read(paragraphs=["会议要求各单位抓好落实。（供稿：省科协办公室）"])

    assert article.contributor == "省科协办公室"
    assert body_of(article.body).text == "会议要求各单位抓好落实。"


# Images --------------------------------------------------------------------------------------------


def test_an_image_becomes_a_photo_with_its_caption_and_leaves_the_body(section, editor):
    upload = make.docx_upload(image=True, caption="图为动员大会现场（摄影：张伟）", heading="一、会议部署")

    [result] = import_articles([upload], issue=None, section=section, by=editor)

    [photo] = ArticlePhoto.objects.filter(article=result.article)
    assert (photo.caption, photo.credit) == ("图为动员大会现场", "张伟")
    assert Image.open(photo.image).size == (40, 30)
    body = body_of(result.article.body)
    assert body.images() == []
    assert "data:" not in result.article.body
    assert not body.contains("图为动员大会现场")


def test_a_line_after_an_image_that_is_not_a_caption_stays_in_the_body():
    article = read(image=True, caption="会议强调，要把党史学习教育同科协工作结合起来，推动各项任务落实落地。")

    assert article.photos[0].caption == ""
    assert body_of(article.body).contains("会议强调")


def test_an_image_the_site_cannot_show_is_skipped_with_a_warning():
    article = read(image=make.image_bytes("TIFF"))

    assert article.photos == []
    assert any(warning.startswith("第 1 张图片没有导入：不支持 TIFF 格式的图片") for warning in article.warnings)


# Creating drafts -----------------------------------------------------------------------------------


def test_byline_names_are_linked_to_the_people_of_that_name(section, editor, opinion_piece):
    li = make.person("李可")
    make.person("张伟")

    [result] = import_articles([make.docx_upload(content=opinion_piece)], issue=None, section=section, by=editor)

    links = ArticlePerson.objects.filter(article=result.article)
    assert [(link.person, link.role, link.position) for link in links] == [(li, ArticlePerson.Role.AUTHOR, 0)]
    assert result.authors_linked == [li]
    assert [(a.name, a.candidates) for a in result.authors_unmatched] == [("余明", 0)]


def test_a_name_shared_by_several_people_is_left_for_the_editor_to_choose(section, editor):
    make.person("王芳")
    make.person("王芳")

    [result] = import_articles([make.docx_upload(byline="文_王芳")], issue=None, section=section, by=editor)

    assert not ArticlePerson.objects.filter(article=result.article).exists()
    assert result.authors_unmatched[0].reason == "人物库中有 2 位同名者"


def test_a_batch_becomes_drafts_in_order_after_the_section_s_articles(section, editor, draft_issue):
    make.article(draft_issue, section=section, position=5, title="已有稿件")
    files = [make.docx_upload(f"{n}.docx", title=title) for n, title in enumerate(["甲稿", "乙稿", "丙稿"], 1)]

    results = import_articles(files, issue=draft_issue, section=section, by=editor)

    created = Article.objects.filter(pk__in=[r.article.pk for r in results]).order_by("position")
    assert [(a.title, a.position) for a in created] == [("甲稿", 6), ("乙稿", 7), ("丙稿", 8)]
    assert {(a.issue, a.section, a.status, a.created_by, a.updated_by) for a in created} == {
        (draft_issue, section, Article.Status.DRAFT, editor, editor)
    }
    assert {a.history.get().history_user for a in created} == {editor}


def test_the_result_reports_what_was_recognised(section, editor, opinion_piece):
    [result] = import_articles(
        [make.docx_upload("观察.docx", content=opinion_piece)], issue=None, section=section, by=editor
    )

    assert (result.file_name, result.title, result.kicker, result.contributor) == (
        "观察.docx",
        "乡村振兴需要科技赋能",
        "观察：",
        "省科协办公室",
    )
    assert (result.paragraph_count, result.photo_count) == (2, 0)


# Bad files -----------------------------------------------------------------------------------------


def _zip(**members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("__", "/"), content)
    return buffer.getvalue()


def _with_broken_body():
    source = zipfile.ZipFile(io.BytesIO(make.docx()))
    members = {info.filename.replace("/", "__"): source.read(info) for info in source.infolist()}
    members["word__document.xml"] = b"<w:document><w:body><w:p>"
    return _zip(**members)


def _empty_document():
    buffer = io.BytesIO()
    make.python_docx.Document().save(buffer)
    return buffer.getvalue()


OLE = docx_import.OLE_MAGIC + bytes(504)

BAD_FILES = {
    "random bytes": (bytes(range(256)) * 8, "不是 Word 文档"),
    "a zip that is not a docx": (_zip(notes__readme_txt=b"hello"), "不是 Word 文档（.docx）：这是一个压缩包"),
    "a password-protected docx": (OLE + "EncryptionInfo".encode("utf-16-le") + bytes(64), "文件设有打开密码"),
    "an old .doc": (OLE + "WordDocument".encode("utf-16-le") + bytes(64), "这是旧版 Word 文档（.doc）"),
    "an empty document": (_empty_document(), "文档中没有文字"),
    "a truncated docx": (make.docx()[:1500], "文件已损坏（不完整）"),
    "a docx with a broken body": (_with_broken_body(), "文件已损坏"),
    "zero bytes": (b"", "文件是空的"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_gives_a_chinese_error_and_creates_nothing(kind, section, editor):
    content, reason = BAD_FILES[kind]

    with pytest.raises(DocxImportError) as error:
        import_articles([make.docx_upload("来稿.docx", content=content)], issue=None, section=section, by=editor)

    assert f"《来稿.docx》：{reason}" in str(error.value)
    assert "没有创建任何稿件" in str(error.value)
    assert not Article.objects.exists()


def test_a_bad_file_among_good_ones_creates_nothing_and_names_every_bad_file(section, editor, media_root):
    files = [
        make.docx_upload("01 好稿.docx", image=True),
        make.docx_upload("02 坏稿.docx", content=b"not a docx"),
        make.docx_upload("03 好稿.docx"),
        make.docx_upload("04 空稿.docx", content=_empty_document()),
    ]

    with pytest.raises(DocxImportError) as error:
        import_articles(files, issue=None, section=section, by=editor)

    assert [name for name, _ in error.value.problems] == ["02 坏稿.docx", "04 空稿.docx"]
    assert not Article.objects.exists()
    assert not ArticlePhoto.objects.exists()


def test_a_failure_while_creating_leaves_no_photo_files(section, editor, media_root, monkeypatch):
    files = [make.docx_upload("1.docx", image=True), make.docx_upload("2.docx", image=True, title="第二篇")]
    real_save = Article.save

    def save_once(article, *args, **kwargs):
        if Article.objects.exists():
            raise RuntimeError("database went away")
        real_save(article, *args, **kwargs)

    monkeypatch.setattr(Article, "save", save_once)

    with pytest.raises(RuntimeError):
        import_articles(files, issue=None, section=section, by=editor)

    assert not Article.objects.exists()
    assert [path for path in media_root.rglob("*") if path.is_file()] == []


# The admin -----------------------------------------------------------------------------------------


def test_the_article_list_offers_word_import_to_editors(staff_client, read_page):
    page = read_page(staff_client.get(reverse("admin:bulletin_article_changelist")))

    assert ("从 Word 导入", IMPORT_URL) in page.anchors()


def test_the_import_form_offers_only_draft_issues(staff_client, read_page, draft_issue, published_issue):
    page = read_page(staff_client.get(IMPORT_URL))

    issue_select = page.find("select", name="issue")
    assert issue_select.contains(str(draft_issue))
    assert not issue_select.contains(str(published_issue))
    assert page.find("input", type="file", name="files", multiple="", accept=".docx") is not None


def upload(client, files, section, issue=None):
    """Step one: post the files; returns the review page's address."""
    response = client.post(IMPORT_URL, {"files": files, "issue": issue.pk if issue else "", "section": section.pk})
    assert response.status_code == 302, response.status_code
    return response["Location"]


def review_form(client, read_page, review_url, **changes):
    """What the review page posts as it stands, with ``changes`` (``{"files-0-title": …}``)."""
    return {**read_page(client.get(review_url)).form("docx-review"), **changes}


def imported(client, read_page, files, section, issue=None, **changes):
    """Upload, then create the drafts from the review page (with ``changes``); the last response."""
    review_url = upload(client, files, section, issue)
    return client.post(review_url, review_form(client, read_page, review_url, **changes))


def staged_files(media_root):
    folder = media_root / "imports"
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def test_uploading_shows_what_was_recognised_and_creates_nothing_yet(
    staff_client, read_page, section, draft_issue, opinion_piece, media_root
):
    review_url = upload(staff_client, [make.docx_upload("观察.docx", content=opinion_piece)], section, draft_issue)

    page = read_page(staff_client.get(review_url))
    assert not Article.objects.exists()
    assert page.contains("观察.docx")
    assert page.contains("署名规则：署名（文_单位 姓名）")
    assert page.contains("单位：省社会科学院经济研究所")
    assert page.contains("正文 2 段")
    form = page.form("docx-review")
    assert (form["files-0-title"], form["files-0-kicker"], form["files-0-subtitle"]) == (
        "乡村振兴需要科技赋能",
        "观察：",
        "——关于县域科技服务体系的思考",
    )
    assert (form["files-0-byline"], form["files-0-author_names"], form["files-0-contributor"]) == (
        "文_省社会科学院经济研究所  李可 余明",
        "李可、余明",
        "省科协办公室",
    )
    assert [path.name for path in staged_files(media_root)] == ["001.docx"]


def test_staged_files_are_reachable_at_no_media_address(client, staff_client, section, media_root, editor):
    upload(staff_client, [make.docx_upload()], section)
    [path] = staged_files(media_root)
    address = "/media/" + path.relative_to(media_root).as_posix()

    assert staff_client.get(address).status_code == 404
    client.logout()
    assert client.get(address).status_code == 404
    client.force_login(make.chief("zhubian"))
    assert client.get(address).status_code == 404


def test_creating_the_drafts_opens_the_single_draft(staff_client, read_page, section, draft_issue, opinion_piece):
    make.person("李可")

    response = imported(
        staff_client, read_page, [make.docx_upload("观察.docx", content=opinion_piece)], section, draft_issue
    )

    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:bulletin_article_change", args=[article.pk])
    messages = read_page(staff_client.get(response["Location"])).messages()
    assert any("已从《观察.docx》导入并保存为草稿" in m and "作者 李可（已关联）" in m for m in messages)
    assert any("（署名（文_单位 姓名））" in m for m in messages)
    # The draft is saved already: the message must not ask for a save the editor need not make.
    assert not any("保存。" in m for m in messages)
    assert any("作者“余明”没有关联" in m for m in messages)


def test_the_editor_s_corrections_are_what_is_saved(
    staff_client, read_page, section, media_root, django_capture_on_commit_callbacks
):
    zhang = make.person("张启航")
    make.person("通讯员")  # a person wrongly entered under a role is never linked for it
    upload_ = make.docx_upload(title="省科协召开全委会议", byline="通讯员 王敏", contributor="（供稿：办公室）")

    with django_capture_on_commit_callbacks(execute=True):
        response = imported(
            staff_client,
            read_page,
            [upload_],
            section,
            **{
                "files-0-title": "省科协召开十届三次全委会议",
                "files-0-byline": "本刊记者  张启航",
                "files-0-author_names": "张启航",
                "files-0-contributor": "省科协办公室，科普部",
            },
        )

    article = Article.objects.get()
    assert (article.title, article.byline, article.contributor) == (
        "省科协召开十届三次全委会议",
        "本刊记者  张启航",
        "省科协办公室，科普部",
    )
    assert [link.person for link in ArticlePerson.objects.filter(article=article)] == [zhang]
    assert staged_files(media_root) == []
    messages = read_page(staff_client.get(response["Location"])).messages()
    assert any("署名“本刊记者 张启航”（编辑填写）" in m for m in messages)


def test_posting_the_review_again_creates_nothing_more(staff_client, read_page, section):
    review_url = upload(staff_client, [make.docx_upload("01.docx"), make.docx_upload("02.docx")], section)
    data = review_form(staff_client, read_page, review_url)

    first = staff_client.post(review_url, data)
    again = staff_client.post(review_url, data)

    assert first["Location"] == reverse("admin:bulletin_article_import_summary")
    assert again.status_code == 302
    assert again["Location"] == IMPORT_URL
    assert Article.objects.count() == 2
    assert "这批文件已经导入或已经取消，没有再创建稿件。" in read_page(staff_client.get(IMPORT_URL)).messages()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"files-0-author_names": "李可、省科协"}, "“省科协”不是人名"),
        ({"files-0-author_names": "本刊记者 李可"}, "“本刊记者”是身份，不是人名"),
        ({"files-0-author_names": "Li Ke"}, "“Li”、“Ke”不是人名"),
        ({"files-0-title": "  "}, "请填写标题。"),
    ],
)
def test_a_bad_correction_is_shown_on_the_review_form_and_nothing_is_lost(
    staff_client, read_page, section, media_root, changes, error
):
    review_url = upload(staff_client, [make.docx_upload(byline="文_李可")], section)

    page = read_page(staff_client.post(review_url, review_form(staff_client, read_page, review_url, **changes)))

    assert page.contains(error)
    assert page.contains("上传的文件仍然保留")
    assert not Article.objects.exists()
    assert len(staged_files(media_root)) == 1
    kept = page.form("docx-review")
    assert {name: kept[name] for name in changes} == changes


def test_cancelling_deletes_the_uploaded_files(staff_client, read_page, section, media_root):
    review_url = upload(staff_client, [make.docx_upload()], section)
    cancel_url = read_page(staff_client.get(review_url)).find("form", id="docx-cancel").element.get("action")

    response = staff_client.post(cancel_url)

    assert response["Location"] == IMPORT_URL
    assert staged_files(media_root) == []
    assert not StagedImport.objects.exists()
    assert staff_client.get(review_url)["Location"] == IMPORT_URL
    assert not Article.objects.exists()


def test_a_batch_whose_files_went_while_the_page_was_on_its_way_is_reported_gone(
    staff_client, read_page, section, media_root
):
    # Another request created (or cancelled) the batch between this one finding it and reading it.
    review_url = upload(staff_client, [make.docx_upload()], section)
    data = review_form(staff_client, read_page, review_url)
    for path in staged_files(media_root):
        path.unlink()

    response = staff_client.post(review_url, data)

    assert response.status_code == 302 and response["Location"] == IMPORT_URL
    assert not Article.objects.exists()


def test_another_user_s_staged_import_is_refused(client, staff_client, read_page, section, media_root):
    review_url = upload(staff_client, [make.docx_upload()], section)
    data = review_form(staff_client, read_page, review_url)
    client.force_login(make.editor("another-editor"))

    assert client.get(review_url).status_code == 403
    assert client.post(review_url, data).status_code == 403
    assert client.post(review_url + "cancel/").status_code == 403
    assert not Article.objects.exists()
    assert len(staged_files(media_root)) == 1


def test_an_import_left_unconfirmed_for_a_day_is_discarded_when_the_next_starts(staff_client, section, media_root):
    upload(staff_client, [make.docx_upload()], section)
    StagedImport.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    stale = staged_files(media_root)

    upload(staff_client, [make.docx_upload()], section)

    assert StagedImport.objects.count() == 1
    assert not any(path.exists() for path in stale)
    assert not stale[0].parent.exists()
    assert len(staged_files(media_root)) == 1


def test_uploading_several_files_shows_a_summary(staff_client, read_page, section, draft_issue, editor):
    files = [
        make.docx_upload("01.docx", title="省科协召开全委会议", contributor="（供稿：省科协办公室）"),
        make.docx_upload("02.docx", title="科普大篷车进校园", byline="文_张启航"),
    ]

    response = imported(staff_client, read_page, files, section, draft_issue)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:bulletin_article_import_summary")
    page = read_page(staff_client.get(response["Location"]))
    assert "已从 2 个 Word 文件导入 2 篇草稿。" in page.messages()
    first = Article.objects.order_by("position").first()
    assert (first.title, first.created_by) == ("省科协召开全委会议", editor)
    links = page.anchors()
    assert ("省科协召开全委会议", reverse("admin:bulletin_article_change", args=[first.pk])) in links
    assert ("新建人物", reverse("admin:people_person_add") + "?name=%E5%BC%A0%E5%90%AF%E8%88%AA") in links
    assert page.contains("省科协办公室")
    assert page.contains("文_张启航")
    assert page.contains("署名（文_单位 姓名）")


def test_the_new_person_link_fills_in_the_name(staff_client, read_page):
    page = read_page(staff_client.get(reverse("admin:people_person_add") + "?name=%E4%BD%99%E6%98%8E"))

    assert page.find("input", name="name", value="余明") is not None


def test_reloading_the_summary_creates_nothing_more(staff_client, read_page, section):
    imported(staff_client, read_page, [make.docx_upload("01.docx"), make.docx_upload("02.docx")], section)

    assert staff_client.get(reverse("admin:bulletin_article_import_summary")).status_code == 200
    assert Article.objects.count() == 2


def test_a_bad_upload_shows_the_error_and_keeps_nothing(staff_client, read_page, section, media_root):
    files = [make.docx_upload("好稿.docx"), make.docx_upload("坏稿.docx", content=b"PK\x03\x04broken")]

    page = read_page(staff_client.post(IMPORT_URL, {"files": files, "section": section.pk}))

    assert page.contains("以下文件无法导入，没有创建任何稿件")
    assert page.contains("《坏稿.docx》：文件已损坏（不完整）")
    assert not Article.objects.exists()
    assert not StagedImport.objects.exists()
    assert staged_files(media_root) == []


def test_an_oversized_file_is_refused(staff_client, read_page, section, monkeypatch):
    monkeypatch.setattr(docx_import, "MAX_FILE_MB", 0)

    page = read_page(staff_client.post(IMPORT_URL, {"files": [make.docx_upload("大.docx")], "section": section.pk}))

    assert page.contains("《大.docx》超过 0 MB")
    assert not Article.objects.exists()


def test_the_section_is_required(staff_client, read_page):
    page = read_page(staff_client.post(IMPORT_URL, {"files": [make.docx_upload()]}))

    assert page.contains("请选择栏目。")
    assert not Article.objects.exists()


def test_drafts_are_not_created_in_an_issue_released_meanwhile(
    staff_client, read_page, section, draft_issue, media_root
):
    review_url = upload(staff_client, [make.docx_upload()], section, draft_issue)
    data = review_form(staff_client, read_page, review_url)
    Issue.objects.filter(pk=draft_issue.pk).update(
        status=Issue.Status.PUBLISHED, published_at=timezone.now(), released_on=timezone.localdate()
    )

    page = read_page(staff_client.post(review_url, data))

    assert any("已出版，不能再导入稿件" in m for m in page.messages())
    assert not Article.objects.exists()
    assert len(staged_files(media_root)) == 1


def test_a_user_who_may_not_add_articles_is_refused_at_every_step(client, staff_client, read_page, section):
    review_url = upload(staff_client, [make.docx_upload()], section)
    data = review_form(staff_client, read_page, review_url)
    client.force_login(make.reviewer())

    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"files": [make.docx_upload()], "section": section.pk}).status_code == 403
    assert client.get(review_url).status_code == 403
    assert client.post(review_url, data).status_code == 403
    assert client.post(review_url + "cancel/").status_code == 403
    assert client.get(reverse("admin:bulletin_article_import_summary")).status_code == 403
    assert not Article.objects.exists()
    assert StagedImport.objects.count() == 1


# The management command ----------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path):
    for name, title in [("10 第三篇.docx", "第三篇"), ("2 第二篇.docx", "第二篇"), ("1 第一篇.docx", "第一篇")]:
        (tmp_path / name).write_bytes(make.docx(title=title, byline="文_张启航"))
    (tmp_path / "~$第一篇.docx").write_bytes(b"lock file of an open document")
    (tmp_path / "说明.txt").write_text("not imported")
    return tmp_path


def test_the_command_imports_a_folder_in_file_name_order(folder, section, draft_issue, editor):
    out = io.StringIO()

    call_command("import_docx", str(folder), section="科协动态", issue="2026-3", user="editor", stdout=out, verbosity=0)

    assert list(Article.objects.order_by("position").values_list("title", flat=True)) == ["第一篇", "第二篇", "第三篇"]
    assert set(Article.objects.values_list("issue", "status", "created_by")) == {
        (draft_issue.pk, Article.Status.DRAFT, editor.pk)
    }
    assert "已导入 3 篇草稿" in out.getvalue()
    assert "作者（没有关联）：张启航（人物库中没有此人）" in out.getvalue()


def test_the_command_fails_cleanly_on_a_bad_file(folder, section, editor):
    (folder / "5 坏稿.docx").write_bytes(b"\x00" * 100)

    with pytest.raises(CommandError, match=re.escape("《5 坏稿.docx》：不是 Word 文档")):
        call_command("import_docx", str(folder), section="科协动态", user="editor", verbosity=0)

    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"section": "没有这个栏目", "user": "editor"}, "没有名为“没有这个栏目”的栏目"),
        ({"section": "科协动态", "user": "editor", "issue": "2026年6期"}, "请写作“年份-期号”"),
        ({"section": "科协动态", "user": "editor", "issue": "2026-2"}, "已出版"),
        ({"section": "科协动态", "user": "nobody"}, "没有用户名为“nobody”的用户"),
    ],
)
def test_the_command_refuses_what_it_cannot_use(folder, section, editor, published_issue, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_docx", str(folder), verbosity=0, **options)

    assert not Article.objects.exists()
