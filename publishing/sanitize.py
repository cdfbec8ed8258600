"""Server-side cleaning of text: rich text on an allowlist, plain text without control characters.

The editor's own output is trusted no more than a hand-made POST, so every save of every
rich-text field goes through :func:`clean_html` (via :class:`RichTextField`). The allowlist
keeps what CKEditor 5 produces for a magazine — paragraphs, subheads, lists, quotes, links
(web, mail and telephone), tables, figures with captions, inline code and code blocks, rules —
and nothing that runs, loads or submits.

Plain text keeps no control character but tabs and line breaks (:func:`clean_lines`), and a
title or a name is one line (:func:`clean_line`): XML 1.0 has no place for the others, so one
of them in a title broke every feed listing it, and a line break in a mail's subject stopped
the mail.
"""

import html
import re

import nh3
from django.conf import settings
from django_ckeditor_5.fields import CKEditor5Field

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup", "span",
    "ul", "ol", "li", "blockquote", "hr", "a", "figure", "figcaption", "img", "code", "pre",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "td": {"colspan", "rowspan", "style"},
    "col": {"span"},
    "figure": {"style"},
    # Paragraphs, subheads and list items may be aligned.
    **{tag: {"style"} for tag in ("p", "h2", "h3", "h4", "li")},
}
# CKEditor marks figures with these classes; ``class`` must then not be in ALLOWED_ATTRIBUTES
# for the same tag, or nh3 refuses the contradictory allowlist with a PanicException.
ALLOWED_CLASSES = {
    "figure": {
        "image",
        "table",
        "image_resized",
        "image-style-side",
        "image-style-align-left",
        "image-style-align-center",
        "image-style-align-right",
    },
    # A code block's language, as the editor's code block writes it (<pre><code class="language-
    # python">); a class of any other name could borrow the site's styles, so it goes.
    "code": {
        f"language-{language['language']}"
        for language in settings.CKEDITOR_5_CONFIGS["default"]["codeBlock"]["languages"]
    },
}
# Alignment and the width of a resized image; no other CSS (no url(), no positioning).
STYLE_PROPERTIES = {"text-align", "width"}
# tel: dials a number on a phone; like mailto:, it opens another application and runs nothing.
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Where one block of text ends and the next begins, so their words do not run together.
BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre|figcaption|td|th)>|<br\s*/?>", re.IGNORECASE)
# The control characters ``str.splitlines()`` ends a line at. Word writes a line break within a
# paragraph as a vertical tab (\x0b) and a page break as a form feed (\x0c): pasted text keeps
# its lines. (U+2028 and U+2029 are not controls: XML and JSON-LD carry them.)
LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e]")
# Once line breaks are \n: the other C0 control characters but tab, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Line breaks and tabs, with the spaces around them, where a line is folded.
FOLD = re.compile(r" *[\t\n][\t\n ]*")


def clean_lines(text):
    """``text`` with every line break as ``\\n`` and no control character but tabs and those."""
    return CONTROL.sub("", LINE_BREAK.sub("\n", text))


def clean_line(text):
    """``text`` as one line: as :func:`clean_lines`, then each run of line breaks and tabs is a space."""
    return FOLD.sub(" ", clean_lines(text).strip("\t\n"))


def clean_html(html):
    """Return ``html`` with everything off the allowlist removed (tags, attributes, schemes, CSS),
    and control characters as in :func:`clean_lines`."""
    if not html:
        return ""
    return nh3.clean(
        clean_lines(html),
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "template", "noscript", "textarea", "title", "xmp", "iframe"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        filter_style_properties=STYLE_PROPERTIES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def text_content(rich_text):
    """The words of sanitised rich text on one line: tags dropped, blocks apart, entities decoded.

    For snippets and descriptions, which show a line of text. nh3 drops the tags in Rust, four
    times faster than Python's HTMLParser (``diff.text_of``, which keeps the paragraphs).
    """
    spaced = BLOCK_END.sub(" ", rich_text or "")
    return " ".join(html.unescape(nh3.clean(spaced, tags=set())).split())


class RichTextField(CKEditor5Field):
    """A CKEditor 5 field whose value is sanitised every time its model is saved."""

    def pre_save(self, model_instance, add):
        value = clean_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        # CKEditor5Field's own version, skipped here, stores rich text without words or pictures
        # as "", but it decodes entities before it drops tags, so words standing in angle
        # brackets ("&lt;待定&gt;") passed for a tag and were lost. The same rule, on the words;
        # a horizontal line is something the editor put there, as a picture is.
        value = super(CKEditor5Field, self).get_prep_value(value)
        if self.blank and value and not text_content(value) and "<img" not in value and "<hr" not in value:
            return ""
        return value
