"""Planning the work on an issue: the periodical's rhythm (出版周期), each issue's deadlines, who
is responsible for an article and who reviews it, and the comments (批注) on its drafts.

Who may change what, and the log of it, is ``bulletin.workflow``'s (``assign``, ``comments``);
the dates an issue's schedule derives from the rhythm are ``bulletin.planning``'s.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from bulletin.models.articles import Article
from bulletin.models.issues import Issue
from publishing.models import ReviewStage


class ProductionRhythm(models.Model):
    """How often the periodical appears and how long each step before it takes: set once, it
    gives every new issue its default deadlines (``bulletin.planning``)."""

    issues_per_year = models.PositiveSmallIntegerField(
        "每年期数",
        default=12,
        choices=[(12, "月刊（每年12期）"), (6, "双月刊（每年6期）"), (4, "季刊（每年4期）")],
        help_text="第N期在第 N×12÷每年期数 个月出版：双月刊第1期在2月，季刊第1期在3月",
    )
    release_day = models.PositiveSmallIntegerField(
        "出版日",
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="每期在出版月份的第几天出版",
    )
    print_days = models.PositiveSmallIntegerField(
        "印刷天数", default=7, validators=[MinValueValidator(1)], help_text="付印到出版之间的天数"
    )
    layout_days = models.PositiveSmallIntegerField(
        "排版校对天数", default=3, help_text="最后一个审核环节截止到付印之间的天数"
    )

    class Meta:
        verbose_name = "出版周期"
        verbose_name_plural = "出版周期"

    def __str__(self):
        return f"{self.get_issues_per_year_display()}，每期{self.release_day}日出版"

    @classmethod
    def current(cls):
        """The one rhythm of the periodical (its defaults until an editor sets it)."""
        return cls.objects.order_by("pk").first() or cls()


class IssueDeadline(models.Model):
    """When one review stage must be done for an issue's articles."""

    issue = models.ForeignKey(Issue, verbose_name="期刊", on_delete=models.CASCADE, related_name="deadlines")
    stage = models.ForeignKey(ReviewStage, verbose_name="审核环节", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField("截止日期")

    class Meta:
        verbose_name = "审核截止日期"
        verbose_name_plural = "各审核环节截止日期"
        ordering = ["stage__order"]
        constraints = [models.UniqueConstraint(fields=["issue", "stage"], name="issue_deadline_once_per_stage")]

    def __str__(self):
        return f"{self.stage}：{self.due_on:%Y-%m-%d}"


class ReviewerAssignment(models.Model):
    """The reviewer named for one stage of an article: they are told when it reaches the stage and
    find it in 待我处理. Naming someone grants nothing: they decide only if the workflow's rules
    allow it, and the stage's group may still decide in their place."""

    article = models.ForeignKey(
        Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="reviewer_assignments"
    )
    stage = models.ForeignKey(ReviewStage, verbose_name="审核环节", on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="指定审核人", on_delete=models.CASCADE, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="指定人", on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField("指定时间", auto_now=True)

    class Meta:
        verbose_name = "指定审核人"
        verbose_name_plural = "指定审核人"
        ordering = ["stage__order"]
        constraints = [models.UniqueConstraint(fields=["article", "stage"], name="one_reviewer_per_stage")]

    def __str__(self):
        return f"{self.stage}：{self.reviewer}"


class CommentQuerySet(models.QuerySet):
    def threads(self):
        """Comments that open a thread, with their replies and the people in them."""
        return (
            self.filter(parent__isnull=True)
            .select_related("author", "resolved_by")
            .prefetch_related(models.Prefetch("replies", Comment.objects.select_related("author")))
            .order_by("created_at", "pk")
        )

    def open(self):
        return self.filter(parent__isnull=True, resolved_at__isnull=True)


class Comment(models.Model):
    """A comment (批注) on an article under work, on the whole or on a quoted passage, or a reply
    to one. Kept with the review record (审稿单); never shown to readers."""

    article = models.ForeignKey(Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", verbose_name="回复的批注", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="批注人", on_delete=models.PROTECT, related_name="+"
    )
    quote = models.TextField("引用原文", blank=True, help_text="批注针对的正文片段；留空表示针对全文")
    text = models.TextField("批注")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    resolved_at = models.DateTimeField("解决时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="解决人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = "批注"
        verbose_name_plural = "批注"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | (Q(resolved_at__isnull=True) & Q(quote="")),
                name="comment_reply_is_plain",
                violation_error_message="回复不能引用原文，也不能单独标记为已解决。",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | Q(resolved_at__isnull=False, resolved_by__isnull=False),
                name="comment_resolved_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["article", "parent", "resolved_at"], name="comment_open_threads")]

    def __str__(self):
        return self.text[:40]
