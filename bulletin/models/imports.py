"""Word files an editor has uploaded and not yet turned into drafts (``bulletin.docx_import.staging``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from bulletin.models.issues import Issue
from bulletin.models.sections import Section


class StagedImport(models.Model):
    """A batch of uploaded Word files waiting on the editor's check of what was recognised.

    The files are kept in storage under a folder named by ``token``, outside the public tree, and
    only the user who uploaded them may see the batch, create its drafts (once: the row is
    deleted in the same transaction) or cancel it.
    """

    token = models.CharField("令牌", max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now, db_index=True)
    issue = models.ForeignKey(
        Issue, verbose_name="所属期刊", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    section = models.ForeignKey(Section, verbose_name="栏目", on_delete=models.CASCADE, related_name="+")
    # [[the file's name as uploaded, its name in storage], ...] in the order of the import.
    files = models.JSONField("文件", default=list)

    class Meta:
        verbose_name = "待确认的 Word 导入"
        verbose_name_plural = "待确认的 Word 导入"

    def __str__(self):
        return f"{len(self.files)} 个 Word 文件（{self.created_at:%Y-%m-%d %H:%M}）"
