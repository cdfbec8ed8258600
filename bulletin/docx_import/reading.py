"""Reading .docx files: the checks a file must pass before it is opened, and its conversion by
mammoth, with the framing :class:`~bulletin.docx_import.framing.Reader`, into an ``ImportedArticle``.
A batch is read whole before anything is created.
"""

import io
import logging
import zipfile
from os import PathLike
from pathlib import Path

import mammoth

from bulletin.docx_import.framing import STYLE_MAP, NoText, Reader

logger = logging.getLogger(__name__)

MAX_FILE_MB = 20
# A .docx is a zip: refuse one whose parts would unpack to more than this (a zip bomb).
MAX_UNPACKED_MB = 200
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


def read_docx(file):
    """Read one .docx (a path, or a file object with a name) into an :class:`ImportedArticle`.

    Raises :class:`DocxImportError` if it is not a readable Word document with some text.
    """
    name, content = _load(file)
    problem = _container_problem(content)
    if problem:
        raise DocxImportError([(name, problem)])
    reader = Reader(name)
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(content),
            style_map=STYLE_MAP,
            include_embedded_style_map=False,
            transform_document=reader.transform,
            convert_image=reader.convert_image,
        )
    except NoText:
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
