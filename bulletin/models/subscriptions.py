"""Readers' email subscriptions to new issues, and the record of each issue mailed to each of them.

The rules (double opt-in, one-click unsubscribe, never twice) live in ``bulletin.subscriptions``;
here are the rows and the constraints that hold whatever code writes them.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from bulletin.models.issues import Issue
from bulletin.models.sections import Section


class Subscriber(models.Model):
    """An email address that asked for new issues; mailed only once it has confirmed."""

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已订阅"
        UNSUBSCRIBED = "unsubscribed", "已退订"
        BOUNCED = "bounced", "地址无效"

    email = models.EmailField("邮箱地址", unique=True, help_text="去掉首尾空格、全部小写后保存，同一地址只有一条订阅")
    status = models.CharField("状态", max_length=12, choices=Status, default=Status.PENDING)
    sections = models.ManyToManyField(
        Section,
        verbose_name="订阅的栏目",
        blank=True,
        related_name="+",
        help_text="不选则收到每期的全部目录；选了则只收到这些栏目（含其子栏目）的稿件，本期没有这些栏目时不发",
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("退订时间", null=True, blank=True)
    bounced_at = models.DateTimeField(
        "退信时间", null=True, blank=True, help_text="对方邮件服务器拒收此地址后不再发送，读者重新确认订阅后恢复"
    )

    class Meta:
        verbose_name = "订阅读者"
        verbose_name_plural = "订阅读者"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Uniqueness is of the normalised address: the same mailbox typed in another case is
            # the same subscriber, never a second one.
            models.CheckConstraint(condition=Q(email=Lower("email")), name="subscriber_email_normalised"),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="subscriber_confirmed_has_time",
            ),
        ]

    def __str__(self):
        return self.email


class Delivery(models.Model):
    """One issue mailed to one subscriber: created once per pair, claimed under a row lock by the
    worker that sends it, so that no address gets the same issue twice."""

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        SKIPPED = "skipped", "不发送"
        BOUNCED = "bounced", "被拒收"

    issue = models.ForeignKey(Issue, verbose_name="期刊", on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, verbose_name="订阅读者", on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField("状态", max_length=8, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField("发送失败次数", default=0)
    error = models.TextField("说明", blank=True, help_text="发送失败或不发送的原因")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "新刊邮件"
        verbose_name_plural = "新刊邮件"
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="delivery_once_per_issue_and_subscriber"),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False), name="delivery_sent_has_time"
            ),
        ]
        indexes = [models.Index(fields=["issue", "state"], name="delivery_issue_state")]

    def __str__(self):
        return f"{self.issue.short_name} → {self.subscriber}"
