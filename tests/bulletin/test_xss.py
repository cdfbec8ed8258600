"""Nothing an editor pastes can attack a reader.

Each payload is saved as rich text the way the admin saves it, then the public page is parsed
with an HTML5 parser — as a browser would — and searched for anything that runs, loads or
submits. Markup an article quotes as text stays text in every output that shows it.
"""

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from icalendar import Calendar

from bulletin import print_edition, workflow
from tests import factories as make
from tests.print.conftest import (
    read_pdf,  # noqa: F401 -- reading the print edition back, as there
    squeezed,
)
from tests.xss import PAYLOADS, local, parse, visible_text
from tests.xss import dangers as active_content

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"

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


# Text that shows code ---------------------------------------------------------------------------

# An article on web security quotes markup, in a paragraph and in a code block: readers must see
# these characters, in every output.
QUOTED = ["<img src=x onerror=alert(1)>", "<svg onload=alert(2)>"]
QUOTING_BODY = (
    '<p>&lt;img src=x onerror=alert(1)&gt;</p><pre><code class="language-html">&lt;svg onload=alert(2)&gt;</code></pre>'
)
QUOTING_TITLE = "网页里的 <img> 与 <svg> 标签"


@dataclass
class Shown:
    """What a reader of one output sees, the markup (if any) a program renders it from, and
    the quoted markup it must show as text: the body's, or the title's where it shows the title."""

    text: str
    markup: str = ""
    quoted: tuple = tuple(QUOTED)


def title(text, markup=""):
    return Shown(text, markup, quoted=(QUOTING_TITLE,))


@dataclass
class Quoting:
    article: object
    event: object


@pytest.fixture
def quoting(newsroom, published_issue):
    article = make.article(
        published_issue,
        title=QUOTING_TITLE,
        body=QUOTING_BODY,
        section=make.section("网络安全"),
        created_by=newsroom.author,
        updated_by=newsroom.author,
    )
    return Quoting(article=article, event=make.event(title=QUOTING_TITLE, description=QUOTING_BODY))


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def part(html, css_class):
    """The markup of the element of ``html`` that has ``css_class``, as a reader's browser parsed it."""
    (element,) = [e for e in parse(html).iter() if css_class in (e.get("class") or "").split()]
    return ET.tostring(element, encoding="unicode", method="html")


def in_page(client, url, css_class):
    markup = part(page(client, url), css_class)
    return [Shown(visible_text(markup), markup)]


def article_page(client, quoting, request):
    return in_page(client, quoting.article.get_absolute_url(), "article__body")


def issue_contents(client, quoting, request):
    markup = part(page(client, quoting.article.issue.get_absolute_url()), "toc__title")
    return [title(visible_text(markup), markup)]


def section_listing(client, quoting, request):
    markup = part(page(client, quoting.article.section.get_absolute_url()), "item__title")
    return [title(visible_text(markup), markup)]


def search_snippet(client, quoting, request):
    return in_page(client, reverse("website:search") + "?q=onerror", "search-snippet")


def rss(client, quoting, request):
    item = ET.fromstring(page(client, reverse("bulletin:feed-rss"))).find("channel/item")
    name, description = item.findtext("title"), item.findtext("description")
    return [title(visible_text(name), name), Shown(visible_text(description), description)]


def atom(client, quoting, request):
    entry = ET.fromstring(page(client, reverse("bulletin:feed-atom"))).find(f"{ATOM}entry")
    summary = entry.findtext(f"{ATOM}summary")
    return [title(entry.findtext(f"{ATOM}title")), Shown(visible_text(summary), summary)]


def link_preview(client, quoting, request):
    head = parse(page(client, quoting.article.get_absolute_url())).find("head")
    meta = {m.get("property") or m.get("name"): m.get("content") for m in head.iter("meta")}
    (data,) = [s.text for s in head.iter("script") if s.get("type") == "application/ld+json"]
    # The JSON-LD is read as data, and must not end its <script> early: no "<" in it at all.
    assert "<" not in data
    data = json.loads(data)
    return [
        title(meta["description"]),
        Shown(meta["og:description"]),
        title(meta["og:title"]),
        Shown(data["description"]),
        title(data["headline"]),
    ]


def print_html(client, quoting, request):
    html = print_edition.render_issue(quoting.article.issue, print_edition.public_layout()).html
    markup = part(html, "article__body")
    return [Shown(visible_text(markup), markup)]


def print_pdf(client, quoting, request):
    edition = print_edition.edition_for(quoting.article.issue, print_edition.public_layout())
    edition = print_edition.build_edition(edition.pk)
    pdf = request.getfixturevalue("read_pdf")(default_storage.path(edition.file.name))
    # pdftotext sets words apart by where they stand on the page.
    return [Shown(" ".join(quoted for quoted in QUOTED if squeezed(quoted) in squeezed(pdf.text)) or pdf.text)]


def email(client, quoting, request):
    newsroom = request.getfixturevalue("newsroom")
    draft = make.draft(by=newsroom.author, title=QUOTING_TITLE, body=QUOTING_BODY)
    with request.getfixturevalue("django_capture_on_commit_callbacks")(execute=True):
        workflow.submit(draft, by=newsroom.author)
    (mail,) = request.getfixturevalue("mailoutbox")
    return [title(mail.subject), title(mail.body)]


def revision_diff(client, quoting, request):
    newsroom = request.getfixturevalue("newsroom")
    revision = workflow.start_revision(
        quoting.article, by=newsroom.author, changes={"body": f"{QUOTING_BODY}<p>补充一句。</p>"}
    )
    workflow.submit(revision, by=newsroom.author)
    client.force_login(newsroom.reviewer)
    return in_page(client, reverse("review:article-diff", args=[revision.pk]), "review-field__text")


def event_page(client, quoting, request):
    return in_page(client, quoting.event.get_absolute_url(), "prose")


def event_calendar(client, quoting, request):
    url = reverse("events:event-ics", kwargs={"slug": quoting.event.slug})
    (event,) = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    return [title(str(event["SUMMARY"])), Shown(str(event["DESCRIPTION"]))]


OUTPUTS = [
    article_page,
    issue_contents,
    section_listing,
    search_snippet,
    rss,
    atom,
    link_preview,
    print_html,
    print_pdf,
    email,
    revision_diff,
    event_page,
    event_calendar,
]


@pytest.mark.parametrize("output", OUTPUTS, ids=lambda output: output.__name__)
def test_text_that_shows_code_stays_text_in_every_output(client, quoting, request, output):
    for shown in output(client, quoting, request):
        assert [quoted for quoted in shown.quoted if quoted not in shown.text] == []
        if shown.markup:
            assert [e.attrib for e in parse(shown.markup).iter() if local(e.tag) in ("img", "svg")] == []
            assert active_content(shown.markup) == []
