"""Contributions from outside the office: the units (单位) that send in pieces, their
correspondents (通讯员), each piece they submit (来稿) with the versions they sent, and the fees
(稿费) paid for what was printed.

A submission is a draft article in the office's queue plus what only the contributor's side
needs: its tracking number, the unit it is credited to, the note to the editors and the office's
answers (退修, 未采用, 校样). What a contributor is told about it (``Submission.stage``) is read from
the article and the submission together; the changes are ``bulletin.workflow.contributions``'.
"""

import math
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from bulletin.models.articles import Article
from bulletin.models.sections import Section
from publishing.diff import text_of
from publishing.models import PublicationStatus
from publishing.sanitize import RichTextField


class Unit(models.Model):
    """A unit that sends in pieces: a city association, a society, a department of the association."""

    class Kind(models.TextChoices):
        CITY = "city", "市（州）科协"
        SOCIETY = "society", "学会"
        DEPARTMENT = "department", "省科协部门"
        OTHER = "other", "其他单位"

    name = models.CharField("单位名称", max_length=100, unique=True, help_text="按供稿署名印出的名称，如“南州市科协”")
    kind = models.CharField("类别", max_length=20, choices=Kind, default=Kind.CITY)
    active = models.BooleanField(
        "可以投稿", default=True, help_text="取消后，本单位的通讯员不能再投新稿，已有来稿不受影响"
    )

    class Meta:
        verbose_name = "供稿单位"
        verbose_name_plural = "供稿单位"
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Contributor(models.Model):
    """A correspondent (通讯员): a user outside the office who submits pieces for their unit.

    Never staff: the portal (``/contribute/``) is all they see; a staff account cannot be one.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已启用"
        REFUSED = "refused", "未通过"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="contributor"
    )
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="contributors")
    phone = models.CharField("联系电话", max_length=30, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="邀请人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("注册时间", auto_now_add=True)

    class Meta:
        verbose_name = "通讯员"
        verbose_name_plural = "通讯员"
        ordering = ["unit", "pk"]

    def __str__(self):
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name}（{self.unit}）"


class SubmissionQuerySet(models.QuerySet):
    def of(self, user):
        """The submissions ``user`` sent: all a contributor ever sees."""
        return self.filter(contributor=user)

    def for_list(self):
        """With what ``stage`` reads, so that a list asks nothing per submission."""
        return self.select_related("article", "article__issue", "article__section", "unit").annotate(
            public_now=Exists(Article.objects.public().filter(pk=OuterRef("article_id")))
        )

    def open(self):
        """Submissions whose contributor may still hear of a change: not yet printed or declined."""
        return self.exclude(told__in=[Submission.Stage.PRINTED, Submission.Stage.DECLINED])


class Submission(models.Model):
    """A piece a contributor sent in (来稿), and the office's answers to them."""

    class Status(models.TextChoices):
        IN_OFFICE = "in_office", "在编辑部"
        RETURNED = "returned", "退修"
        DECLINED = "declined", "未采用"

    class Stage(models.TextChoices):
        """The moments a contributor is told of, in their words."""

        RECEIVED = "received", "已收到"
        EDITING = "editing", "编辑中"
        IN_REVIEW = "in_review", "审核中"
        ACCEPTED = "accepted", "已录用"
        PRINTED = "printed", "已刊发"
        RETURNED = "returned", "退修"
        DECLINED = "declined", "未采用"

    class Proof(models.TextChoices):
        NONE = "", "未发送"
        SENT = "sent", "待确认"
        CONFIRMED = "confirmed", "已确认"
        CORRECTIONS = "corrections", "要求修改"

    year = models.PositiveSmallIntegerField("年份", editable=False)
    sequence = models.PositiveIntegerField("序号", editable=False)
    article = models.OneToOneField(Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="submission")
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="通讯员", on_delete=models.PROTECT, related_name="submissions"
    )
    unit = models.ForeignKey(Unit, verbose_name="供稿单位", on_delete=models.PROTECT, related_name="submissions")
    wished_section = models.ForeignKey(
        Section, verbose_name="希望刊登的栏目", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("给编辑的话", blank=True)
    status = models.CharField("处理", max_length=10, choices=Status, default=Status.IN_OFFICE, editable=False)
    answer = models.TextField(
        "编辑部意见", blank=True, editable=False, help_text="退修意见或不采用的理由，通讯员能看到"
    )
    submitted_at = models.DateTimeField("投稿时间", default=timezone.now, editable=False)
    decided_at = models.DateTimeField(
        "决定时间", null=True, blank=True, editable=False, help_text="第一次录用或不采用的时间，用于统计处理时长"
    )
    proof = models.CharField("校样", max_length=12, choices=Proof, default=Proof.NONE, blank=True, editable=False)
    proof_due = models.DateField("校样确认截止", null=True, blank=True, editable=False)
    proof_reply = models.TextField("通讯员的修改要求", blank=True, editable=False)
    # What the contributor was last told (``bulletin.contributions.announce``): a moment is mailed once.
    told = models.CharField("已告知", max_length=10, choices=Stage, blank=True, editable=False)
    version = models.PositiveIntegerField("版本号", default=1, editable=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "来稿"
        verbose_name_plural = "来稿"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="submission_number_unique"),
            models.CheckConstraint(
                condition=~Q(status="declined") | Q(decided_at__isnull=False), name="declined_submission_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.number}《{self.article.title}》"

    @property
    def number(self):
        """The tracking number a contributor quotes, as 2026-0137."""
        return f"{self.year}-{self.sequence:04d}"

    @property
    def stage(self):
        """Where the piece stands, in the words a contributor understands (``Stage``)."""
        article = self.article
        if self.status == self.Status.DECLINED:
            return self.Stage.DECLINED
        if self.status == self.Status.RETURNED:
            return self.Stage.RETURNED
        if article.status == PublicationStatus.PUBLISHED and self.is_public:
            return self.Stage.PRINTED
        if article.status in (PublicationStatus.APPROVED, PublicationStatus.PUBLISHED):
            return self.Stage.ACCEPTED
        if article.status == PublicationStatus.IN_REVIEW:
            return self.Stage.IN_REVIEW
        if article.editor_id or article.updated_by_id:
            return self.Stage.EDITING
        return self.Stage.RECEIVED

    @property
    def is_public(self):
        """Readers see the piece: from ``public_now`` where the query annotated it (lists), else asked."""
        if hasattr(self, "public_now"):
            return self.public_now
        return Article.objects.public().filter(pk=self.article_id).exists()

    def stage_label(self, stage=None):
        """The stage as shown to the contributor: 已录用 names the issue it will appear in."""
        stage = stage or self.stage
        if stage == self.Stage.ACCEPTED and self.article.issue_id:
            return f"已录用——{self.article.issue.short_name}"
        return stage.label

    @property
    def proof_open(self):
        """The contributor may still answer the proof."""
        return self.proof == self.Proof.SENT and self.proof_due is not None and timezone.localdate() <= self.proof_due


class SubmissionVersion(models.Model):
    """One text of a submission: each one its contributor sent, and the office's text each time
    it was sent back, so the office sees what a revision changed."""

    submission = models.ForeignKey(Submission, verbose_name="来稿", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField("第几稿")
    from_office = models.BooleanField("编辑部退修时的稿件", default=False)
    title = models.CharField("标题", max_length=200)
    body = RichTextField("正文", blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "来稿版本"
        verbose_name_plural = "来稿版本"
        ordering = ["submission", "at", "pk"]

    def __str__(self):
        return f"第{self.number}稿" + ("（退修时）" if self.from_office else "")


class Fee(models.Model):
    """A fee (稿费) paid for a printed piece, as recorded by the office."""

    article = models.OneToOneField(Article, verbose_name="稿件", on_delete=models.PROTECT, related_name="fee")
    amount = models.DecimalField("金额（元）", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    paid_on = models.DateField("支付日期")
    payee = models.CharField("收款人", max_length=100, help_text="作者或供稿单位")
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "稿费"
        verbose_name_plural = "稿费"
        ordering = ["-paid_on", "-pk"]

    def __str__(self):
        return f"《{self.article}》{self.amount}元"


def fee_due(section, body):
    """The fee a printed piece of ``section`` earns by the section's rate, or None when the
    section pays none. Per thousand characters counts the readable text, a started thousand whole."""
    if section.fee_basis == Section.FeeBasis.PER_ARTICLE:
        return section.fee_rate
    if section.fee_basis == Section.FeeBasis.PER_THOUSAND:
        return section.fee_rate * Decimal(max(1, math.ceil(character_count(body) / 1000)))
    return None


def character_count(body):
    """The characters of rich text a reader reads (字数), without markup or line breaks."""
    return len(text_of(body).replace("\n", ""))
