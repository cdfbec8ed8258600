"""Uploaded files: checks beyond their names (what a file claims to be, it must be), and the files
stored by work that then fails, removed again."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError


def validate_pdf(upload):
    """Accept only files that start like a PDF, whatever their extension says."""
    upload.seek(0)
    header = upload.read(5)
    upload.seek(0)
    if header != b"%PDF-":
        raise ValidationError("这不是有效的 PDF 文件，请上传印刷版导出的 PDF。", code="invalid_pdf")


@contextmanager
def removed_on_failure():
    """A list for the ``(storage, name)`` of each file the block stores: if the block raises, they
    are deleted again. The transaction it ran in takes back its rows, never the files they named."""
    stored = []
    try:
        yield stored
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise
