"""Checks on uploaded files beyond their names: what a file claims to be, it must be."""

from django.core.exceptions import ValidationError


def validate_pdf(upload):
    """Accept only files that start like a PDF, whatever their extension says."""
    upload.seek(0)
    header = upload.read(5)
    upload.seek(0)
    if header != b"%PDF-":
        raise ValidationError("这不是有效的 PDF 文件，请上传印刷版导出的 PDF。", code="invalid_pdf")
