"""Addresses that lead to an article besides its own: those it had before, and share links to an
unpublished revision."""

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from bulletin.models.articles import Article


class ArticleRedirect(models.Model):
    """An address an article had once readers could see it; requests for it are sent on with a 301.

    Recorded where addresses change (``bulletin.redirects``); followed only while the article is public.
    """

    old_path = models.CharField("旧网址", max_length=300, unique=True)
    article = models.ForeignKey(Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "旧网址"
        verbose_name_plural = "旧网址"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.old_path} → 《{self.article}》"


class ShareLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ShareLink(models.Model):
    """Lets an outside expert without an account read one revision of an unpublished article."""

    SALT = "bulletin.share-link"

    article = models.ForeignKey(Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="share_links")
    revision = models.ForeignKey(
        "bulletin.HistoricalArticle", verbose_name="分享的版本", on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("失效时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "分享链接"
        verbose_name_plural = "分享链接"
        ordering = ["-created_at"]

    def __str__(self):
        return f"《{self.article}》的分享链接"

    def get_absolute_url(self):
        return reverse("bulletin:shared-preview", kwargs={"token": self.token})

    @property
    def token(self):
        return signing.dumps(self.pk, salt=self.SALT)

    @classmethod
    def from_token(cls, token):
        """The active link ``token`` stands for, or None if it is forged, expired or revoked."""
        try:
            pk = signing.loads(token, salt=cls.SALT)
        except signing.BadSignature:
            return None
        return cls.objects.active().select_related("revision").filter(pk=pk).first()

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()
