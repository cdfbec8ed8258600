"""Issues (期) and the PDFs of their print edition."""

import re
from dataclasses import dataclass
from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from publishing import media
from publishing.images import PublicImageField
from publishing.links import page_url
from publishing.models import DerivedFieldsModel, PublicationStatus, StatefulModel
from publishing.uploads import validate_pdf

# How editors name an issue: 2026年第5期, 第5期, 2026年, 总第123期, 2026-5, or the label the admin
# shows, 2026年第5期（总第123期）. Spaces anywhere.
ISSUE_NAME = re.compile(
    r"(?:(?P<year>\d{4})\s*(?:年|[-/.](?=\s*\d)))?\s*"
    r"(?:第?\s*(?P<number>\d{1,3})\s*期?)?\s*"
    r"(?:[（(]?\s*总\s*第?\s*(?P<running>\d+)\s*期?\s*[）)]?)?"
)


class IssueQuerySet(models.QuerySet):
    def public(self, now=None):
        """Released issues whose release time has come, at ``now`` (the present unless given)."""
        return self.filter(status=Issue.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def named(self, text):
        """The issues ``text`` names the way editors do (``ISSUE_NAME``), or whose theme or cover
        caption holds it. A bare number is a year if it looks like one, else an issue number or a
        running number: “5” finds 第5期 of every year and 总第5期."""
        text = re.sub(r"\s+", "", text)
        if not text:
            return self.none()
        words = Q(theme__icontains=text) | Q(cover_caption__icontains=text)
        if text.isdigit():
            bare = int(text)
            return self.filter(words | Q(year=bare) | Q(number=bare) | Q(running_number=bare))
        name = ISSUE_NAME.fullmatch(text)
        if name is None or not any(name.groups()):
            return self.filter(words)
        year, number, running = (int(part) if part else None for part in name.group("year", "number", "running"))
        exact = Q()
        for field, value in (("year", year), ("number", number), ("running_number", running)):
            if value is not None:
                exact &= Q(**{field: value})
        return self.filter(words | exact)


class Issue(StatefulModel, DerivedFieldsModel):
    state_fields = ("status", "published_at")

    class Status(models.TextChoices):
        DRAFT = "draft", "编辑中"
        PUBLISHED = "published", "已出版"

    year = models.PositiveSmallIntegerField("年份", validators=[MinValueValidator(1949), MaxValueValidator(2100)])
    number = models.PositiveSmallIntegerField(
        "期号", validators=[MinValueValidator(1)], help_text="当年的第几期，如“第2期”填 2"
    )
    running_number = models.PositiveIntegerField(
        "总期号", unique=True, validators=[MinValueValidator(1)], help_text="创刊以来的总期数，如“总第128期”填 128"
    )
    theme = models.CharField("本期主题", max_length=200, blank=True)
    cover_image = PublicImageField(
        "封面图片",
        upload_to="issues/covers/%Y/",
        blank=True,
        help_text="JPEG、PNG、WebP 或 GIF；上传时会去掉拍摄地点等隐藏信息",
    )
    cover_caption = models.CharField("封面说明", max_length=300, blank=True)
    page_count = models.PositiveSmallIntegerField(
        "页数", null=True, blank=True, validators=[MinValueValidator(1)], help_text="印刷版总页数，用于校对页码"
    )
    released_on = models.DateField(
        "出版日期", null=True, blank=True, help_text="印刷版的出版日期；发布时未填写则取当天"
    )
    # The production schedule: filled from the periodical's rhythm when the issue is created
    # (``bulletin.planning``), then the editors' to adjust; the review stages' dates are ``deadlines``.
    copy_deadline = models.DateField(
        "截稿日期", null=True, blank=True, help_text="本期稿件应在这一天之前完成编辑、提交审核"
    )
    to_printer_on = models.DateField("付印日期", null=True, blank=True, help_text="定稿交印厂的日期")
    planned_release_on = models.DateField(
        "计划出版日期", null=True, blank=True, help_text="按出版周期推算，可调整；实际出版日期在发布时记录"
    )
    status = models.CharField("状态", max_length=16, choices=Status, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField(
        "上线时间", null=True, blank=True, editable=False, help_text="到了这个时刻，本期及其稿件在网站上可见"
    )
    print_pdf = models.FileField(
        "印厂定稿 PDF",
        upload_to="issues/pdf/%Y/",
        blank=True,
        help_text="在本系统之外排版付印的定稿。上传后，读者在本期页面下载的是它，而不是系统生成的印刷版 PDF",
        validators=[FileExtensionValidator(["pdf"], message="只能上传 PDF 文件。"), validate_pdf],
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = IssueQuerySet.as_manager()
    public_files = media.PublicFiles(fields=("cover_image", "print_pdf"), permission="bulletin.view_issue")

    class Meta:
        verbose_name = "期刊"
        verbose_name_plural = "期刊"
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="issue_unique_year_number"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(released_on__isnull=False, published_at__isnull=False),
                name="issue_published_has_date",
                violation_error_message="已出版的期刊必须有出版日期和上线时间。",
            ),
        ]
        permissions = [("release_issue", "可发布和撤回期刊")]

    def __str__(self):
        return f"{self.year}年第{self.number}期（总第{self.running_number}期）"

    def get_absolute_url(self):
        return page_url("bulletin:issue-detail", year=self.year, number=self.number)

    def media_files(self):
        """The stored originals readers see, or may have seen, of this issue: its cover and print
        PDF, and the files of its articles."""
        return {self.cover_image.name, self.print_pdf.name} | self.articles.media_files()

    def derive_fields(self, update_fields=None):
        if self.status == self.Status.PUBLISHED:
            self.published_at = self.published_at or timezone.now()
            self.released_on = self.released_on or timezone.localdate(self.published_at)

    def clean(self):
        dated = [
            (name, getattr(self, name))
            for name in ("copy_deadline", "to_printer_on", "planned_release_on")
            if getattr(self, name)
        ]
        for (earlier, first), (later, then) in pairwise(dated):
            if then < first:
                label = self._meta.get_field(later).verbose_name
                before = self._meta.get_field(earlier).verbose_name
                raise ValidationError({later: f"{label}不能早于{before}（{first:%Y-%m-%d}）。"})

    @property
    def short_name(self):
        return f"{self.year}年第{self.number}期"

    @property
    def cover_alt(self):
        return f"{self}封面" + (f"：{self.cover_caption}" if self.cover_caption else "")

    def unique_error_message(self, model_class, unique_check):
        if tuple(unique_check) == ("year", "number"):
            return ValidationError(f"{self.year}年第{self.number}期已经存在，请检查年份和期号。", code="unique")
        if tuple(unique_check) == ("running_number",):
            return ValidationError(f"总第{self.running_number}期已经存在，请检查总期号。", code="unique")
        return super().unique_error_message(model_class, unique_check)

    def flatplan_report(self):
        """Pages no article covers, and articles printed before an article listed ahead of them.

        Several short items may share a page, so overlaps are not a problem; gaps and pages
        running backwards against the table of contents usually are.
        """
        articles = [
            a
            for a in self.articles.exclude(status=PublicationStatus.WITHDRAWN).select_related("section").in_toc_order()
            if a.first_page is not None
        ]
        covered = set()
        for article in articles:
            covered.update(range(article.first_page, (article.last_page or article.first_page) + 1))
        uncovered = [p for p in range(1, (self.page_count or 0) + 1) if p not in covered]
        out_of_order, furthest = [], 0
        for article in articles:
            if article.first_page < furthest:
                out_of_order.append(article)
            furthest = max(furthest, article.first_page)
        return FlatplanReport(uncovered_pages=uncovered, out_of_order=out_of_order)


@dataclass
class FlatplanReport:
    uncovered_pages: list
    out_of_order: list

    @property
    def ok(self):
        return not self.uncovered_pages and not self.out_of_order


class IssuePrint(models.Model):
    """A PDF of an issue made by ``bulletin.print_edition``: one per issue and layout.

    ``file`` is the last PDF built (kept while a rebuild is queued, so a download never breaks);
    ``fingerprint`` identifies the content and layout it shows, so an unchanged issue is not
    built twice. ``proof`` marks a PDF built before readers could see the issue: it says 样稿.
    """

    class Paper(models.TextChoices):
        A4 = "A4", "A4"
        B5 = "B5", "16开"

    class State(models.TextChoices):
        QUEUED = "queued", "排队等待生成"
        BUILDING = "building", "正在生成"
        READY = "ready", "已生成"
        FAILED = "failed", "生成失败"

    issue = models.ForeignKey(Issue, verbose_name="期刊", on_delete=models.CASCADE, related_name="prints")
    paper = models.CharField(
        "纸张", max_length=2, choices=Paper, default=Paper.A4, help_text="A4 为 210×297 毫米，16开为 185×260 毫米"
    )
    recorded_pages = models.BooleanField(
        "目录用录入的页码",
        default=False,
        help_text="重印往期时，目录印稿件中录入的印刷页码；否则印本 PDF 中的实际页码",
    )
    state = models.CharField("状态", max_length=10, choices=State, default=State.QUEUED)
    file = models.FileField("PDF 文件", upload_to="issues/print/%Y/", blank=True)
    proof = models.BooleanField("样稿", default=False, help_text="读者还看不到本期时生成的 PDF，每页印有“样稿”字样")
    page_total = models.PositiveSmallIntegerField("页数", null=True, blank=True)
    fingerprint = models.CharField("内容指纹", max_length=64, blank=True)
    error = models.TextField("错误信息", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    built_at = models.DateTimeField("生成时间", null=True, blank=True)

    class Meta:
        verbose_name = "印刷版 PDF"
        verbose_name_plural = "印刷版 PDF"
        ordering = ["issue", "paper", "recorded_pages"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "paper", "recorded_pages"], name="issue_print_unique_layout"),
        ]

    def __str__(self):
        pages = "，目录用录入的页码" if self.recorded_pages else ""
        return f"{self.issue.short_name}印刷版（{self.get_paper_display()}{pages}）"
