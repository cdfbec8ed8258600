"""Word (.docx) import: contributions as editors receive them become draft articles.

:func:`read_docx` turns one file into an :class:`ImportedArticle`: mammoth converts the body to
plain semantic HTML, and the lines a contribution is framed with (kicker, title, subtitle,
byline, 供稿 credit, photo captions) are recognised and taken out of the body. Embedded images
become article photos, never inline markup. :func:`import_articles` reads a whole batch first
and creates drafts only when every file could be read, so a bad file creates nothing.
"""

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import mammoth
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from mammoth import documents

from bulletin.models import Article, ArticlePerson, ArticlePhoto
from people.models import Person
from publishing.images import inspect_image

logger = logging.getLogger(__name__)

MAX_FILE_MB = 20
# A .docx is a zip: refuse one whose parts would unpack to more than this (a zip bomb).
MAX_UNPACKED_MB = 200

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

KICKER_MAX = 20
TITLE_MAX = 60
CAPTION_MAX = 60
# The title is looked for among this many leading lines (a kicker, a column label, a date).
TITLE_LOOKAHEAD = 3

KICKER = re.compile(rf"^.{{1,{KICKER_MAX - 1}}}[：:]$")
SUBTITLE = re.compile(r"^(?:—{1,2}|─{1,2}|－{2}|-{2})\s*(?=\S)")
BYLINE = re.compile(r"^文\s*[_＿/／]\s*")
BYLINE_PHOTOS_TOO = re.compile(r"^图(?:\s*[_＿/／]\s*|\s+)")  # “文/图 张三”: text and photos by
CREDIT = re.compile(r"[（(]?\s*供\s*稿(?:单位)?\s*[：:]\s*(?P<who>[^（()）]+?)\s*[）)]?\s*$")
CREDIT_AT_END = re.compile(r"[（(]\s*供\s*稿(?:单位)?\s*[：:]\s*(?P<who>[^（()）]+?)\s*[）)]\s*$")
PHOTO_CREDIT = re.compile(r"\s*[（(]\s*(?:摄影\s*[：:/／_]?|(?:摄|图)\s*[：:/／_])\s*(?P<who>[^（()）]+?)\s*[）)]\s*$")
CREDIT_PARTS = re.compile(r"\s*[，,、；;]\s*")
FRAMING = re.compile(f"{SUBTITLE.pattern}|{BYLINE.pattern}")
NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．\s])")
NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,4}$")
# What a short affiliation ends with (“省科协”, “科技馆”), so that it is not taken for a name.
ORGANISATION_ENDINGS = (
    *"院校协局厅委所办部处站馆台社",
    "中心",
    "大学",
    "公司",
    "集团",
    "协会",
    "学会",
    "委员会",
    "联合会",
)
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


class DocxImportError(Exception):
    """One or more files could not be imported; ``problems`` pairs each file name with why.

    The message, in Chinese, names every bad file; nothing has been created.
    """

    def __init__(self, problems):
        self.problems = list(problems)
        lines = [f"《{name}》：{reason}" for name, reason in self.problems]
        super().__init__("以下文件无法导入，没有创建任何稿件：\n" + "\n".join(lines))

    @property
    def messages(self):
        return [f"《{name}》：{reason}" for name, reason in self.problems]


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
    affiliation: str = ""
    author_names: list = field(default_factory=list)
    contributor: str = ""
    paragraph_count: int = 0
    photos: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


@dataclass
class UnmatchedAuthor:
    name: str
    candidates: int  # people of that name already entered: 0, or several to choose from

    @property
    def reason(self):
        return "人物库中没有此人" if self.candidates == 0 else f"人物库中有 {self.candidates} 位同名者"


@dataclass
class ImportResult:
    """A draft created from one file, and what was recognised in it, for the editor to check."""

    file_name: str
    article: Article
    title: str
    subtitle: str
    kicker: str
    byline: str
    affiliation: str
    authors_linked: list  # Person, in byline order
    authors_unmatched: list  # UnmatchedAuthor, in byline order
    contributor: str
    paragraph_count: int
    photo_count: int
    warnings: list


# Reading ----------------------------------------------------------------------------------------


def read_docx(file):
    """Read one .docx (a path, or a file object with a name) into an :class:`ImportedArticle`.

    Raises :class:`DocxImportError` if it is not a readable Word document with some text.
    """
    name, content = _load(file)
    problem = _container_problem(content)
    if problem:
        raise DocxImportError([(name, problem)])
    reader = _Reader(name)
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(content),
            style_map=STYLE_MAP,
            include_embedded_style_map=False,
            transform_document=reader.transform,
            convert_image=reader.convert_image,
        )
    except _NoText:
        raise DocxImportError([(name, "文档中没有文字。")]) from None
    except Exception as error:
        # Whatever a damaged file makes the parser raise (bad XML, missing parts, CRC errors).
        logger.warning("Could not read %s", name, exc_info=True)
        raise DocxImportError([(name, "文件已损坏，无法读取其中的内容。")]) from error
    return reader.article(result.value)


def read_all(files):
    """Read every file before anything is created; one error lists every bad file."""
    articles, problems = [], []
    for file in files:
        try:
            articles.append(read_docx(file))
        except DocxImportError as error:
            problems += error.problems
    if problems:
        raise DocxImportError(problems)
    return articles


def _load(file):
    if isinstance(file, str | PathLike):
        path = Path(file)
        return path.name, path.read_bytes()
    name = Path(getattr(file, "name", "") or "未命名.docx").name
    if hasattr(file, "seek"):
        file.seek(0)
    return name, file.read()


def _container_problem(content):
    """Why ``content`` is not a .docx we can open, judged from its bytes; or None."""
    if not content:
        return "文件是空的（0 字节）。"
    if len(content) > MAX_FILE_MB * 1024 * 1024:
        return f"文件超过 {MAX_FILE_MB} MB。"
    if content.startswith(OLE_MAGIC):
        # Word keeps a password-protected .docx as an encrypted package in an OLE file, the
        # format of the old .doc as well; the stream names tell them apart.
        if "EncryptionInfo".encode("utf-16-le") in content:
            return "文件设有打开密码（已加密）。请在 Word 中取消密码并保存后再导入。"
        return "这是旧版 Word 文档（.doc）。请在 Word 中“另存为”.docx 格式后再导入。"
    if content.startswith(b"%PDF"):
        return "这是 PDF 文件，不是 Word 文档（.docx）。"
    if content.startswith(b"{\\rtf"):
        return "这是 RTF 文件。请在 Word 中“另存为”.docx 格式后再导入。"
    if not zipfile.is_zipfile(io.BytesIO(content)):
        if content.startswith(b"PK\x03\x04"):
            return "文件已损坏（不完整），可能没有完整下载或复制，请向来稿人重新索取。"
        return "不是 Word 文档（.docx）。"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
            return "不是 Word 文档（.docx）：这是一个压缩包，里面没有 Word 正文。"
        if sum(member.file_size for member in members) > MAX_UNPACKED_MB * 1024 * 1024:
            return "文件解压后过大，可能已损坏。"
    return None


class _NoText(Exception):
    pass


class _Reader:
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
            raise _NoText
        dropped = set()
        start = self._recognise_head(blocks, dropped)
        self._recognise_credit(blocks, dropped, start)
        self._recognise_captions(blocks, dropped)
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
            self.fields["title"] = _title_from_file_name(self.file_name)
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
            if SUBTITLE.match(line) and "subtitle" not in self.fields:
                self.fields["subtitle"] = self._fit("subtitle", SUBTITLE.sub("——", line))
            elif BYLINE.match(line) and "byline" not in self.fields:
                self._read_byline(line)
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
            if all(0 < len(line) <= TITLE_MAX and not FRAMING.match(line) for line in lines[:n]):
                return i
        # Otherwise the first line, or the line after a kicker.
        if len(leading) > 1 and KICKER.match(lines[0]) and _looks_like_title(lines[1]):
            return leading[1]
        if leading and _looks_like_title(lines[0]):
            return leading[0]
        return None

    def _read_byline(self, line):
        self.fields["byline"] = self._fit("byline", line)
        rest = BYLINE_PHOTOS_TOO.sub("", BYLINE.sub("", line, count=1), count=1)
        affiliation, names = split_byline(rest)
        self.fields["affiliation"] = affiliation
        self.author_names = names
        if not names:
            self.warnings.append(f"署名“{line}”中没有识别出作者姓名，请手工添加作者。")

    # The 供稿 credit, usually the last line -------------------------------------------------------

    def _recognise_credit(self, blocks, dropped, start):
        credits = []
        for i in range(start, len(blocks)):
            line = _line(blocks[i]) if isinstance(blocks[i], documents.Paragraph) else ""
            match = CREDIT.fullmatch(line) if line else None
            if match and _balanced(line):
                credits.append(match["who"])
                dropped.add(i)
        if not credits:
            credits = self._credit_at_end_of_text(blocks, dropped, start)
        if credits:
            parts = [part for credit in credits for part in CREDIT_PARTS.split(credit) if part]
            self.fields["contributor"] = self._fit("contributor", "、".join(dict.fromkeys(parts)))

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

    def _fit_caption(self, value):
        return value[: ArticlePhoto._meta.get_field("caption").max_length]


def split_byline(text):
    """Split what follows “文_” into an affiliation and author names.

    The names are the trailing 2–4-character Chinese words; the rest is the affiliation:
    “省社会科学院经济研究所 李可 余明” → (“省社会科学院经济研究所”, [“李可”, “余明”]).
    """
    tokens = [token for token in re.split(r"[\s、，,]+", text.strip()) if token]
    names = []
    while tokens and NAME.match(tokens[-1]) and not tokens[-1].endswith(ORGANISATION_ENDINGS):
        names.insert(0, tokens.pop())
    return " ".join(tokens), list(dict.fromkeys(names))


def split_photo_credit(caption):
    """“图为活动现场（摄影：张伟）” → (“图为活动现场”, “张伟”)."""
    match = PHOTO_CREDIT.search(caption)
    if match is None:
        return caption, ""
    return caption[: match.start()].strip(), match["who"]


def natural_key(file_name):
    """Sort key that puts “2.docx” before “10.docx”."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", file_name)]


def _title_from_file_name(file_name):
    stem = Path(file_name).stem.strip()
    # Files are often numbered for their order in the issue: “03 省科协召开全委会议”.
    return re.sub(r"^\d+\s*[-_.、．\s]\s*", "", stem).strip() or stem or "未命名稿件"


def _looks_like_title(line):
    return 0 < len(line) <= TITLE_MAX and not line.endswith(("。", "；", ";"))


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


def _balanced(line):
    opened = line.count("（") + line.count("(")
    closed = line.count("）") + line.count(")")
    return opened == closed


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
    """The text of a paragraph on one line, runs of whitespace (full-width too) as one space."""
    return " ".join(_raw_text(element).split())


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


# Creating drafts --------------------------------------------------------------------------------


def import_articles(files, *, issue, section, by):
    """Turn Word files into draft articles of ``issue`` (None for web-only news) in ``section``.

    Every file is read first; if any cannot be imported, :class:`DocxImportError` names each
    bad file and nothing is created. Otherwise one draft per file is created in one transaction,
    after the articles already in that section, in the order given.
    """
    return create_drafts(read_all(files), issue=issue, section=section, by=by)


def create_drafts(imported, *, issue, section, by):
    """Create one draft per :class:`ImportedArticle`, with its authors and photos."""
    saved_files = []
    try:
        with transaction.atomic():
            return _create_drafts(imported, issue=issue, section=section, by=by, saved_files=saved_files)
    except BaseException:
        # The rows are rolled back; the photo files written to storage have to go by hand.
        for storage, name in saved_files:
            storage.delete(name)
        raise


def _create_drafts(imported, *, issue, section, by, saved_files):
    last = Article.objects.filter(issue=issue, section=section).aggregate(last=Max("position"))["last"]
    position = (last or 0) + 1
    people = _people_named({name for item in imported for name in item.author_names})
    results = []
    for item in imported:
        article = Article(
            issue=issue,
            section=section,
            kicker=item.kicker,
            title=item.title,
            subtitle=item.subtitle,
            byline=item.byline,
            contributor=item.contributor,
            body=item.body,
            position=position,
            created_by=by,
            updated_by=by,
        )
        article._history_user = by  # simple-history's record of who created it
        article.save()
        position += 1

        linked, unmatched = [], []
        for name in item.author_names:
            matches = people.get(name, [])
            if len(matches) == 1:
                linked.append(matches[0])
            else:
                unmatched.append(UnmatchedAuthor(name=name, candidates=len(matches)))
        ArticlePerson.objects.bulk_create(
            ArticlePerson(article=article, person=person, role=ArticlePerson.Role.AUTHOR, position=n)
            for n, person in enumerate(linked)
        )
        for n, photo in enumerate(item.photos):
            # The caption is a first description; the admin asks for a better one if there is none.
            row = ArticlePhoto(
                article=article, alt=photo.caption, caption=photo.caption, credit=photo.credit, position=n
            )
            row.image.save(f"{article.slug or 'photo'}-{n + 1}.{photo.extension}", ContentFile(photo.content))
            saved_files.append((row.image.storage, row.image.name))

        results.append(
            ImportResult(
                file_name=item.file_name,
                article=article,
                title=item.title,
                subtitle=item.subtitle,
                kicker=item.kicker,
                byline=item.byline,
                affiliation=item.affiliation,
                authors_linked=linked,
                authors_unmatched=unmatched,
                contributor=item.contributor,
                paragraph_count=item.paragraph_count,
                photo_count=len(item.photos),
                warnings=item.warnings,
            )
        )
    return results


def _people_named(names):
    found = {}
    for person in Person.objects.filter(name__in=names).order_by("pk"):
        found.setdefault(person.name, []).append(person)
    return found
