"""A contribution's framing, found in mammoth's parsed document: the lines above and below the
body (kicker, title, subtitle, byline, 供稿 credit) and the photo captions are recognised and
dropped, and embedded images are collected as photos.
"""

import logging
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from mammoth import documents

from bulletin.docx_import.recognising import (
    CREDIT,
    CREDIT_AT_END,
    DATE,
    KICKER,
    NUMBERED,
    REPORTER_AT_END,
    SUBTITLE,
    TITLE_MAX,
    Rule,
    balanced,
    clean_line,
    closing_byline,
    head_byline,
    looks_like_title,
    split_photo_credit,
    title_from_file_name,
)
from bulletin.models import Article, ArticlePerson, ArticlePhoto
from publishing.images import inspect_image

logger = logging.getLogger(__name__)

# Subheads of the body; the title itself is taken out before conversion. “标题 1” is the name
# WPS gives the built-in heading styles.
STYLE_MAP = """
p[style-name='Title'] => h2:fresh
p[style-name='Heading 1'] => h2:fresh
p[style-name='Heading 2'] => h3:fresh
p[style-name='Heading 3'] => h4:fresh
p[style-name='标题 1'] => h2:fresh
p[style-name='标题 2'] => h3:fresh
p[style-name='标题 3'] => h4:fresh
p[style-name='Caption'] => p:fresh
p[style-name='题注'] => p:fresh
"""
HEADING_STYLES = re.compile(r"^(title|heading \d|标题(\s*\d)?)$", re.IGNORECASE)
HEADING_LEVEL = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
CAPTION_STYLES = {"caption", "题注"}

CAPTION_MAX = 60
# The title is looked for among this many leading lines (a kicker, a column label, a date).
TITLE_LOOKAHEAD = 3


@dataclass
class ImportedPhoto:
    content: bytes
    extension: str
    caption: str = ""
    credit: str = ""


@dataclass
class ImportedArticle:
    """What one Word file holds, recognised and ready to become a draft."""

    file_name: str
    title: str
    body: str
    kicker: str = ""
    subtitle: str = ""
    byline: str = ""
    byline_rule: str = ""  # the Chinese name of the rule that recognised it (recognising.Rule)
    affiliation: str = ""
    author_names: list = field(default_factory=list)
    author_title: str = ""  # a speaker's role as printed, “省科协党组书记、领导小组组长”
    contributor: str = ""
    paragraph_count: int = 0
    photos: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


class NoText(Exception):
    pass


class Reader:
    """Recognises the framing lines of one document while mammoth converts it.

    mammoth calls :meth:`transform` with the parsed document before converting it (the
    recognised lines are dropped there), then :meth:`convert_image` for each image in document
    order; images are collected as photos and leave nothing in the body.
    """

    def __init__(self, file_name):
        self.file_name = file_name
        self.fields = {}
        self.author_names = []
        self.captions = []
        self.photos = []
        self.warnings = []
        self.paragraph_count = 0
        self.images_seen = 0

    def transform(self, document):
        blocks = list(document.children)
        if not any(_text(block) for block in blocks):
            raise NoText
        dropped = set()
        start = self._recognise_head(blocks, dropped)
        self._recognise_credit(blocks, dropped, start)
        self._recognise_captions(blocks, dropped)
        if "byline" not in self.fields:
            self._recognise_closing(blocks, dropped, start)
        body = [_without_bookmarks(block) for i, block in enumerate(blocks) if i not in dropped]
        body = _subheads_from_level_one(body)
        self.paragraph_count = sum(
            1 for block in body if isinstance(block, documents.Paragraph) and _text(block) and not _is_heading(block)
        )
        if not any(_text(block) for block in body):
            self.warnings.append("正文是空的。")
        return document.copy(children=body)

    def convert_image(self, image):
        position = self.images_seen
        self.images_seen += 1
        label = f"第 {position + 1} 张图片没有导入"
        try:
            with image.open() as stream:
                content = stream.read()
        except Exception:
            logger.warning("Could not read image %d of %s", position + 1, self.file_name, exc_info=True)
            self.warnings.append(f"{label}：无法读取这张图片（可能是链接到文件之外的图片）。")
            return []
        try:
            # The project's one validation of uploaded images (publishing.images.validate_image),
            # asked for the format too.
            facts = inspect_image(ContentFile(content, name=f"image{position + 1}"))
        except ValidationError as error:
            self.warnings.append(f"{label}：{' '.join(error.messages)}")
            return []
        caption = self.captions[position] if position < len(self.captions) else ""
        caption, credit = split_photo_credit(caption)
        self.photos.append(ImportedPhoto(content=content, extension=facts.extension, caption=caption, credit=credit))
        return []

    def article(self, body_html):
        return ImportedArticle(
            file_name=self.file_name,
            body=body_html,
            author_names=self.author_names,
            paragraph_count=self.paragraph_count,
            photos=self.photos,
            warnings=self.warnings,
            **self.fields,
        )

    # The lines above the body: kicker, title, subtitle, byline ---------------------------------

    def _recognise_head(self, blocks, dropped):
        """Find the title and the lines around it; return the index of the first body block."""
        leading = [i for i, block in enumerate(blocks) if _has_content(block)][:TITLE_LOOKAHEAD]
        title_at = self._find_title(blocks, leading)
        if title_at is None:
            self.fields["title"] = title_from_file_name(self.file_name)
            self.warnings.append(f"没有识别出标题，暂用文件名“{self.fields['title']}”作标题，请修改。")
            return 0
        self.fields["title"] = self._fit("title", _line(blocks[title_at]))
        dropped.add(title_at)
        before = [i for i in leading if i < title_at]
        if before and KICKER.match(_line(blocks[before[-1]])):
            self.fields["kicker"] = self._fit("kicker", _line(blocks[before[-1]]))
            dropped.add(before.pop())
        if before:
            left = "”“".join(_line(blocks[i]) for i in before)
            self.warnings.append(f"标题前的“{left}”没有识别，留在了正文开头。")

        end = title_at + 1
        for i in range(title_at + 1, len(blocks)):
            block = blocks[i]
            if not _has_content(block):
                continue
            line = _line(block) if isinstance(block, documents.Paragraph) else ""
            byline = head_byline(line) if line and not _is_heading(block) and "byline" not in self.fields else None
            if SUBTITLE.match(line) and "subtitle" not in self.fields:
                self.fields["subtitle"] = self._fit("subtitle", SUBTITLE.sub("——", line))
            elif byline:
                self._take_byline(byline)
            else:
                break
            dropped.add(i)
            end = i + 1
        return end

    def _find_title(self, blocks, leading):
        lines = [_line(blocks[i]) if isinstance(blocks[i], documents.Paragraph) else "" for i in leading]
        # A heading among the leading lines, if only short lines (a kicker, a label) come before it;
        # after a byline or a subtitle, or numbered, it is the body's first subhead.
        for n, i in enumerate(leading):
            if not _is_heading(blocks[i]) or not lines[n] or NUMBERED.match(lines[n]):
                continue
            if all(0 < len(line) <= TITLE_MAX and not _framing(line) for line in lines[:n]):
                return i
        # Otherwise the first line, or the line after a kicker.
        if len(leading) > 1 and KICKER.match(lines[0]) and looks_like_title(lines[1]):
            return leading[1]
        if leading and looks_like_title(lines[0]):
            return leading[0]
        return None

    def _take_byline(self, byline):
        self.fields.update(
            byline=self._fit("byline", byline.text),
            byline_rule=byline.rule.value,
            affiliation=byline.affiliation,
            author_title=self._fit_title(byline.title),
        )
        self.author_names = byline.names
        if not byline.names and not (byline.rule is Rule.CLOSING and byline.affiliation):
            self.warnings.append(f"署名“{byline.text}”中没有识别出作者姓名，请手工添加作者。")

    # The 供稿 credit, usually the last line -------------------------------------------------------

    def _recognise_credit(self, blocks, dropped, start):
        credits = []
        for i in range(start, len(blocks)):
            line = _line(blocks[i]) if isinstance(blocks[i], documents.Paragraph) else ""
            match = CREDIT.fullmatch(line) if line else None
            if match and balanced(line):
                credits.append(match["who"])
                dropped.add(i)
        if not credits:
            credits = self._credit_at_end_of_text(blocks, dropped, start)
        if credits:
            # Each credit as written; several lines are joined with the house's “、”.
            self.fields["contributor"] = self._fit("contributor", "、".join(dict.fromkeys(credits)))

    def _credit_at_end_of_text(self, blocks, dropped, start):
        """A credit typed at the end of the last paragraph: “……取得实效。（供稿：省科协办公室）”."""
        last = next(
            (i for i in range(len(blocks) - 1, start - 1, -1) if i not in dropped and _text(blocks[i])),
            None,
        )
        if last is None or not isinstance(blocks[last], documents.Paragraph):
            return []
        raw = _raw_text(blocks[last])
        match = CREDIT_AT_END.search(raw)
        if match is None or match.start() == 0:
            return []
        blocks[last] = _drop_tail(blocks[last], len(raw) - match.start())
        return [match["who"]]

    # A byline at the end: a signature line, or a reporters' credit --------------------------------

    def _recognise_closing(self, blocks, dropped, start):
        """A signature on the last line, or above a closing date (which stays in the body), or
        a reporters' credit typed at the end of the last paragraph: “……（通讯员 王敏 李涛）”."""
        lines = [i for i in range(start, len(blocks)) if i not in dropped and _has_content(blocks[i])][-2:]
        if not lines or not _plain_line(blocks[lines[-1]]):
            return
        last = lines[-1]
        dated = bool(DATE.match(_line(blocks[last])))
        if dated:
            if len(lines) < 2 or not _plain_line(blocks[lines[0]]):
                return
            last = lines[0]
        byline = closing_byline(_line(blocks[last]), dated=dated)
        if byline:
            dropped.add(last)
            self._take_byline(byline)
            return
        raw = _raw_text(blocks[last]).rstrip()
        match = REPORTER_AT_END.search(raw)
        byline = closing_byline(match.group(), dated=dated) if match and match.start() > 0 else None
        if byline:
            blocks[last] = _drop_tail(blocks[last], len(_raw_text(blocks[last])) - match.start())
            self._take_byline(byline)

    # Photo captions: a short line right after an image ------------------------------------------

    def _recognise_captions(self, blocks, dropped):
        for i, block in enumerate(blocks):
            count = _count_images(block)
            if not count:
                continue
            captions = [""] * count
            following = next((j for j in range(i + 1, len(blocks)) if _has_content(blocks[j])), None)
            if (
                isinstance(block, documents.Paragraph)
                and following is not None
                and following not in dropped
                and _is_caption(blocks[following])
            ):
                # One caption under several images in one line describes them together.
                captions[-1] = self._fit_caption(_line(blocks[following]))
                dropped.add(following)
            self.captions += captions

    # Keeping within the model's limits ----------------------------------------------------------

    def _fit(self, name, value):
        limit = Article._meta.get_field(name).max_length
        if len(value) <= limit:
            return value
        label = Article._meta.get_field(name).verbose_name
        self.warnings.append(f"{label}超过 {limit} 字，已截断，请检查。")
        return value[:limit]

    def _fit_title(self, value):
        return value[: ArticlePerson._meta.get_field("printed_title").max_length]

    def _fit_caption(self, value):
        return value[: ArticlePhoto._meta.get_field("caption").max_length]


def _is_heading(block):
    return isinstance(block, documents.Paragraph) and bool(HEADING_STYLES.match((block.style_name or "").strip()))


def _subheads_from_level_one(blocks):
    """Shift the body's headings so that its top level becomes h2.

    A contribution whose title is “Heading 1” has its subheads in “Heading 2”; without the
    title they are the body's first level and should read as such.
    """
    levels = {i: int(match[1]) for i, block in enumerate(blocks) if (match := _heading_level(block))}
    shift = min(levels.values(), default=1) - 1
    if not shift:
        return blocks
    return [
        block.copy(style_name=f"Heading {levels[i] - shift}", style_id=None) if i in levels else block
        for i, block in enumerate(blocks)
    ]


def _heading_level(block):
    if not isinstance(block, documents.Paragraph):
        return None
    return HEADING_LEVEL.match((block.style_name or "").strip())


def _is_caption(block):
    if not isinstance(block, documents.Paragraph) or _count_images(block):
        return False
    line = _line(block)
    if not line or len(line) > CAPTION_MAX:
        return False
    return line.startswith(("图", "▲", "△")) or (block.style_name or "").strip().lower() in CAPTION_STYLES


# The parsed document ----------------------------------------------------------------------------


def _raw_text(element):
    """The element's text with one character for each tab and line break."""
    if isinstance(element, documents.Text):
        return element.value
    if isinstance(element, documents.Tab):
        return "\t"
    if isinstance(element, documents.Break):
        return "\n"
    return "".join(_raw_text(child) for child in getattr(element, "children", None) or [])


def _text(element):
    return _raw_text(element).strip()


def _line(element):
    """The text of a paragraph as written, on one line (``recognising.clean_line``)."""
    return clean_line(_raw_text(element))


def _plain_line(block):
    """Whether ``block`` is a line of text that may be framing: not a subhead, an item of a list,
    a table or an image."""
    return (
        isinstance(block, documents.Paragraph)
        and not _is_heading(block)
        and block.numbering is None
        and not _count_images(block)
        and bool(_text(block))
    )


def _framing(line):
    return bool(SUBTITLE.match(line) or head_byline(line))


def _count_images(element):
    if isinstance(element, documents.Image):
        return 1
    return sum(_count_images(child) for child in getattr(element, "children", None) or [])


def _has_content(block):
    return bool(_text(block)) or bool(_count_images(block)) or isinstance(block, documents.Table)


def _without_bookmarks(element):
    """``element`` without Word's bookmarks, which would become empty links."""
    children = getattr(element, "children", None)
    if not children:
        return element
    return element.copy(children=[_without_bookmarks(c) for c in children if not isinstance(c, documents.Bookmark)])


def _drop_tail(element, count):
    """A copy of ``element`` with the last ``count`` characters of its text removed."""
    if isinstance(element, documents.Text):
        return element.copy(value=element.value[: max(len(element.value) - count, 0)])
    children = list(getattr(element, "children", None) or [])
    for i in range(len(children) - 1, -1, -1):
        if count <= 0:
            break
        length = len(_raw_text(children[i]))
        if length == 0:
            continue  # an image or a bookmark: not text
        children[i] = _drop_tail(children[i], count) if length > count else None
        count -= length
    return element.copy(children=[child for child in children if child is not None])
