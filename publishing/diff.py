"""Differences between two versions of an article that read well in Chinese.

Chinese has no spaces, so a line or word diff marks whole clauses. Text is cut into jieba
words (single characters where jieba finds no word), and only the words that changed are
marked: changing one character of a sentence marks that character's word, not the sentence.
An image in rich text reads as a line of its own naming it, so adding, removing or replacing
one shows in the diff like a paragraph.
"""

import difflib
import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from publishing.sanitize import RichTextField
from publishing.segmenter import tokenizer

BLOCK_TAGS = {"p", "h2", "h3", "h4", "li", "blockquote", "pre", "figcaption", "tr", "br", "hr"}


@dataclass
class FieldDiff:
    label: str
    html: str


def text_of(html):
    """The readable text of rich text, one line per paragraph, heading, list item or image."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    lines = "".join(parser.parts).split("\n")
    return "\n".join(line.strip() for line in lines if line.strip())


def tokens(text):
    return tokenizer().lcut(text or "", HMM=False)


def characters(text):
    return list(text or "")


def diff_html(old, new, *, split=tokens):
    """``new`` as HTML with removed words in <del> and added words in <ins>.

    Paragraphs are matched first, so an added paragraph is marked whole and a changed one is
    compared word by word (or by whatever pieces ``split`` cuts a line into: ``characters``
    marks each character changed).
    """
    before, after = (old or "").split("\n"), (new or "").split("\n")
    lines = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            lines += [format_html("{}", line) for line in after[b1:b2]]
            continue
        paired = min(a2 - a1, b2 - b1) if op == "replace" else 0
        lines += [_diff_words(before[a1 + i], after[b1 + i], split) for i in range(paired)]
        lines += [format_html("<del>{}</del>", line) for line in before[a1 + paired : a2]]
        lines += [format_html("<ins>{}</ins>", line) for line in after[b1 + paired : b2]]
    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))


def _diff_words(old, new, split):
    before, after = split(old), split(new)
    pieces = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("{}", "".join(after[b1:b2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("<del>{}</del>", "".join(before[a1:a2])))
        if op in ("insert", "replace"):
            pieces.append(("<ins>{}</ins>", "".join(after[b1:b2])))
    return format_html_join("", "{}", ((format_html(template, text),) for template, text in pieces))


def compare(old, new, fields):
    """The fields of ``new`` that differ from ``old`` (a model instance or None), marked up.

    ``fields`` are model field names; rich text is compared as its readable text.
    """
    changes = []
    for name in fields:
        field = new._meta.get_field(name)
        before = _readable(old, field) if old is not None else ""
        after = _readable(new, field)
        if before != after:
            changes.append(FieldDiff(label=str(field.verbose_name), html=diff_html(before, after)))
    return changes


def _readable(obj, field):
    value = getattr(obj, field.attname)
    if isinstance(field, RichTextField):
        return text_of(value)
    if field.is_relation:
        related = getattr(obj, field.name)
        return "" if related is None else str(related)
    return "" if value is None else str(value)


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "img":
            attributes = dict(attrs)
            name = attributes.get("alt") or posixpath.basename(attributes.get("src") or "")
            self.parts.append(f"\n〔图片：{name}〕\n")

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)
