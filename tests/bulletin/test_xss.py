"""Nothing an editor pastes can attack a reader.

Each payload is saved as rich text the way the admin saves it, then the public page is parsed
with an HTML5 parser — as a browser would — and searched for anything that runs, loads or
submits.
"""

import pytest

from tests import factories as make
from tests.xss import PAYLOADS, local, parse
from tests.xss import dangers as active_content

pytestmark = pytest.mark.django_db

FORBIDDEN_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
    "textarea", "select", "style", "link", "meta", "base", "svg", "math", "template", "noscript",
}  # fmt: skip


def dangers(page_html):
    """What in a parsed page could run script or pull in outside content, or does not belong in its text."""
    main = parse(page_html).find(".//main")
    return active_content(page_html) + [
        f"<{local(e.tag)}> in main" for e in main.iter() if local(e.tag) in FORBIDDEN_ELEMENTS
    ]


@pytest.fixture
def issue():
    return make.issue()


def test_the_corpus_is_large_and_varied():
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_article_body_cannot_attack_a_reader(client, issue, payload):
    article = make.article(issue, body=f"<p>正文开头。</p>{payload}<p>正文结尾。</p>")

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert dangers(response.content.decode()) == []
    assert "正文结尾。" in response.content.decode()


@pytest.mark.parametrize("payload", PAYLOADS[::4])
def test_person_bio_cannot_attack_a_reader(client, issue, payload):
    person = make.person(name="王晓", bio=f"<p>简介。</p>{payload}")
    make.link(make.article(issue), person)

    response = client.get(person.get_absolute_url())

    assert response.status_code == 200
    assert dangers(response.content.decode()) == []


@pytest.mark.parametrize("payload", PAYLOADS[1::4])
def test_event_description_cannot_attack_a_reader(client, payload):
    event = make.event(description=f"<p>活动介绍。</p>{payload}")

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert dangers(response.content.decode()) == []


def test_what_ckeditor_produces_for_a_magazine_survives(client, issue):
    body = (
        '<h2>一、小标题</h2><p style="text-align:center;">居中的段落，<strong>加粗</strong>和<i>斜体</i>。</p>'
        "<blockquote><p>引文。</p></blockquote><ul><li>要点</li></ul>"
        '<figure class="image image_resized" style="width:50%;"><img src="/media/editor/2026/11/a.jpg" alt="图" '
        'width="800" height="600"><figcaption>图片说明</figcaption></figure>'
        '<figure class="table"><table><tbody><tr><td colspan="2">表格</td></tr></tbody></table></figure>'
        '<p><a href="https://www.example.org/">外部链接</a></p><hr>'
    )
    article = make.article(issue, body=body)

    saved = type(article).objects.get(pk=article.pk).body

    for kept in (
        "<h2>一、小标题</h2>",
        'style="text-align:center"',
        "<strong>加粗</strong>",
        "<blockquote>",
        '<figure class="image image_resized" style="width:50%">',
        "<figcaption>图片说明</figcaption>",
        '<td colspan="2">表格</td>',
        '<a href="https://www.example.org/" rel="noopener noreferrer">外部链接</a>',
        "<hr>",
    ):
        assert kept in saved
    assert dangers(client.get(article.get_absolute_url()).content.decode()) == []
