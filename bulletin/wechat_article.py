"""An article as the official account's editor (公众号后台) takes it: HTML styled inline only.

That editor keeps the ``style`` attribute of what is pasted into it and drops whatever else styles
a page: ``<style>`` elements, classes, stylesheets. So every element here, the framing the site
prints around an article and its sanitised body alike, carries its look in its own ``style``;
images and links are absolute addresses on ``SITE_URL``, from which the editor copies the images
into WeChat. The staff page that offers it to copy is ``bulletin.admin.wechat``.
"""

import html
from html.parser import HTMLParser

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from bulletin.seo import absolute_url
from publishing import images
from publishing.sanitize import ALLOWED_TAGS

ACCENT = "#8c1c13"  # the site's red (static/css/site.css)
TEXT = "font-size:16px;line-height:1.75;color:#333333;letter-spacing:0.5px;"
MONOSPACE = "font-family:Menlo,Consolas,'Courier New',monospace;"
# The look of each element, close to the site's article page as a phone shows it. Keys are tags,
# or the names of the framing's parts.
STYLES = {
    "article": f"{TEXT}font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Microsoft YaHei',sans-serif;",
    "kicker": f"margin:0 0 4px;font-size:15px;line-height:1.5;color:{ACCENT};",
    "title": "margin:0 0 8px;font-size:22px;line-height:1.4;font-weight:bold;color:#222222;",
    "subtitle": "margin:0 0 12px;font-size:16px;line-height:1.5;color:#555555;",
    "byline": "margin:0 0 24px;font-size:14px;line-height:1.5;color:#888888;",
    "contributor": "margin:24px 0 0;font-size:14px;line-height:1.5;color:#888888;text-align:right;",
    "source": "margin:32px 0 0;padding-top:12px;border-top:1px solid #eeeeee;font-size:13px;line-height:1.6;"
    "color:#888888;word-break:break-all;",
    "p": f"margin:0 0 16px;{TEXT}text-align:justify;",
    "h2": f"margin:32px 0 16px;font-size:18px;line-height:1.5;font-weight:bold;color:{ACCENT};",
    "h3": "margin:24px 0 12px;font-size:17px;line-height:1.5;font-weight:bold;color:#222222;",
    "h4": "margin:20px 0 10px;font-size:16px;line-height:1.5;font-weight:bold;color:#222222;",
    "blockquote": f"margin:16px 0;padding:8px 16px;border-left:3px solid {ACCENT};background-color:#f7f5f2;"
    "color:#555555;",
    "ul": "margin:0 0 16px;padding-left:2em;",
    "ol": "margin:0 0 16px;padding-left:2em;",
    "li": f"margin:0 0 6px;{TEXT}",
    "a": "color:#576b95;text-decoration:none;",
    "strong": "font-weight:bold;",
    "b": "font-weight:bold;",
    "em": "font-style:italic;",
    "i": "font-style:italic;",
    "u": "text-decoration:underline;",
    "s": "text-decoration:line-through;",
    "sub": "font-size:75%;vertical-align:sub;",
    "sup": "font-size:75%;vertical-align:super;",
    "figure": "margin:24px 0;",
    "img": "display:block;max-width:100%;height:auto;margin:0 auto;",
    "figcaption": "margin:8px 0 0;font-size:14px;line-height:1.5;color:#888888;text-align:center;",
    "table": "width:100%;margin:16px 0;border-collapse:collapse;font-size:14px;line-height:1.5;",
    "caption": "margin-bottom:8px;font-size:14px;color:#888888;",
    "th": "padding:6px 8px;border:1px solid #dddddd;background-color:#f5f5f5;font-weight:bold;",
    "td": "padding:6px 8px;border:1px solid #dddddd;",
    "hr": "margin:32px 0;border:0;border-top:1px solid #dddddd;",
    "pre": f"margin:16px 0;padding:12px;overflow-x:auto;background-color:#f6f8fa;{MONOSPACE}font-size:13px;"
    "line-height:1.5;white-space:pre;",
    "code": f"{MONOSPACE}font-size:14px;padding:1px 4px;background-color:#f6f8fa;",
    "code in pre": MONOSPACE,
}
# Attributes of the sanitised body that still mean something once pasted; class and the image's
# width and height (the style sizes it) are left behind.
KEPT_ATTRIBUTES = {"href", "title", "alt", "colspan", "rowspan", "scope", "span"}
VOID = {"br", "hr", "img", "col"}
# Images go as the widest rendition up to this: sharp on a phone, light for the editor to copy.
IMAGE_WIDTH = 1080


def image_address(name, storage=None):
    """The absolute address of the stored image ``name`` at most ``IMAGE_WIDTH`` wide."""
    storage = storage or default_storage
    picture = images.picture(name, storage)
    if picture is None:
        return absolute_url(storage.url(name))
    return absolute_url(picture.at_most(IMAGE_WIDTH).url)


def _attributes(tag, attrs, *, in_pre):
    style = STYLES.get("code in pre" if tag == "code" and in_pre else tag, "")
    kept = []
    for name, value in attrs:
        value = value or ""
        if name == "style":
            # The editor's own alignment and image width, after the look so that they win.
            style += value.strip().rstrip(";") + ";"
        elif name == "src" and tag == "img":
            stored = images.stored_name(value)
            kept.append(("src", image_address(stored) if stored else absolute_url(value)))
        elif name == "href":
            kept.append(("href", absolute_url(value) if value.startswith("/") else value))
        elif name in KEPT_ATTRIBUTES:
            kept.append((name, value))
    if style:
        kept.append(("style", style))
    return "".join(f' {name}="{html.escape(value)}"' for name, value in kept)


class InlineStyles(HTMLParser):
    """Sanitised rich text written again with each element's look inline, no class, and
    absolute addresses. What is not on the sanitiser's allowlist is left out, its text kept."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.in_pre = 0

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            return
        self.parts.append(f"<{tag}{_attributes(tag, attrs, in_pre=self.in_pre > 0)}>")
        self.in_pre += tag == "pre"

    def handle_endtag(self, tag):
        if tag not in ALLOWED_TAGS or tag in VOID:
            return
        self.in_pre -= tag == "pre"
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        self.parts.append(html.escape(data, quote=False))


def styled(rich_text):
    """Sanitised rich text with inline styles only (:class:`InlineStyles`)."""
    parser = InlineStyles()
    parser.feed(rich_text or "")
    parser.close()
    return mark_safe("".join(parser.parts))


def _line(tag, look, text):
    if not text:
        return ""
    return format_html('<{} style="{}">{}</{}>', tag, STYLES[look], text, tag)


def _photo(photo):
    caption = "　".join(filter(None, [photo.caption, f"摄影：{photo.credit}" if photo.credit else ""]))
    return format_html(
        '<figure style="{}"><img src="{}" alt="{}" style="{}">{}</figure>',
        STYLES["figure"],
        image_address(photo.image.name, photo.image.storage),
        photo.alt or photo.caption,
        STYLES["img"],
        _line("figcaption", "figcaption", caption),
    )


def _source(article):
    """Where the article was printed, and its address on the web."""
    url = absolute_url(article.get_absolute_url())
    if article.issue_id:
        where = f"本文刊于《{settings.PERIODICAL_NAME}》{article.issue}"
        if article.page_range:
            where += f"第{article.page_range}页"
    else:
        where = f"本文为《{settings.PERIODICAL_NAME}》网站新闻"
    return format_html(
        '<p style="{}">{}。网络版：<a href="{}" style="{}">{}</a></p>', STYLES["source"], where, url, STYLES["a"], url
    )


def article_html(article):
    """The article (public, loaded with ``for_detail()``) as the official account's editor takes
    it: kicker, title, subtitle, byline, the body, the photos with their captions, the 供稿
    credit and a link back to its page on the site, every element styled inline."""
    parts = [
        _line("p", "kicker", article.kicker),
        _line("h1", "title", article.title),
        _line("p", "subtitle", article.subtitle),
        _line("p", "byline", article.byline),
        styled(article.body),
        *(_photo(photo) for photo in article.photos.all()),
        _line("p", "contributor", f"（供稿：{article.contributor}）" if article.contributor else ""),
        _source(article),
    ]
    return format_html('<section style="{}">{}</section>', STYLES["article"], mark_safe("".join(parts)))
