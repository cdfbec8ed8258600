"""Word (.docx) import: contributions as editors receive them become draft articles.

:func:`read_docx` (``reading``) turns one file into an ``ImportedArticle``: mammoth converts the
body to plain semantic HTML, and the lines a contribution is framed with (kicker, title, subtitle,
byline, 供稿 credit, photo captions) are recognised (``framing``, by the text rules of
``recognising``) and taken out of the body. Embedded images become article photos, never inline
markup. :func:`import_articles` (``drafts``) reads a whole batch first and creates drafts only
when every file could be read, so a bad file creates nothing. The admin's two steps (``staging``)
keep the uploaded files privately while the editor corrects what was recognised, then create the
drafts once.
"""

from bulletin.docx_import.drafts import create_drafts, import_articles
from bulletin.docx_import.reading import MAX_FILE_MB, OLE_MAGIC, DocxImportError, read_all, read_docx
from bulletin.docx_import.recognising import (
    BYLINE,
    BYLINE_PHOTOS_TOO,
    could_be_name,
    head_byline,
    is_name,
    is_role,
    natural_key,
    split_byline,
)

__all__ = [
    "BYLINE",
    "BYLINE_PHOTOS_TOO",
    "MAX_FILE_MB",
    "OLE_MAGIC",
    "DocxImportError",
    "could_be_name",
    "create_drafts",
    "head_byline",
    "import_articles",
    "is_name",
    "is_role",
    "natural_key",
    "read_all",
    "read_docx",
    "split_byline",
]
