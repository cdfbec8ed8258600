"""The reviewer's diff: Chinese text marked word by word (jieba), never a whole clause or line."""

import re

import pytest

from bulletin.models import Article
from publishing.diff import compare, diff_html, text_of
from tests import factories as make

FIELDS = ["kicker", "title", "subtitle", "summary", "body", "byline", "section"]


def test_changing_one_character_of_a_number_marks_only_that_word():
    html = diff_html("黄河地质博物馆今年接待观众十二万人次。", "黄河地质博物馆今年接待观众十三万人次。")

    assert html == "黄河地质博物馆今年接待观众<del>十二</del><ins>十三</ins>万人次。"


def test_adding_one_character_marks_only_that_character():
    html = diff_html("省科协主席出席会议并讲话。", "省科协副主席出席会议并讲话。")

    assert html == "省科协<ins>副</ins>主席出席会议并讲话。"


def test_replacing_a_word_in_a_long_clause_marks_only_that_word():
    html = diff_html(
        "全省科协系统召开动员大会，部署党史学习教育工作。", "全省科协系统召开动员大会，部署党史学习教育任务。"
    )

    assert html == "全省科协系统召开动员大会，部署党史学习教育<del>工作</del><ins>任务</ins>。"


def test_unchanged_text_is_not_marked():
    assert diff_html("省科协主席出席会议并讲话。", "省科协主席出席会议并讲话。") == "省科协主席出席会议并讲话。"


def marked(tag, html):
    """The text inside each <ins> or <del> of ``html``, line breaks left out."""
    return [piece.replace("<br>", "") for piece in re.findall(rf"<{tag}>(.*?)</{tag}>", html)]


def test_an_added_paragraph_is_marked_as_a_whole_and_nothing_else():
    old = text_of("<p>动员大会在郑州召开。</p><p>会议部署了下一步工作。</p>")
    new = text_of("<p>动员大会在郑州召开。</p><p>省科协主席出席会议并讲话。</p><p>会议部署了下一步工作。</p>")

    html = diff_html(old, new)

    assert marked("ins", html) == ["省科协主席出席会议并讲话。"]
    assert marked("del", html) == []
    assert html.count("<br>") == 2


def test_a_removed_paragraph_is_marked_as_a_whole_and_nothing_else():
    old = text_of("<p>动员大会在郑州召开。</p><p>省科协主席出席会议并讲话。</p><p>会议部署了下一步工作。</p>")
    new = text_of("<p>动员大会在郑州召开。</p><p>会议部署了下一步工作。</p>")

    html = diff_html(old, new)

    assert marked("del", html) == ["省科协主席出席会议并讲话。"]
    assert marked("ins", html) == []


def test_paragraphs_become_line_breaks():
    html = diff_html("", text_of("<h2>小标题</h2><p>第一段。</p><ul><li>一</li><li>二</li></ul>"))

    assert html == "<ins>小标题</ins><br><ins>第一段。</ins><br><ins>一</ins><br><ins>二</ins>"


def test_each_line_of_a_code_block_is_a_line_and_the_next_block_starts_a_new_one():
    html = diff_html(
        "", text_of('<pre><code>a = 1\nb = 2</code></pre><pre><code class="language-python">c = 3</code></pre>')
    )

    assert html == "<ins>a = 1</ins><br><ins>b = 2</ins><br><ins>c = 3</ins>"


def test_html_special_characters_in_the_text_are_escaped():
    html = diff_html("a < b & c", "a < b & d <script>alert(1)</script>")

    assert "<script>" not in html
    assert html.startswith("a &lt; b &amp; ")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_rich_text_is_compared_by_what_it_says():
    assert text_of("<p>A &amp; B &lt;C&gt;</p>") == "A & B <C>"
    assert diff_html(text_of("<p>A &amp; B</p>"), text_of("<p>A &amp; C</p>")) == "A &amp; <del>B</del><ins>C</ins>"


@pytest.mark.django_db
def test_compare_lists_only_the_changed_fields_with_their_chinese_labels():
    old = make.article(None, title="动员大会召开", subtitle="——记全省科协", body="<p>省科协主席出席会议并讲话。</p>")
    new = Article.objects.get(pk=old.pk)
    new.title = "动员大会隆重召开"
    new.body = "<p>省科协副主席出席会议并讲话。</p>"
    new.section = make.section("科海观澜")

    changes = compare(old, new, FIELDS)

    assert [change.label for change in changes] == ["标题", "正文", "栏目"]
    assert changes[1].html == "省科协<ins>副</ins>主席出席会议并讲话。"
    assert changes[2].html == "<del>科协动态</del><ins>科海观澜</ins>"


def test_an_image_reads_as_a_line_of_its_own_naming_it():
    html = '<p>开幕式现场。</p><figure class="image"><img src="/media/editor/2026/05/kaimu.jpg" alt=""></figure>'

    assert text_of(html) == "开幕式现场。\n〔图片：kaimu.jpg〕"
    assert text_of('<p>合影<img src="/media/editor/x.jpg" alt="与会代表合影"></p>') == "合影\n〔图片：与会代表合影〕"


@pytest.mark.django_db
def test_compare_shows_an_image_added_to_the_text():
    old = make.article(None, body="<p>省科协主席出席会议并讲话。</p>")
    new = Article.objects.get(pk=old.pk)
    new.body = old.body + '<figure class="image"><img src="/media/editor/2026/05/huichang.jpg" alt="会场"></figure>'

    (change,) = compare(old, new, FIELDS)

    assert change.html == "省科协主席出席会议并讲话。<br><ins>〔图片：会场〕</ins>"


@pytest.mark.django_db
def test_compare_ignores_a_change_of_markup_that_leaves_the_text_alone():
    old = make.article(None, body="<p>省科协主席出席会议并讲话。</p>")
    new = Article.objects.get(pk=old.pk)
    new.body = "<p><strong>省科协主席</strong>出席会议并讲话。</p>"

    assert compare(old, new, FIELDS) == []


@pytest.mark.django_db
def test_compare_with_a_history_record_shows_what_changed_since_then():
    article = make.article(None, title="科普讲座在郑州大学举行")
    article.title = "科普讲座在河南大学举行"
    article.save()
    first = article.history.earliest()

    changes = compare(first, article, FIELDS)

    assert [(c.label, c.html) for c in changes] == [("标题", "科普讲座在<del>郑州大学</del><ins>河南大学</ins>举行")]


@pytest.mark.django_db
def test_compare_with_nothing_lists_every_field_that_has_a_value():
    article = make.article(None, title="动员大会召开", byline="文_李可")

    changes = compare(None, article, FIELDS)

    assert [c.label for c in changes] == ["标题", "署名", "栏目"]
